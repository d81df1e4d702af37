// sidecar.SelectorAnalyzer: a Sidecar's workloadSelector matches pods of its namespace, no two Sidecars select the same
// pod, at most one Sidecar per namespace has no selector, and Sidecars have no effect in ambient namespaces
// (IST0101, IST0110, IST0111, IST0167).
import { relatedAt, type AnalysisContext, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { sameResource } from '../index';
import { fullName, labels, obj, spec, strMap, type MeshResource } from '../model';
import { selectorString } from './gwutil';

/** A namespace in ambient mode without sidecar injection: Sidecar resources have no effect there. */
export function isAmbientNamespace(ctx: AnalysisContext, ns: string): boolean {
  // A namespace defined in several files (alternatives): ambient only when every definition says so.
  const defs = ctx.getAll(GK.Namespace, '', ns);
  return defs.length > 0 && defs.every((n) => {
    const l = labels(n);
    return l['istio.io/dataplane-mode'] === 'ambient' && !('istio-injection' in l) && !('istio.io/rev' in l);
  });
}

export const sidecarSelectorAnalyzer: MeshAnalyzer = {
  name: 'sidecar.SelectorAnalyzer',
  analyze(ctx) {
    const podsToSidecars = new Map<MeshResource, MeshResource[]>();
    const noSelector = new Map<string, MeshResource[]>();
    for (const sc of ctx.forEach(GK.Sidecar)) {
      if (isAmbientNamespace(ctx, sc.namespace)) {
        ctx.report('IST0167', sc, ['metadata', 'name'], [`namespace ${sc.namespace} is in ambient mode, Sidecar resources are not applied`]);
        continue;
      }
      const sel = strMap(obj(spec(sc).workloadSelector).labels);
      if (Object.keys(sel).length === 0) {
        noSelector.set(sc.namespace, [...(noSelector.get(sc.namespace) ?? []), sc]);
        continue;
      }
      let found = false;
      for (const pod of ctx.selected(GK.Pod, sel, sc.namespace)) {
        found = true;
        podsToSidecars.set(pod, [...(podsToSidecars.get(pod) ?? []), sc]);
      }
      if (!found) {
        const first = Object.keys(sel).sort()[0];
        ctx.report('IST0101', sc, ['spec', 'workloadSelector', 'labels', first], ['selector', selectorString(sel)]);
      }
    }
    // Definitions of one Sidecar in several files are alternatives, applied one at a time: never a conflict.
    const distinctNames = (list: MeshResource[]) => list.filter((r, i) => list.findIndex((o) => sameResource(o, r)) === i).map((s) => s.name);
    for (const [pod, list] of podsToSidecars) {
      const names = distinctNames(list);
      if (names.length < 2) continue;
      for (const sc of list) {
        ctx.report('IST0110', sc, ['spec', 'workloadSelector'], [names, pod.namespace, pod.name],
          list.filter((o) => !sameResource(o, sc)).map((o) => relatedAt(o, `Sidecar ${fullName(o)} selects the same pod`, ['spec', 'workloadSelector'])));
      }
    }
    for (const [ns, list] of noSelector) {
      const names = distinctNames(list);
      if (names.length < 2) continue;
      for (const sc of list) {
        ctx.report('IST0111', sc, ['metadata', 'name'], [names, ns],
          list.filter((o) => !sameResource(o, sc)).map((o) => relatedAt(o, `Sidecar ${fullName(o)} has no workload selector either`)));
      }
    }
  },
};
