// virtualservice.DestinationHostAnalyzer: route and mirror hosts exist (Service/ServiceEntry) with the port used (IST0101, IST0112, IST0140).
import { relatedAt, type AnalysisContext, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { keyedIndex } from '../deps';
import { clusterDomain, convertHostToFQDN, destinationHost, type HostTarget } from '../hosts';
import { arr, fullName, num, obj, spec, str, type MeshResource } from '../model';
import { host, mirrorDestinations, routeDestinations, type AnnotatedDestination } from './vsutil';

export const destinationHostAnalyzer: MeshAnalyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  analyze(ctx) {
    for (const r of ctx.subjects(GK.VirtualService)) {
      analyzeVirtualService(ctx, r);
      analyzeSubset(ctx, r);
    }
  },
};

/** VirtualServices under each of their hosts that an HTTP route sends to a subset (one entry per such route). */
const SUBSET_HOSTS = keyedIndex<null>('vs-subset-hosts', [GK.VirtualService], (r) => {
  const out: [string, null][] = [];
  const hosts = arr(spec(r).hosts).map(str);
  for (const rule of arr(spec(r).http)) {
    for (const rd of arr(obj(rule).route)) {
      const d = obj(obj(rd).destination);
      if (str(d.subset) === '') continue;
      for (const h of hosts) if (str(d.host) === h) out.push([h, null]);
    }
  }
  return out;
});

/** Namespaces with a Service of the workspace (not of the assumed baseline). */
const SERVICE_NAMESPACES = keyedIndex<null>('service-namespaces', [GK.Service], (r) => (r.assumed ? [] : [[r.namespace, null]]));

function analyzeSubset(ctx: AnalysisContext, r: MeshResource): void {
  if (arr(spec(r).gateways).length === 0) return;
  arr(spec(r).http).forEach((rule, i) => {
    arr(obj(rule).route).forEach((rd, j) => {
      const d = obj(obj(rd).destination);
      if (str(d.subset) !== '') return;
      const h = str(d.host);
      for (const { r: vs } of ctx.lookup(SUBSET_HOSTS, h)) {
        ctx.report('IST0140', r, ['spec', 'http', i, 'route', j, 'destination', 'host'], [fullName(vs), fullName(r)],
          [relatedAt(vs, `VirtualService ${fullName(vs)} routes ${h} to subsets`, ['spec', 'hosts'])]);
      }
    });
  });
}

function analyzeVirtualService(ctx: AnalysisContext, r: MeshResource): void {
  const exportTo = arr(spec(r).exportTo).map(str);
  const check = (d: AnnotatedDestination, reftype: string) => {
    const targets = destinationHost(ctx, r.namespace, exportTo, host(d));
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
  // Made only for a finding: most destinations have none.
  const related = () => targets.map((s) => relatedAt(s.resource, `${s.resource.kind} ${fullName(s.resource)} defines the host`, ['spec', 'ports']));
  const port = d.destination.port;
  if (port === undefined || port === null) {
    const s = targets[targets.length - 1];
    if (targets.every((t) => t.ports.length > 1)) ctx.report('IST0112', r, [...d.path, 'host'], [host(d), s.ports.map((p) => p.number)], related());
    return;
  }
  const n = num(obj(port).number) ?? 0;
  if (!targets.some((s) => s.ports.some((p) => p.number === n))) {
    ctx.report('IST0101', r, [...d.path, 'port', 'number'], ['host:port', `${host(d)}:${n}`], related());
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
  if (ctx.lookup(SERVICE_NAMESPACES, ns).length) return undefined;
  return { severity: 'Info', text: `(No Service of namespace ${ns} is defined in the workspace: if it is created elsewhere, by a chart or a controller, this is fine.)` };
}
