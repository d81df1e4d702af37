// deployment.MultiServiceAnalyzer: a mesh Deployment selected by Services that use one port with different protocols
// (IST0116) or one targetPort from different ports (IST0137).
import type { AnalysisContext, MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { identityOf, sameResource } from '../index';
import { arr, fullName, labels, num, obj, selectorMatches, specSelector, str, strAt, strMap, type MeshResource, type Obj } from '../model';

/** util.DeploymentInMesh: the inject annotation decides; else an istio-proxy container; else the namespace's labels. */
function inMesh(ctx: AnalysisContext, d: MeshResource, template: Obj): boolean {
  const md = obj(template.metadata);
  const inject = strAt(md.annotations, 'sidecar.istio.io/inject') ?? strAt(md.labels, 'sidecar.istio.io/inject');
  if (inject !== undefined) return inject === 'true';
  if (arr(obj(template.spec).containers).some((c) => str(obj(c).name) === 'istio-proxy')) return true;
  // A namespace defined in several files (alternatives): in the mesh when any definition injects.
  return ctx.getAll(GK.Namespace, '', d.namespace).some((ns) => {
    const l = labels(ns);
    return l['istio-injection'] === 'enabled' || ('istio.io/rev' in l && l['istio-injection'] !== 'disabled');
  });
}

export const multiServiceAnalyzer: MeshAnalyzer = {
  name: 'deployment.MultiServiceAnalyzer',
  analyze(ctx) {
    for (const d of ctx.subjects(GK.Deployment)) {
      if (labels(d)['gateway.istio.io/managed'] === 'istio.io-mesh-controller') continue;
      const template = obj(obj(d.obj.spec).template);
      if (!inMesh(ctx, d, template)) continue;
      const podLabels = strMap(obj(template.metadata).labels);
      const svcs = ctx.where(GK.Service, (s) => {
        const sel = specSelector(s);
        return Object.keys(sel).length > 0 && selectorMatches(sel, podLabels);
      }, d.namespace);
      const byPort = new Map<number, { proto: string; s: MeshResource }[]>();
      const byTarget = new Map<string, { port: number; s: MeshResource }[]>();
      for (const s of svcs) {
        for (const p0 of arr(obj(s.obj.spec).ports)) {
          const p = obj(p0);
          const port = num(p.port) ?? 0;
          const proto = str(p.protocol) || 'TCP';
          byPort.set(port, [...(byPort.get(port) ?? []), { proto, s }]);
          let tp = str(p.targetPort);
          if (tp === '' || tp === '0') tp = String(port);
          byTarget.set(tp, [...(byTarget.get(tp) ?? []), { port, s }]);
        }
      }
      // One Service may clash with itself, but definitions of one Service in several files are alternatives, applied one
      // at a time: they never clash with each other.
      const clash = (a: MeshResource, b: MeshResource) => a === b || !sameResource(a, b);
      for (const [port, entries] of byPort) {
        if (!entries.some((e) => entries.some((o) => o.proto !== e.proto && clash(e.s, o.s)))) continue;
        const names = [...new Map(entries.map((e) => [JSON.stringify([identityOf(e.s), e.proto]), fullName(e.s)])).values()].sort();
        ctx.report('IST0116', d, ['metadata', 'name'], [d.name, port, names]);
      }
      for (const [tp, entries] of byTarget) {
        if (!entries.some((e) => entries.some((o) => o.port !== e.port && clash(e.s, o.s)))) continue;
        const ports = new Map(entries.map((e) => [e.port, fullName(e.s)]));
        ctx.report('IST0137', d, ['metadata', 'name'], [d.name, [...ports.values()].sort(), tp, [...ports.keys()].sort((a, b) => a - b)]);
      }
    }
  },
};
