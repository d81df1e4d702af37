// Routing config of the workspace (VirtualServices, DestinationRules, Gateways, Services, workloads), read from YAML
// text with the server's parser; the overlay onto a traffic graph; and the graph the config alone implies. Pure.
import { parseYaml } from '../../server/src/yaml/parse';
import type { EdgeMeta } from './model';
import type { EdgeConfig, Graph, GraphEdge, GraphNode, SourceRef } from './types';

export interface RouteDest { host: string; subset?: string; weight?: number }
export interface HttpRoute { dests: RouteDest[]; timeout?: string; retries?: string; fault?: string; mirror?: string }
export interface VirtualServiceCfg { name: string; namespace: string; hosts: string[]; gateways: string[]; routes: HttpRoute[]; source: SourceRef }
export interface DestinationRuleCfg { name: string; namespace: string; host: string; subsets: Record<string, Record<string, string>>; source: SourceRef }
export interface WorkloadCfg { kind: string; name: string; namespace: string; labels: Record<string, string>; source: SourceRef }
export interface ServiceCfg { name: string; namespace: string; selector: Record<string, string>; source: SourceRef }
export interface GatewayCfg { name: string; namespace: string; selector: Record<string, string>; source: SourceRef }

export interface RoutingConfig {
  virtualServices: VirtualServiceCfg[];
  destinationRules: DestinationRuleCfg[];
  gateways: GatewayCfg[];
  services: ServiceCfg[];
  workloads: WorkloadCfg[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);
type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined);
const strMap = (x: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(x)).filter((e): e is [string, string] => typeof e[1] === 'string'));

export function emptyRouting(): RoutingConfig {
  return { virtualServices: [], destinationRules: [], gateways: [], services: [], workloads: [] };
}

/** Adds the resources of one YAML file. Files that do not parse contribute what they can; nothing throws. */
export function addFile(cfg: RoutingConfig, uri: string, text: string, defaultNs = 'default'): void {
  const file = parseYaml(text);
  for (const d of file.docs) {
    const kind = d.resource?.kind;
    const name = d.resource?.name;
    if (!kind || !name) continue;
    let js: Obj;
    try {
      js = obj(d.doc.toJS({ maxAliasCount: 100 }));
    } catch {
      continue;
    }
    const namespace = d.resource?.namespace ?? defaultNs;
    const source: SourceRef = { uri, line: file.positionAt(d.start).line, kind, name };
    const spec = obj(js.spec);
    if (kind === 'VirtualService') {
      cfg.virtualServices.push({
        name, namespace, source,
        hosts: arr(spec.hosts).map(str).filter((h): h is string => !!h),
        gateways: arr(spec.gateways).map(str).filter((h): h is string => !!h),
        routes: arr(spec.http).map((r) => httpRoute(obj(r))),
      });
    } else if (kind === 'DestinationRule') {
      const subsets: Record<string, Record<string, string>> = {};
      for (const s of arr(spec.subsets)) {
        const n = str(obj(s).name);
        if (n) subsets[n] = strMap(obj(s).labels);
      }
      cfg.destinationRules.push({ name, namespace, host: str(spec.host) ?? '', subsets, source });
    } else if (kind === 'Gateway') {
      cfg.gateways.push({ name, namespace, selector: strMap(spec.selector), source });
    } else if (kind === 'Service') {
      cfg.services.push({ name, namespace, selector: strMap(spec.selector), source });
    } else if (WORKLOAD_KINDS.has(kind)) {
      const labels = kind === 'Pod' ? strMap(obj(js.metadata).labels) : strMap(obj(obj(obj(spec.template).metadata).labels));
      cfg.workloads.push({ kind, name, namespace, labels, source });
    }
  }
}

function httpRoute(r: Obj): HttpRoute {
  const route: HttpRoute = {
    dests: arr(r.route).map((x) => {
      const d = obj(obj(x).destination);
      const dest: RouteDest = { host: str(d.host) ?? '' };
      const subset = str(d.subset);
      if (subset) dest.subset = subset;
      const w = obj(x).weight;
      if (typeof w === 'number') dest.weight = w;
      return dest;
    }),
  };
  const timeout = str(r.timeout);
  if (timeout) route.timeout = timeout;
  const retries = obj(r.retries);
  if (retries.attempts !== undefined) route.retries = `${str(retries.attempts)} attempts${retries.perTryTimeout ? ` × ${str(retries.perTryTimeout)}` : ''}`;
  const fault = obj(r.fault);
  const parts: string[] = [];
  const delay = obj(fault.delay);
  if (delay.fixedDelay) parts.push(`delay ${str(delay.fixedDelay)}${pct(delay)}`);
  const abort = obj(fault.abort);
  if (abort.httpStatus !== undefined) parts.push(`abort ${str(abort.httpStatus)}${pct(abort)}`);
  if (parts.length) route.fault = parts.join(', ');
  const mirror = str(obj(r.mirror).host);
  if (mirror) route.mirror = mirror;
  return route;
}

function pct(x: Obj): string {
  const v = obj(x.percentage).value;
  return typeof v === 'number' ? ` (${v}%)` : '';
}

/** Short service name of a host: "reviews", "reviews.default", "reviews.default.svc.cluster.local" -> reviews. */
export function shortHost(host: string): string {
  return host.split('.')[0];
}

function hostNs(host: string, fallback: string): string {
  const parts = host.split('.');
  return parts.length > 1 && parts[1] !== 'svc' ? parts[1] : fallback;
}

function versionOfSubset(cfg: RoutingConfig, host: string, ns: string, subset: string | undefined): string | undefined {
  if (!subset) return undefined;
  const dr = cfg.destinationRules.find((d) => shortHost(d.host) === shortHost(host) && hostNs(d.host, d.namespace) === ns);
  return dr?.subsets[subset]?.version ?? subset;
}

function edgeConfig(vs: VirtualServiceCfg, r: HttpRoute, d: RouteDest): EdgeConfig {
  const c: EdgeConfig = { source: vs.source };
  if (d.weight !== undefined) c.weight = d.weight;
  if (d.subset) c.subset = d.subset;
  if (r.timeout) c.timeout = r.timeout;
  if (r.retries) c.retries = r.retries;
  if (r.fault) c.fault = r.fault;
  if (r.mirror) c.mirror = true;
  return c;
}

function noteOf(vs: VirtualServiceCfg): string {
  const dests = vs.routes.flatMap((r) => r.dests.map((d) => `${shortHost(d.host)}${d.subset ? `/${d.subset}` : ''}${d.weight !== undefined ? ` ${d.weight}%` : ''}`));
  const extra = vs.routes.flatMap((r) => [r.fault && `fault ${r.fault}`, r.timeout && `timeout ${r.timeout}`, r.retries && `retries ${r.retries}`, r.mirror && `mirror ${r.mirror}`]).filter(Boolean);
  return `VirtualService ${vs.name}: ${[...new Set(dests)].join(', ')}${extra.length ? `; ${extra.join('; ')}` : ''}`;
}

/** Annotates traffic edges and nodes with the routes, subsets and files of the config (in place). */
export function overlay(g: Graph, meta: Map<string, EdgeMeta>, cfg: RoutingConfig): void {
  for (const e of g.edges) {
    const m = meta.get(e.id);
    if (!m) continue;
    for (const vs of cfg.virtualServices) {
      if (!vs.hosts.some((h) => shortHost(h) === m.destService && hostNs(h, vs.namespace) === m.destServiceNs)) continue;
      for (const r of vs.routes) {
        for (const d of r.dests) {
          if (shortHost(d.host) !== m.destService) continue;
          const v = versionOfSubset(cfg, d.host, m.destServiceNs, d.subset);
          if (v && m.destVersion && v !== m.destVersion) continue;
          e.config.push(edgeConfig(vs, r, d));
        }
      }
    }
  }
  annotateNodes(g.nodes, cfg);
}

/** File references for workload, app and service nodes; route notes on service-like nodes. */
function annotateNodes(nodes: GraphNode[], cfg: RoutingConfig): void {
  for (const n of nodes) {
    const ns = n.namespace;
    if (n.kind === 'workload' || n.kind === 'gateway') {
      for (const w of cfg.workloads) if (w.name === n.name && w.namespace === ns) n.sources.push(w.source);
    }
    if (n.kind === 'app') {
      for (const w of cfg.workloads) {
        if (w.namespace === ns && (w.labels.app ?? w.name) === n.name && (!n.version || w.labels.version === n.version)) n.sources.push(w.source);
      }
    }
    if (n.kind === 'service' || n.kind === 'app') {
      for (const s of cfg.services) if (s.name === n.name && s.namespace === ns) n.sources.push(s.source);
      for (const vs of cfg.virtualServices) {
        if (vs.hosts.some((h) => shortHost(h) === n.name && hostNs(h, vs.namespace) === ns)) {
          n.sources.push(vs.source);
          n.notes.push(noteOf(vs));
        }
      }
      for (const dr of cfg.destinationRules) {
        if (shortHost(dr.host) === n.name && hostNs(dr.host, dr.namespace) === ns) {
          n.sources.push(dr.source);
          n.notes.push(`DestinationRule ${dr.name}: subsets ${Object.keys(dr.subsets).join(', ') || '(none)'}`);
        }
      }
    }
  }
}

/** The graph the workspace config implies, with no traffic: gateways -> services -> workloads (by subset). */
export function configGraph(cfg: RoutingConfig): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (id: string, kind: GraphNode['kind'], namespace: string, name: string): GraphNode => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { id, kind, namespace, name, inRps: 0, health: 'na', notes: [], sources: [] }));
    return n;
  };
  const edge = (source: string, target: string, c?: EdgeConfig) => {
    const id = `${source}->${target}:http`;
    let e = edges.get(id);
    if (!e) edges.set(id, (e = { id, source, target, protocol: 'http', rps: 0, err5xx: 0, err4xx: 0, health: 'na', configOnly: true, config: [] }));
    if (c) e.config.push(c);
  };
  const svcId = (host: string, ns: string) => `svc:${hostNs(host, ns)}/${shortHost(host)}`;
  for (const s of cfg.services) node(svcId(s.name, s.namespace), 'service', s.namespace, s.name);
  for (const gw of cfg.gateways) node(`gw:${gw.namespace}/${gw.name}`, 'gateway', gw.namespace, gw.name).sources.push(gw.source);
  // Service -> workloads selected by the service; the subset's labels narrow it when a route names one.
  const workloadsOf = (host: string, ns: string, subsetLabels: Record<string, string>) => {
    const svc = cfg.services.find((s) => s.name === shortHost(host) && s.namespace === hostNs(host, ns));
    if (!svc || !Object.keys(svc.selector).length) return [];
    const want = { ...svc.selector, ...subsetLabels };
    return cfg.workloads.filter((w) => w.namespace === svc.namespace && Object.entries(want).every(([k, v]) => w.labels[k] === v));
  };
  const routed = new Set<string>();
  for (const vs of cfg.virtualServices) {
    const froms = vs.gateways.filter((g) => g !== 'mesh').map((g) => {
      const gw = cfg.gateways.find((x) => x.name === g.split('/').pop());
      return gw ? `gw:${gw.namespace}/${gw.name}` : node(`gw:${vs.namespace}/${g}`, 'gateway', vs.namespace, g).id;
    });
    for (const h of vs.hosts) if (h !== '*' && !froms.length) froms.push(node(svcId(h, vs.namespace), 'service', hostNs(h, vs.namespace), shortHost(h)).id);
    for (const r of vs.routes) {
      for (const d of r.dests) {
        const ns = hostNs(d.host, vs.namespace);
        const to = node(svcId(d.host, vs.namespace), 'service', ns, shortHost(d.host)).id;
        const c = edgeConfig(vs, r, d);
        for (const from of froms) {
          if (from === to) {
            // A route to a subset of the same service: service -> the subset's workloads.
            const dr = cfg.destinationRules.find((x) => shortHost(x.host) === shortHost(d.host));
            for (const w of workloadsOf(d.host, ns, d.subset ? (dr?.subsets[d.subset] ?? {}) : {})) {
              edge(to, node(`wl:${w.namespace}/${w.name}`, 'workload', w.namespace, w.name).id, c);
            }
            routed.add(to);
          } else edge(from, to, c);
        }
      }
    }
  }
  for (const s of cfg.services) {
    const id = svcId(s.name, s.namespace);
    if (routed.has(id)) continue;
    for (const w of workloadsOf(s.name, s.namespace, {})) edge(id, node(`wl:${w.namespace}/${w.name}`, 'workload', w.namespace, w.name).id);
  }
  const g: Graph = {
    type: 'service', nodes: [...nodes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    edges: [...edges.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), namespaces: [],
  };
  annotateNodes(g.nodes, cfg);
  g.namespaces = [...new Set(g.nodes.map((n) => n.namespace).filter(Boolean))].sort();
  return g;
}
