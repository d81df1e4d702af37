// Find references between VirtualService <-> DestinationRule <-> Gateway <-> Service <-> workload labels: the
// counterpart of go to definition (definition.ts). Every definition of a resource counts (alternatives in several files).
// Pure.
import type { Node } from 'yaml';
import type { Range } from '../core/types';
import { mirrorDestinations, routeDestinations } from './analyzers/vsutil';
import { locate, type YamlPath } from './context';
import { pathAt, type DefinitionTarget } from './definition';
import { GK } from './gvk';
import { convertHostToFQDN, fullNameFromFQDN, resourceNameFromHost, shortOrFullName } from './hosts';
import type { MeshIndex } from './index';
import { arr, obj, selectorMatches, spec, str, strMap, type MeshResource } from './model';

export type ReferenceTarget = DefinitionTarget;

/** Where a label selector sits in a kind, and which pods it can select. */
interface SelectorKind {
  gk: string;
  path: readonly string[];
  /** 'namespace': pods of its namespace; 'policy': also every namespace from the root namespace; 'any': every namespace. */
  scope: 'namespace' | 'policy' | 'any';
}

const ROOT_NAMESPACE = 'istio-system';

const SELECTORS: readonly SelectorKind[] = [
  { gk: GK.Service, path: ['spec', 'selector'], scope: 'namespace' },
  { gk: GK.Gateway, path: ['spec', 'selector'], scope: 'any' },
  { gk: GK.Sidecar, path: ['spec', 'workloadSelector', 'labels'], scope: 'namespace' },
  { gk: GK.ServiceEntry, path: ['spec', 'workloadSelector', 'labels'], scope: 'namespace' },
  { gk: GK.EnvoyFilter, path: ['spec', 'workloadSelector', 'labels'], scope: 'policy' },
  { gk: GK.AuthorizationPolicy, path: ['spec', 'selector', 'matchLabels'], scope: 'policy' },
  { gk: GK.PeerAuthentication, path: ['spec', 'selector', 'matchLabels'], scope: 'policy' },
  { gk: GK.RequestAuthentication, path: ['spec', 'selector', 'matchLabels'], scope: 'policy' },
  { gk: GK.Telemetry, path: ['spec', 'selector', 'matchLabels'], scope: 'policy' },
  { gk: GK.WasmPlugin, path: ['spec', 'selector', 'matchLabels'], scope: 'policy' },
  { gk: GK.ProxyConfig, path: ['spec', 'selector', 'matchLabels'], scope: 'policy' },
];

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

type Path = (string | number)[];


function at(r: MeshResource, path: YamlPath): ReferenceTarget {
  return { uri: r.uri, range: locate(r, path) };
}

/** The resource and the path (from the resource) of the scalar at offset of a file. */
function cursorAt(index: MeshIndex, uri: string, offset: number): { r: MeshResource; path: Path; value: string } | undefined {
  for (const r of index.resourcesOf(uri)) {
    const d = r.file.docs[r.docIndex];
    if (r.derived || !d || offset < d.start || offset > d.end) continue;
    const root = (r.base.length ? r.doc.getIn(r.base, true) : r.doc.contents) as Node | null;
    const path = pathAt(root, offset, [], true);
    if (path) return { r, path, value: str((r.doc.getIn([...r.base, ...path]) as unknown) ?? '') };
  }
  return undefined;
}

// ---- hosts (Service, ServiceEntry, DestinationRule host, VirtualService hosts and destinations) ----

/** Every field naming a host whose FQDN (seen from its resource's namespace) is fqdn. */
function hostUses(index: MeshIndex, fqdn: string): ReferenceTarget[] {
  const out: ReferenceTarget[] = [];
  for (const vs of index.ofKind(GK.VirtualService)) {
    arr(spec(vs).hosts).map(str).forEach((h, i) => {
      if (convertHostToFQDN(vs.namespace, h) === fqdn) out.push(at(vs, ['spec', 'hosts', i]));
    });
    for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) {
      if (convertHostToFQDN(vs.namespace, str(d.destination.host)) === fqdn) out.push(at(vs, [...d.path, 'host']));
    }
  }
  for (const dr of index.ofKind(GK.DestinationRule)) {
    if (convertHostToFQDN(dr.namespace, str(spec(dr).host)) === fqdn) out.push(at(dr, ['spec', 'host']));
  }
  return out;
}

/** The Services and ServiceEntry hosts that define fqdn. */
function hostDeclarations(index: MeshIndex, fqdn: string): ReferenceTarget[] {
  const out: ReferenceTarget[] = [];
  const n = fullNameFromFQDN(fqdn);
  if (n.name) for (const svc of index.getAll(GK.Service, n.namespace, n.name)) out.push(at(svc, ['metadata', 'name']));
  for (const se of index.ofKind(GK.ServiceEntry)) {
    arr(spec(se).hosts).map(str).forEach((h, i) => {
      if (convertHostToFQDN(se.namespace, h) === fqdn) out.push(at(se, ['spec', 'hosts', i]));
    });
  }
  return out;
}

// ---- gateways ----

/** VirtualService `gateways:` entries (top level and in http matches) naming namespace/name. */
function gatewayUses(index: MeshIndex, namespace: string, name: string): ReferenceTarget[] {
  const out: ReferenceTarget[] = [];
  const names = (vs: MeshResource, v: string) => {
    const n = shortOrFullName(vs.namespace, v);
    return v !== 'mesh' && n.namespace === namespace && n.name === name;
  };
  for (const vs of index.ofKind(GK.VirtualService)) {
    arr(spec(vs).gateways).map(str).forEach((g, i) => {
      if (names(vs, g)) out.push(at(vs, ['spec', 'gateways', i]));
    });
    arr(spec(vs).http).forEach((rule, i) => {
      arr(obj(rule).match).forEach((m, j) => {
        arr(obj(m).gateways).map(str).forEach((g, k) => {
          if (names(vs, g)) out.push(at(vs, ['spec', 'http', i, 'match', j, 'gateways', k]));
        });
      });
    });
  }
  return out;
}

function gatewayDeclarations(index: MeshIndex, namespace: string, name: string): ReferenceTarget[] {
  return [...index.getAll(GK.Gateway, namespace, name), ...index.getAll(GK.K8sGateway, namespace, name)].map((gw) => at(gw, ['metadata', 'name']));
}

// ---- subsets ----

/** VirtualService destinations (routes and mirrors) to subset of the host fqdn. */
function subsetUses(index: MeshIndex, fqdn: string, subset: string): ReferenceTarget[] {
  const out: ReferenceTarget[] = [];
  for (const vs of index.ofKind(GK.VirtualService)) {
    for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) {
      if (str(d.destination.subset) === subset && convertHostToFQDN(vs.namespace, str(d.destination.host)) === fqdn) out.push(at(vs, [...d.path, 'subset']));
    }
  }
  return out;
}

function subsetDeclarations(index: MeshIndex, fqdn: string, subset: string): ReferenceTarget[] {
  const out: ReferenceTarget[] = [];
  for (const dr of index.ofKind(GK.DestinationRule)) {
    if (convertHostToFQDN(dr.namespace, str(spec(dr).host)) !== fqdn) continue;
    arr(spec(dr).subsets).forEach((ss, i) => {
      if (str(obj(ss).name) === subset) out.push(at(dr, ['spec', 'subsets', i, 'name']));
    });
  }
  return out;
}

// ---- workload labels and selectors ----

interface Selector {
  r: MeshResource;
  /** Path of the label map inside r. */
  path: Path;
  labels: Record<string, string>;
  /** Whether it can select a pod of namespace ns with these labels (beyond its own labels). */
  reaches(ns: string, podLabels: Record<string, string>): boolean;
}

/** Every non-empty label selector of the index: the kinds of SELECTORS and DestinationRule subsets. */
function selectors(index: MeshIndex): Selector[] {
  const out: Selector[] = [];
  for (const k of SELECTORS) {
    for (const r of index.ofKind(k.gk)) {
      const lbls = strMap(k.path.reduce<unknown>((o, key) => obj(o)[key], r.obj));
      if (!Object.keys(lbls).length) continue;
      out.push({
        r, path: [...k.path], labels: lbls,
        reaches: (ns) => k.scope === 'any' || ns === r.namespace || (k.scope === 'policy' && r.namespace === ROOT_NAMESPACE),
      });
    }
  }
  // A subset selects, among the pods of its host's Service, those with its labels.
  for (const dr of index.ofKind(GK.DestinationRule)) {
    const host = resourceNameFromHost(dr.namespace, convertHostToFQDN(dr.namespace, str(spec(dr).host)));
    const services = index.getAll(GK.Service, host.namespace, host.name).map((s) => strMap(spec(s).selector)).filter((s) => Object.keys(s).length);
    arr(spec(dr).subsets).forEach((ss, i) => {
      const lbls = strMap(obj(ss).labels);
      if (!Object.keys(lbls).length) return;
      out.push({
        r: dr, path: ['spec', 'subsets', i, 'labels'], labels: lbls,
        reaches: (ns, podLabels) => ns === host.namespace && (!services.length || services.some((s) => selectorMatches(s, podLabels))),
      });
    });
  }
  return out;
}

/** Pods (those of workloads' templates included) and the path of their labels' map. */
function pods(index: MeshIndex): { pod: MeshResource; labels: Record<string, string> }[] {
  return index.ofKind(GK.Pod).map((pod) => ({ pod, labels: strMap(obj(pod.obj.metadata).labels) }));
}

/** Selectors that select a pod of namespace ns with podLabels and use label key with its value. */
function selectorUses(index: MeshIndex, ns: string, podLabels: Record<string, string>, key: string): ReferenceTarget[] {
  return selectors(index)
    .filter((s) => s.labels[key] === podLabels[key] && selectorMatches(s.labels, podLabels) && s.reaches(ns, podLabels))
    .map((s) => at(s.r, [...s.path, key]));
}

/** The labels `key` of the pods a selector selects. */
function selectedLabels(index: MeshIndex, s: Selector, key: string): ReferenceTarget[] {
  return pods(index)
    .filter((p) => selectorMatches(s.labels, p.labels) && s.reaches(p.pod.namespace, p.labels))
    .map((p) => at(p.pod, ['metadata', 'labels', key]));
}

// ---- entry point ----

/**
 * References of the symbol at offset of file uri: on a Service name or a host (DestinationRule host, VirtualService host
 * or destination, ServiceEntry host) every host field resolving to it; on a Gateway name or a VirtualService `gateways:`
 * entry the entries naming it; on a subset (DestinationRule subset name or a destination's subset) the destinations
 * using it; on a pod label of a workload the selectors using it that select the workload; on a selector's label the pod
 * labels it selects. With includeDeclaration, the declarations too (Service, ServiceEntry host, Gateway, subset name;
 * the label itself for labels).
 */
export function referencesAt(index: MeshIndex, uri: string, offset: number, includeDeclaration: boolean): ReferenceTarget[] {
  const c = cursorAt(index, uri, offset);
  if (!c) return [];
  const { r, value } = c;
  const p = c.path.join('.');
  const found = (uses: ReferenceTarget[], decls: () => ReferenceTarget[]) => dedupe(includeDeclaration ? [...decls(), ...uses] : uses);

  // Hosts.
  const hostField =
    (r.gk === GK.VirtualService && (/^spec\.hosts\.\d+$/.test(p) || /^spec\.(http|tcp|tls)\.\d+\.route\.\d+\.destination\.host$/.test(p) || /^spec\.http\.\d+\.(mirror|mirrors\.\d+\.destination)\.host$/.test(p)))
    || (r.gk === GK.DestinationRule && p === 'spec.host')
    || (r.gk === GK.ServiceEntry && /^spec\.hosts\.\d+$/.test(p));
  if (hostField && value) {
    const fqdn = convertHostToFQDN(r.namespace, value);
    return found(hostUses(index, fqdn), () => hostDeclarations(index, fqdn));
  }
  if (r.gk === GK.Service && p === 'metadata.name') {
    const fqdn = convertHostToFQDN(r.namespace, r.name);
    return found(hostUses(index, fqdn), () => hostDeclarations(index, fqdn));
  }

  // Gateways.
  if ((r.gk === GK.Gateway || r.gk === GK.K8sGateway) && p === 'metadata.name') {
    return found(gatewayUses(index, r.namespace, r.name), () => gatewayDeclarations(index, r.namespace, r.name));
  }
  if (r.gk === GK.VirtualService && (/^spec\.gateways\.\d+$/.test(p) || /^spec\.http\.\d+\.match\.\d+\.gateways\.\d+$/.test(p)) && value && value !== 'mesh') {
    const n = shortOrFullName(r.namespace, value);
    return found(gatewayUses(index, n.namespace, n.name), () => gatewayDeclarations(index, n.namespace, n.name));
  }

  // Subsets.
  if (r.gk === GK.DestinationRule && /^spec\.subsets\.\d+\.name$/.test(p) && value) {
    const fqdn = convertHostToFQDN(r.namespace, str(spec(r).host));
    return found(subsetUses(index, fqdn, value), () => subsetDeclarations(index, fqdn, value));
  }
  const dest = r.gk === GK.VirtualService ? [...routeDestinations(r), ...mirrorDestinations(r)].find((d) => [...d.path, 'subset'].join('.') === p) : undefined;
  if (dest && value) {
    const fqdn = convertHostToFQDN(r.namespace, str(dest.destination.host));
    return found(subsetUses(index, fqdn, value), () => subsetDeclarations(index, fqdn, value));
  }

  // Workload labels.
  const labelsPath = r.kind === 'Pod' ? ['metadata', 'labels'] : WORKLOADS.has(r.kind) ? ['spec', 'template', 'metadata', 'labels'] : undefined;
  if (labelsPath && c.path.length === labelsPath.length + 1 && labelsPath.every((k, i) => c.path[i] === k)) {
    const key = String(c.path[labelsPath.length]);
    const podLabels = strMap(labelsPath.reduce<unknown>((o, k) => obj(o)[k], r.obj));
    return found(selectorUses(index, r.namespace, podLabels, key), () => [at(r, c.path)]);
  }

  // Selectors' labels.
  const s = selectors(index).find((x) => x.r === r && c.path.length === x.path.length + 1 && x.path.every((k, i) => c.path[i] === k));
  if (s) {
    const key = String(c.path[s.path.length]);
    return found(selectedLabels(index, s, key), () => [at(r, c.path)]);
  }
  return [];
}

function dedupe(list: ReferenceTarget[]): ReferenceTarget[] {
  const seen = new Set<string>();
  return list.filter((t) => {
    const k = `${t.uri}|${rangeKey(t.range)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
