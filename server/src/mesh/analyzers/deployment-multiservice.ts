// deployment.MultiServiceAnalyzer: a mesh Deployment selected by Services that use one port with different protocols
// (IST0116) or one targetPort from different ports (IST0137).
import type { AnalysisContext, MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, fullName, labels, num, obj, selectorMatches, str, strMap, type MeshResource, type Obj } from '../model';

/** util.DeploymentInMesh: the inject annotation decides; else an istio-proxy container; else the namespace's labels. */
function inMesh(ctx: AnalysisContext, d: MeshResource, template: Obj): boolean {
  const md = obj(template.metadata);
  const inject = strMap(md.annotations)['sidecar.istio.io/inject'] ?? strMap(md.labels)['sidecar.istio.io/inject'];
  if (inject !== undefined) return inject === 'true';
  if (arr(obj(template.spec).containers).some((c) => str(obj(c).name) === 'istio-proxy')) return true;
  const ns = ctx.get(GK.Namespace, '', d.namespace);
  if (!ns) return false;
  const l = labels(ns);
  return l['istio-injection'] === 'enabled' || ('istio.io/rev' in l && l['istio-injection'] !== 'disabled');
}

export const multiServiceAnalyzer: MeshAnalyzer = {
  name: 'deployment.MultiServiceAnalyzer',
  analyze(ctx) {
    const servicesByNs = new Map<string, MeshResource[]>();
    for (const s of ctx.forEach(GK.Service)) {
      const list = servicesByNs.get(s.namespace);
      if (list) list.push(s);
      else servicesByNs.set(s.namespace, [s]);
    }
    for (const d of ctx.forEach(GK.Deployment)) {
      if (labels(d)['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
      const template = obj(obj(d.obj.spec).template);
      if (!inMesh(ctx, d, template)) continue;
      const podLabels = strMap(obj(template.metadata).labels);
      const svcs = (servicesByNs.get(d.namespace) ?? []).filter((s) => {
        const sel = strMap(obj(s.obj.spec).selector);
        return Object.keys(sel).length > 0 && selectorMatches(sel, podLabels);
      });
      const byPort = new Map<number, Map<string, string[]>>();
      const byTarget = new Map<string, Map<number, string>>();
      for (const s of svcs) {
        for (const p0 of arr(obj(s.obj.spec).ports)) {
          const p = obj(p0);
          const port = num(p.port) ?? 0;
          const proto = str(p.protocol) || 'TCP';
          if (!byPort.has(port)) byPort.set(port, new Map());
          const m = byPort.get(port)!;
          m.set(proto, [...(m.get(proto) ?? []), fullName(s)]);
          let tp = str(p.targetPort);
          if (tp === '' || tp === '0') tp = String(port);
          if (!byTarget.has(tp)) byTarget.set(tp, new Map());
          byTarget.get(tp)!.set(port, fullName(s));
        }
      }
      for (const [port, protos] of byPort) {
        if (protos.size > 1) ctx.report('IST0116', d, ['metadata', 'name'], [d.name, port, [...protos.values()].flat().sort()]);
      }
      for (const [tp, ports] of byTarget) {
        if (ports.size > 1) ctx.report('IST0137', d, ['metadata', 'name'], [d.name, [...ports.values()].sort(), tp, [...ports.keys()].sort((a, b) => a - b)]);
      }
    }
  },
};
