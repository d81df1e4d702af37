// Host names as Istio's analyzers treat them (pkg/config/host and analyzers/util/hosts.go). Pure.
import type { AnalysisContext } from './context';
import { keyedIndex } from './deps';
import { GK } from './gvk';
import { sameResource } from './index';
import { annotations, arr, obj, spec, str, strMap, type MeshResource, type Obj } from './model';

export const EXPORT_ALL = '*';
export const EXPORT_LOCAL = '.';

/** host.Name.Matches: wildcard-aware suffix match. */
export function hostMatches(n: string, o: string): boolean {
  const nw = n.startsWith('*');
  const ow = o.startsWith('*');
  if (nw && ow) return n.length < o.length ? o.slice(1).endsWith(n.slice(1)) : n.slice(1).endsWith(o.slice(1));
  if (nw) return o.endsWith(n.slice(1));
  if (ow) return n.endsWith(o.slice(1));
  return n === o;
}

/** host.NamesForNamespace: "ns/host" entries kept for ns (or "*"), namespace stripped. */
export function namesForNamespace(hosts: readonly string[], namespace: string): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    if (h.includes('/')) {
      const [ns, rest] = h.split('/');
      if (ns !== namespace && ns !== '*') continue;
      out.push(rest);
    } else out.push(h);
  }
  return out;
}

export function clusterDomain(ctx: AnalysisContext): string {
  return str(ctx.mesh.clusterDomain) || 'cluster.local';
}

export function convertHostToFQDN(namespace: string, host: string, domain = 'cluster.local'): string {
  return !host.startsWith('*') && !host.includes('.') ? `${host}.${namespace}.svc.${domain}` : host;
}

export function isShortName(host: string): boolean {
  return !host.startsWith('*') && !host.includes('.');
}

/** GetFullNameFromFQDN: namespace/name of "name.ns.svc.cluster.local", else empty. */
export function fullNameFromFQDN(fqdn: string): { namespace: string; name: string } {
  const m = /^(.+)\.(.+)\.svc\.cluster\.local$/.exec(fqdn);
  // Go's regexp is leftmost-longest per group like JS greedy here: name takes the longest prefix.
  return m ? { namespace: m[2], name: m[1] } : { namespace: '', name: '' };
}

/** GetResourceNameFromHost: FQDN parsed, else a short name in the default namespace. */
export function resourceNameFromHost(defaultNs: string, host: string): { namespace: string; name: string } {
  const n = fullNameFromFQDN(host);
  return n.namespace === '' ? { namespace: defaultNs, name: host } : n;
}

/** resource.NewShortOrFullName: "ns/name" or name in the default namespace. */
export function shortOrFullName(defaultNs: string, name: string): { namespace: string; name: string } {
  const i = name.indexOf('/');
  return i >= 0 ? { namespace: name.slice(0, i), name: name.slice(i + 1) } : { namespace: defaultNs, name };
}

/** Shared by every lookup of its resource's host (hostTarget): read only. */
export interface HostTarget {
  readonly ports: readonly { readonly number: number; readonly name: string; readonly protocol: string }[];
  readonly resource: MeshResource;
  /** A ServiceEntry's workloadSelector labels (empty for a Service). */
  readonly workloadSelector?: Readonly<Record<string, string>>;
}

/** "scope/fqdn" keys of the hosts a ServiceEntry (or a Service, as one) defines, as util.InitServiceEntryHostMap files them. */
function hostKeys(r: MeshResource, mesh: Obj): string[] {
  const domain = str(mesh.clusterDomain) || 'cluster.local';
  const scoped = (scope: string, h: string) => `${scope}/${convertHostToFQDN(r.namespace, h, domain)}`;
  const out: string[] = [];
  if (r.gk === GK.ServiceEntry) {
    const exportTo = arr(spec(r).exportTo).map(str);
    for (const h of arr(spec(r).hosts).map(str)) {
      if (exportTo.length === 0) {
        out.push(scoped(EXPORT_ALL, h));
        continue;
      }
      for (const e of exportTo) {
        if (e === EXPORT_ALL) {
          out.push(scoped(EXPORT_ALL, h));
          break;
        }
        out.push(scoped(e === EXPORT_LOCAL ? r.namespace : e, h));
      }
    }
    return out;
  }
  const anno = annotations(r)['networking.istio.io/exportTo'] ?? '';
  const scopes = anno === '' ? [EXPORT_ALL] : anno.split(',').map((ns) => (ns === EXPORT_LOCAL ? r.namespace : ns));
  for (const scope of scopes) out.push(scoped(scope, r.name));
  return out;
}

/** Targets made so far: every destination of every VirtualService and DestinationRule looks its host's up. */
const TARGETS = new WeakMap<MeshResource, HostTarget>();

function hostTarget(r: MeshResource): HostTarget {
  let t = TARGETS.get(r);
  if (!t) TARGETS.set(r, (t = makeHostTarget(r)));
  return t;
}

function makeHostTarget(r: MeshResource): HostTarget {
  const s = spec(r);
  if (r.gk === GK.ServiceEntry) {
    return {
      resource: r,
      workloadSelector: strMap(obj(s.workloadSelector).labels),
      ports: arr(s.ports).map((p) => ({ number: Number(obj(p).number) || 0, name: str(obj(p).name), protocol: str(obj(p).protocol) })),
    };
  }
  return { resource: r, ports: arr(s.ports).map((p) => ({ number: Number(obj(p).port) || 0, name: str(obj(p).name), protocol: str(obj(p).protocol) })) };
}

/** ServiceEntries, then Services, under each "scope/fqdn" they define (util.InitServiceEntryHostMap). */
const HOST_TARGETS = keyedIndex<null>('hosts', [GK.ServiceEntry, GK.Service], (r, mesh) => hostKeys(r, mesh).map((k) => [k, null] as const));
/** The wildcard "scope/*.fqdn" keys of HOST_TARGETS, all under one key, in the order they first appear there. */
const WILDCARD_HOSTS = keyedIndex<string>('wildcard-hosts', [GK.ServiceEntry, GK.Service], (r, mesh) =>
  hostKeys(r, mesh).filter((k) => k.slice(k.indexOf('/') + 1).startsWith('*')).map((k) => ['*', k] as const));

/**
 * The host map's entry for "scope/fqdn": as in Istio a later resource replaces an earlier one, but every definition of
 * that resource (alternatives in several files) is kept.
 */
function hostTargets(ctx: AnalysisContext, key: string): HostTarget[] | undefined {
  let list: HostTarget[] | undefined;
  for (const { r } of ctx.lookup(HOST_TARGETS, key)) {
    const t = hostTarget(r);
    if (list && sameResource(list[0].resource, r)) list.push(t);
    else list = [t];
  }
  return list;
}

/** util.GetDestinationHost: the ServiceEntry/Service visible from sourceNs that defines host (each of its definitions); [] when none. */
export function destinationHost(ctx: AnalysisContext, sourceNs: string, exportTo: readonly string[], host: string): HostTarget[] {
  const domain = clusterDomain(ctx);
  const scoped = (scope: string) => `${scope}/${convertHostToFQDN(sourceNs, host, domain)}`;
  const all = hostTargets(ctx, scoped(EXPORT_ALL));
  if (all) return all;
  if (exportTo.length === 0) {
    const s = hostTargets(ctx, scoped(sourceNs));
    if (s) return s;
  } else {
    for (const e0 of exportTo) {
      const s = hostTargets(ctx, scoped(e0 === EXPORT_LOCAL ? sourceNs : e0));
      if (s) return s;
    }
  }
  const seen = new Set<string>();
  for (const { value: key } of ctx.lookup(WILDCARD_HOSTS, '*')) {
    if (seen.has(key)) continue;
    seen.add(key);
    const i = key.indexOf('/');
    const scope = key.slice(0, i);
    const seHost = key.slice(i + 1);
    if (scope !== EXPORT_ALL && scope !== sourceNs) continue;
    if (host.replace(/^\*/, '').endsWith(seHost.slice(1))) return hostTargets(ctx, key) ?? [];
  }
  return [];
}
