// sidecar.SelectorAnalyzer: a Sidecar's workloadSelector matches pods of its namespace, no two Sidecars select the same
// pod, at most one Sidecar per namespace has no selector, and Sidecars have no effect in ambient namespaces
// (IST0101, IST0110, IST0111, IST0167).
import { relatedAt, type AnalysisContext, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { sameResource } from '../index';
import { fullName, labels, obj, spec, strMap, type MeshResource } from '../model';
import { distinctNames, reportSharedPods, selectPods, type PodSelections } from './podselector';

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
    const podsToSidecars: PodSelections = new Map();
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
      selectPods(ctx, sc, sel, ['spec', 'workloadSelector', 'labels'], podsToSidecars);
    }
    reportSharedPods(ctx, podsToSidecars, 'IST0110', ['spec', 'workloadSelector'], false);
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
