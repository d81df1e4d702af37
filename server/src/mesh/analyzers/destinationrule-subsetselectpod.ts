// destinationrule.SubsetSelectPodAnalyzer: a DestinationRule's host exists (IST0174) and each subset selects at least one
// pod, pod labels augmented with their node's topology labels as Istio's registry does (IST0173).
import type { AnalysisContext, MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { keyedIndex } from '../deps';
import { destinationHost } from '../hosts';
import { arr, labels, obj, selectorMatches, spec, str, strMap, type MeshResource } from '../model';

const TOPOLOGY = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];
/** Labels a pod gets from its node. */
const FROM_NODE = new Set([...TOPOLOGY, 'kubernetes.io/hostname']);

/** Nodes by name (the last definition of a name wins). */
const NODES = keyedIndex<null>('nodes', [GK.Node], (r) => [[r.name, null]]);

/** The selector without the labels a pod may get from its node: a pod it does not select is selected by no subset. */
function withoutNodeLabels(sel: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(sel).filter(([k]) => !FROM_NODE.has(k)));
}

/** The pod's labels with its node's topology labels, as Istio's registry gives them. */
function withNodeLabels(ctx: AnalysisContext, pod: MeshResource): Readonly<Record<string, string>> {
  const nodeName = str(obj(pod.obj.spec).nodeName);
  if (!nodeName) return labels(pod);
  const nodes = ctx.lookup(NODES, nodeName);
  if (!nodes.length) return labels(pod);
  const node = labels(nodes[nodes.length - 1].r);
  const lbls = { ...labels(pod) };
  // Istio does not match on empty locality labels.
  for (const k of TOPOLOGY) if (node[k]) lbls[k] = node[k];
  lbls['kubernetes.io/hostname'] = nodeName;
  return lbls;
}

/**
 * The subsets (by index) whose selectors select a pod: the pods each selector may select are visited until every subset
 * selects one (the reads so far witness that).
 */
function matchedSubsets(ctx: AnalysisContext, matchers: readonly { index: number; selectors: Record<string, string>[] }[]): ReadonlySet<number> {
  const matched = new Set<number>();
  for (const sel of matchers.flatMap((m) => m.selectors)) {
    if (matched.size === matchers.length) break;
    for (const pod of ctx.selected(GK.Pod, withoutNodeLabels(sel))) {
      const lbls = withNodeLabels(ctx, pod);
      for (const m of matchers) if (!matched.has(m.index) && m.selectors.some((x) => selectorMatches(x, lbls))) matched.add(m.index);
      if (matched.size === matchers.length) break;
    }
  }
  return matched;
}

export const subsetSelectPodAnalyzer: MeshAnalyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  analyze(ctx) {
    for (const dr of ctx.subjects(GK.DestinationRule)) {
      const s = spec(dr);
      const host = str(s.host);
      const targets = destinationHost(ctx, dr.namespace, arr(s.exportTo).map(str), host);
      if (!targets.length) {
        ctx.report('IST0174', dr, ['spec', 'host'], [host]);
        continue;
      }
      // The host's definitions are alternatives (several files): the subset selects pods if it does under any of them.
      const matchers = arr(s.subsets).map((ss, index) => ({
        index, name: str(obj(ss).name), selectors: targets.map((se) => ({ ...(se.workloadSelector ?? {}), ...strMap(obj(ss).labels) })),
      }));
      if (!matchers.length) continue;
      // Which subsets select a pod depends only on the selectors (DestinationRules often share theirs: subsets "v1" and
      // "v2" of a Service): computed once per run for each list of them, each rule reading what computing it read.
      const matched = ctx.memo(`SubsetSelectPod|${JSON.stringify(matchers.map((m) => m.selectors))}`, () => matchedSubsets(ctx, matchers));
      for (const m of matchers) if (!matched.has(m.index)) ctx.report('IST0173', dr, ['spec', 'subsets', m.index, 'name'], [m.name]);
    }
  },
};
