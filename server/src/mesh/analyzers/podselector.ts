// What sidecar.SelectorAnalyzer and telemetry.SelectorAnalyzer share: a resource's workload selector selects pods of its
// namespace (IST0101 when none), and no two resources select the same pod.
import { relatedAt, type AnalysisContext, type YamlPath } from '../context';
import { GK } from '../gvk';
import { sameResource } from '../index';
import { fullName, type MeshResource } from '../model';
import { selectorString } from './gwutil';

/** Per pod, the resources selecting it, in the order they were given. */
export type PodSelections = Map<MeshResource, MeshResource[]>;

/**
 * Adds the pods of r's namespace that `sel` (not empty) selects to `into`, or reports IST0101 at the selector's first
 * label (`labelsPath`: the path of its labels map) when it selects none.
 */
export function selectPods(ctx: AnalysisContext, r: MeshResource, sel: Readonly<Record<string, string>>, labelsPath: YamlPath, into: PodSelections): void {
  let found = false;
  for (const pod of ctx.selected(GK.Pod, sel, r.namespace)) {
    found = true;
    const list = into.get(pod);
    if (list) list.push(r);
    else into.set(pod, [r]);
  }
  if (!found) {
    const first = Object.keys(sel).sort()[0];
    ctx.report('IST0101', r, [...labelsPath, first], ['selector', selectorString(sel)]);
  }
}

/** The names of the resources, each once: definitions of one resource in several files are alternatives, never a conflict. */
export function distinctNames(list: readonly MeshResource[]): string[] {
  return list.filter((r, i) => list.findIndex((o) => sameResource(o, r)) === i).map((r) => r.name);
}

/**
 * Reports `code` (args: the names, the pod's namespace and name) at `selectorPath` of every resource selecting a pod that
 * another resource selects too. `sortNames` as Istio's analyzer lists them (telemetry sorts, sidecar keeps their order).
 */
export function reportSharedPods(ctx: AnalysisContext, pods: PodSelections, code: string, selectorPath: YamlPath, sortNames: boolean): void {
  for (const [pod, list] of pods) {
    const names = distinctNames(list);
    if (names.length < 2) continue;
    if (sortNames) names.sort();
    for (const r of list) {
      ctx.report(code, r, selectorPath, [names, pod.namespace, pod.name],
        list.filter((o) => !sameResource(o, r)).map((o) => relatedAt(o, `${o.kind} ${fullName(o)} selects the same pod`, selectorPath)));
    }
  }
}
