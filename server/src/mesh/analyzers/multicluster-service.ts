// services.MultiClusterServiceAnalyzer: one Service (namespace/name) defined differently across clusters: headless in
// one and not another, another type, other ports (IST0170).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, obj, spec, str, type MeshResource } from '../model';

function portKey(p: unknown): string {
  const o = obj(p);
  return JSON.stringify([str(o.name), str(o.protocol), str(o.appProtocol), str(o.port), str(o.targetPort), str(o.nodePort)]);
}

/** compareServicePorts: same ports once sorted by name (sort.SliceStable keeps the order of equal names). */
function samePorts(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = (x: unknown[]) => [...x].sort((p, q) => (str(obj(p).name) < str(obj(q).name) ? -1 : str(obj(p).name) > str(obj(q).name) ? 1 : 0)).map(portKey);
  const [sa, sb] = [sorted(a), sorted(b)];
  return sa.every((k, i) => k === sb[i]);
}

export const multiClusterServiceAnalyzer: MeshAnalyzer = {
  name: 'services.MultiClusterServiceAnalyzer',
  analyze(ctx) {
    const byName = new Map<string, Map<string, MeshResource>>();
    for (const r of ctx.where(GK.Service, (s) => !!s.cluster)) {
      const key = `${r.namespace}/${r.name}`;
      if (!byName.has(key)) byName.set(key, new Map());
      byName.get(key)!.set(r.cluster!, r);
    }
    for (const services of byName.values()) {
      if (services.size < 2) continue;
      const [[firstCluster, first]] = services;
      const headless = (r: MeshResource) => str(spec(r).clusterIP) === 'None';
      const clusters = new Set<string>();
      const reasons = new Set<string>();
      for (const [id, svc] of services) {
        if (headless(first) !== headless(svc)) {
          for (const c of services.keys()) clusters.add(c);
          reasons.add('service has mixed mode like headless and clusterIP');
        }
        if (str(spec(first).type) !== str(spec(svc).type)) {
          clusters.add(id);
          reasons.add('service type is inconsistent');
        }
        if (!samePorts(arr(spec(first).ports), arr(spec(svc).ports))) {
          clusters.add(id);
          reasons.add('service ports are inconsistent');
        }
      }
      if (!clusters.size) continue;
      clusters.add(firstCluster);
      ctx.report('IST0170', first, ['spec'], [first.name, first.namespace, [...clusters].sort(), [...reasons].sort().join('; ')]);
    }
  },
};
