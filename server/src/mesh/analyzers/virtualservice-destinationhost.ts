// virtualservice.DestinationHostAnalyzer: route and mirror hosts exist (Service/ServiceEntry) with the port used (IST0101, IST0112, IST0140).
import { relatedAt, type AnalysisContext, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { clusterDomain, convertHostToFQDN, destinationHost, serviceEntryHostMap, type HostTarget } from '../hosts';
import { arr, fullName, num, obj, spec, str, type MeshResource } from '../model';
import { host, mirrorDestinations, routeDestinations, type AnnotatedDestination } from './vsutil';

export const destinationHostAnalyzer: MeshAnalyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  analyze(ctx) {
    const seHosts = serviceEntryHostMap(ctx);
    const withSubsets = subsetDestinations(ctx);
    for (const r of ctx.forEach(GK.VirtualService)) {
      analyzeVirtualService(ctx, r, seHosts);
      analyzeSubset(ctx, r, withSubsets);
    }
  },
};

function subsetDestinations(ctx: AnalysisContext): Map<MeshResource, string[]> {
  const out = new Map<MeshResource, string[]>();
  for (const r of ctx.forEach(GK.VirtualService)) {
    const hosts = arr(spec(r).hosts).map(str);
    for (const rule of arr(spec(r).http)) {
      for (const rd of arr(obj(rule).route)) {
        const d = obj(obj(rd).destination);
        if (str(d.subset) === '') continue;
        for (const h of hosts) if (str(d.host) === h) out.set(r, [...(out.get(r) ?? []), h]);
      }
    }
  }
  return out;
}

function analyzeSubset(ctx: AnalysisContext, r: MeshResource, withSubsets: Map<MeshResource, string[]>): void {
  if (arr(spec(r).gateways).length === 0) return;
  arr(spec(r).http).forEach((rule, i) => {
    arr(obj(rule).route).forEach((rd, j) => {
      const d = obj(obj(rd).destination);
      if (str(d.subset) !== '') return;
      for (const [vs, hosts] of withSubsets) {
        for (const h of hosts) {
          if (h !== str(d.host)) continue;
          ctx.report('IST0140', r, ['spec', 'http', i, 'route', j, 'destination', 'host'], [fullName(vs), fullName(r)],
            [relatedAt(vs, `VirtualService ${fullName(vs)} routes ${h} to subsets`, ['spec', 'hosts'])]);
        }
      }
    });
  });
}

function analyzeVirtualService(ctx: AnalysisContext, r: MeshResource, seHosts: Map<string, HostTarget[]>): void {
  const exportTo = arr(spec(r).exportTo).map(str);
  const check = (d: AnnotatedDestination, reftype: string) => {
    const targets = destinationHost(ctx, r.namespace, exportTo, host(d), seHosts);
    if (!targets.length) {
      ctx.report('IST0101', r, [...d.path, 'host'], [reftype, host(d)], [], [], unknownNamespaceNote(ctx, r, host(d)));
      return;
    }
    checkPorts(ctx, r, d, targets);
  };
  for (const d of routeDestinations(r)) check(d, 'host');
  for (const d of mirrorDestinations(r)) check(d, 'mirror host');
}

/** The destination's port against the host's definitions: fine when any definition (alternatives in several files) has it. */
function checkPorts(ctx: AnalysisContext, r: MeshResource, d: AnnotatedDestination, targets: HostTarget[]): void {
  const related = targets.map((s) => relatedAt(s.resource, `${s.resource.kind} ${fullName(s.resource)} defines the host`, ['spec', 'ports']));
  const port = d.destination.port;
  if (port === undefined || port === null) {
    const s = targets[targets.length - 1];
    if (targets.every((t) => t.ports.length > 1)) ctx.report('IST0112', r, [...d.path, 'host'], [host(d), s.ports.map((p) => p.number)], related);
    return;
  }
  const n = num(obj(port).number) ?? 0;
  if (!targets.some((s) => s.ports.some((p) => p.number === n))) {
    ctx.report('IST0101', r, [...d.path, 'port', 'number'], ['host:port', `${host(d)}:${n}`], related);
  }
}

/**
 * The workspace is a partial view of the cluster: when it defines no Service at all in the namespace a missing host
 * would live in (the Istio control plane's, a chart's, a controller's like cert-manager's solver), the host may well
 * exist there. Istio's finding is kept, as Information with that context, instead of an Error. A namespace the
 * workspace does describe keeps Istio's level. (A live cluster joined to the index makes the namespace known.)
 */
function unknownNamespaceNote(ctx: AnalysisContext, r: MeshResource, h: string): { severity: 'Info'; text: string } | undefined {
  const m = /^[^.]+\.([^.]+)\.svc\./.exec(convertHostToFQDN(r.namespace, h, clusterDomain(ctx)));
  if (!m) return undefined;
  const ns = m[1];
  if (ctx.forEach(GK.Service).some((s) => s.namespace === ns && !s.assumed)) return undefined;
  return { severity: 'Info', text: `(No Service of namespace ${ns} is defined in the workspace: if it is created elsewhere, by a chart or a controller, this is fine.)` };
}
