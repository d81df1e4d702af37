// destinationrule.SubsetSelectPodAnalyzer: a DestinationRule's host exists (IST0174) and each subset selects at least one
// pod, pod labels augmented with their node's topology labels as Istio's registry does (IST0173).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { destinationHost, serviceEntryHostMap } from '../hosts';
import { arr, labels, obj, selectorMatches, spec, str, strMap, type MeshResource } from '../model';

const TOPOLOGY = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'];

export const subsetSelectPodAnalyzer: MeshAnalyzer = {
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  analyze(ctx) {
    const services = serviceEntryHostMap(ctx);
    const nodes = new Map(ctx.forEach(GK.Node).map((n) => [n.name, labels(n)]));
    const matchers: { dr: MeshResource; index: number; name: string; selectors: Record<string, string>[]; matched: boolean }[] = [];
    for (const dr of ctx.forEach(GK.DestinationRule)) {
      const s = spec(dr);
      const host = str(s.host);
      const targets = destinationHost(ctx, dr.namespace, arr(s.exportTo).map(str), host, services);
      if (!targets.length) {
        ctx.report('IST0174', dr, ['spec', 'host'], [host]);
        continue;
      }
      arr(s.subsets).forEach((ss, index) => {
        // The host's definitions are alternatives (several files): the subset selects pods if it does under any of them.
        const selectors = targets.map((se) => ({ ...(se.workloadSelector ?? {}), ...strMap(obj(ss).labels) }));
        matchers.push({ dr, index, name: str(obj(ss).name), selectors, matched: false });
      });
    }
    for (const pod of ctx.forEach(GK.Pod)) {
      const lbls = { ...labels(pod) };
      const nodeName = str(obj(pod.obj.spec).nodeName);
      const node = nodeName ? nodes.get(nodeName) : undefined;
      if (node) {
        // Istio does not match on empty locality labels.
        for (const k of TOPOLOGY) if (node[k]) lbls[k] = node[k];
        lbls['kubernetes.io/hostname'] = nodeName;
      }
      for (const m of matchers) if (!m.matched && m.selectors.some((sel) => selectorMatches(sel, lbls))) m.matched = true;
    }
    for (const m of matchers) if (!m.matched) ctx.report('IST0173', m.dr, ['spec', 'subsets', m.index, 'name'], [m.name]);
  },
};
