// Envoy /config_dump -> route, cluster and listener rows (pure: no vscode, no I/O). Parsing never throws: a malformed
// dump is an error value. The route rows follow `istioctl proxy-config routes` (istioctl/pkg/writer/envoy/configdump).
import type { Result } from '../../server/src/core/types';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A live Istio resource an Envoy object came from (Envoy metadata `filter_metadata.istio.config`). */
export interface ConfigRef {
  kind: string;
  namespace: string;
  name: string;
  /** The raw `/apis/...` path. */
  path: string;
}

export interface RouteAction {
  /** cluster | weighted | redirect | direct | other */
  type: 'cluster' | 'weighted' | 'redirect' | 'direct' | 'other';
  /** Human summary: "outbound|9080|v1|reviews...", "v1 90%, v2 10%", "301 -> https://...", "200". */
  summary: string;
  clusters: string[];
  timeout: string | null;
  retries: string | null;
}

export interface EnvoyRoute {
  name: string;
  match: string;
  action: RouteAction;
  config: ConfigRef | null;
  /** What istioctl prints in VIRTUAL SERVICE: "name.namespace", "<unknown>" or "". */
  virtualService: string;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  /** istioctl's short domain list. */
  domainsSummary: string;
  routes: EnvoyRoute[];
}

export interface RouteConfig {
  name: string;
  dynamic: boolean;
  virtualHosts: VirtualHost[];
}

export interface ClusterRow {
  name: string;
  fqdn: string;
  port: string;
  subset: string;
  direction: string;
  type: string;
  destinationRule: string;
}

export interface ListenerRow {
  name: string;
  address: string;
  port: string;
  filterChains: number;
  destinations: string[];
}

export interface ConfigDump {
  routes: RouteConfig[];
  clusters: ClusterRow[];
  listeners: ListenerRow[];
  /** Istio version from the bootstrap node metadata, when present. */
  istioVersion: string | null;
}

/** One row of `istioctl proxy-config routes` (verbose). */
export interface RouteRow {
  name: string;
  vhost: string;
  domains: string;
  match: string;
  virtualService: string;
}

/** Parses the JSON text (or already parsed value) of an Envoy admin /config_dump. */
export function parseConfigDump(input: string | unknown): Result<ConfigDump> {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      return { ok: false, error: `config_dump is not JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  const configs = obj(doc).configs;
  if (!Array.isArray(configs)) return { ok: false, error: 'config_dump has no "configs" array' };
  const out: ConfigDump = { routes: [], clusters: [], listeners: [], istioVersion: null };
  for (const c of configs) {
    const o = obj(c);
    const type = str(o['@type']).split('.').pop();
    if (type === 'RoutesConfigDump') out.routes = sortRouteConfigs(parseRouteConfigs(o));
    else if (type === 'ClustersConfigDump') out.clusters = parseClusters(o);
    else if (type === 'ListenersConfigDump') out.listeners = parseListeners(o);
    else if (type === 'BootstrapConfigDump') out.istioVersion = str(obj(obj(obj(o.bootstrap).node).metadata).ISTIO_VERSION) || null;
  }
  return { ok: true, value: out };
}

// ---- routes

function parseRouteConfigs(dump: Json): RouteConfig[] {
  const out: RouteConfig[] = [];
  for (const [key, dynamic] of [['dynamic_route_configs', true], ['static_route_configs', false]] as const) {
    for (const r of arr(dump[key])) {
      const rc = obj(r).route_config;
      if (rc && typeof rc === 'object') out.push(parseRouteConfig(obj(rc), dynamic));
    }
  }
  return out;
}

function parseRouteConfig(rc: Json, dynamic: boolean): RouteConfig {
  return {
    name: str(rc.name),
    dynamic,
    virtualHosts: arr(rc.virtual_hosts).map((v) => {
      const vh = obj(v);
      const domains = arr(vh.domains).map(str);
      return { name: str(vh.name), domains, domainsSummary: describeRouteDomains(domains), routes: arr(vh.routes).map((r) => parseRoute(obj(r))) };
    }),
  };
}

function parseRoute(r: Json): EnvoyRoute {
  const configPath = str(obj(obj(obj(r.metadata).filter_metadata).istio).config);
  return {
    name: str(r.name),
    match: describeMatch(obj(r.match)),
    action: describeAction(r),
    config: configPath ? parseConfigPath(configPath) : null,
    virtualService: renderConfig(configPath, !!configPath),
  };
}

/** istioctl keeps the dump order except that numerically named route configs ("80", "9080") are sorted among
 * themselves (Go's sort.Slice on n <= 12 elements is an insertion sort; the comparison is false for other names). */
function sortRouteConfigs(routes: RouteConfig[]): RouteConfig[] {
  const out = routes.slice();
  const num = (s: string): number | null => (/^[+-]?\d+$/.test(s) ? Number(s) : null);
  const less = (a: RouteConfig, b: RouteConfig): boolean => {
    const x = num(a.name);
    const y = num(b.name);
    return x !== null && y !== null && x < y;
  };
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j], out[j - 1]); j--) [out[j], out[j - 1]] = [out[j - 1], out[j]];
  }
  return out;
}

export function describeMatch(m: Json): string {
  const conds: string[] = [];
  if (str(m.prefix)) conds.push(`${str(m.prefix)}*`);
  if (str(m.path_separated_prefix)) conds.push(`PathPrefix:${str(m.path_separated_prefix)}`);
  if (str(m.path)) conds.push(str(m.path));
  if (m.safe_regex) conds.push(`regex ${str(obj(m.safe_regex).regex)}`);
  return conds.join(' ');
}

export function describeRouteDomains(domains: string[]): string {
  if (domains.length === 0) return '';
  if (domains.length === 1) return domains[0];
  const withoutPort = domains.filter((d) => !d.includes(':') || ((d.match(/:/g)?.length ?? 0) > 2 && d.endsWith(']')));
  const short = unexpandDomains(withoutPort);
  return short.length > 2 ? `${short.slice(0, 2).join(', ')} + ${short.length - 2} more...` : short.join(', ');
}

function unexpandDomains(domains: string[]): string[] {
  const unique = new Set(domains);
  const drop = new Set<string>();
  for (const h of domains) {
    for (const suffix of ['.svc.cluster.local', '.svc']) {
      if (h.endsWith(suffix) && unique.has(h.slice(0, -suffix.length))) drop.add(h);
    }
  }
  return domains.filter((h) => !drop.has(h));
}

/** "/apis/networking.istio.io/v1/namespaces/default/virtual-service/bookinfo" -> VirtualService default/bookinfo. */
export function parseConfigPath(path: string): ConfigRef | null {
  const p = path.split('/');
  if (p.length !== 8 || p[1] !== 'apis' || p[4] !== 'namespaces') return null;
  const kind = p[6].split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return { kind, namespace: p[5], name: p[7], path };
}

function renderConfig(path: string, present: boolean): string {
  if (!present) return '';
  if (/^\/apis\/networking\.istio\.io\/v1(alpha3|beta1)?\/namespaces\//.test(path)) {
    const p = path.split('/');
    return p.length === 8 ? `${p[7]}.${p[5]}` : '';
  }
  return '<unknown>';
}

function describeAction(r: Json): RouteAction {
  const retries = (ra: Json): string | null => {
    const rp = obj(ra.retry_policy);
    return ra.retry_policy ? `${String(rp.num_retries ?? 1)}x ${str(rp.retry_on)}${rp.per_try_timeout ? ` per try ${str(rp.per_try_timeout)}` : ''}` : null;
  };
  if (r.route) {
    const ra = obj(r.route);
    const timeout = str(ra.timeout) || null;
    if (str(ra.cluster)) return { type: 'cluster', summary: str(ra.cluster), clusters: [str(ra.cluster)], timeout, retries: retries(ra) };
    const wc = arr(obj(ra.weighted_clusters).clusters).map(obj);
    if (wc.length) {
      const total = wc.reduce((s, c) => s + Number(c.weight ?? 0), 0) || 100;
      const summary = wc.map((c) => `${str(c.name)} ${Math.round((Number(c.weight ?? 0) * 100) / total)}%`).join(', ');
      return { type: 'weighted', summary, clusters: wc.map((c) => str(c.name)), timeout, retries: retries(ra) };
    }
    const header = str(ra.cluster_header);
    return { type: 'other', summary: header ? `cluster from header ${header}` : 'route', clusters: [], timeout, retries: retries(ra) };
  }
  if (r.redirect) {
    const rd = obj(r.redirect);
    const target = `${str(rd.scheme_redirect) || (rd.https_redirect ? 'https' : '')}${str(rd.host_redirect) ? ` ${str(rd.host_redirect)}` : ''}${str(rd.path_redirect) || str(rd.prefix_rewrite)}`;
    return { type: 'redirect', summary: `redirect${target ? ` -> ${target.trim()}` : ''}`, clusters: [], timeout: null, retries: null };
  }
  if (r.direct_response) {
    return { type: 'direct', summary: `direct response ${String(obj(r.direct_response).status ?? '')}`.trim(), clusters: [], timeout: null, retries: null };
  }
  return { type: 'other', summary: 'no action', clusters: [], timeout: null, retries: null };
}

const isPassthrough = (r: EnvoyRoute): boolean => r.action.type === 'cluster' && r.action.clusters[0] === 'PassthroughCluster';

/** The rows of `istioctl proxy-config routes <pod>` (RouteFilter{Verbose: true}); `typePrefix` as in `proxy-config all`. */
export function routeRows(dump: ConfigDump, typePrefix = false): RouteRow[] {
  const rows: RouteRow[] = [];
  for (const rc of dump.routes) {
    const name = typePrefix ? `route/${rc.name}` : rc.name;
    for (const vh of rc.virtualHosts) {
      for (const r of vh.routes) {
        if (!isPassthrough(r)) rows.push({ name, vhost: vh.name, domains: vh.domainsSummary, match: r.match, virtualService: r.virtualService });
      }
      if (vh.routes.length === 0) rows.push({ name, vhost: vh.name, domains: vh.domainsSummary, match: '/*', virtualService: '404' });
    }
  }
  return rows;
}

// ---- clusters

function parseSubsetKey(name: string): { direction: string; port: number; subset: string; fqdn: string } | null {
  const p = name.split('|');
  if (p.length < 4) return null;
  return { direction: p[0], port: Number.parseInt(p[1], 10) || 0, subset: p[2], fqdn: p[3] };
}

function parseClusters(dump: Json): ClusterRow[] {
  const raw: Json[] = [];
  for (const key of ['static_clusters', 'dynamic_active_clusters']) for (const c of arr(dump[key])) raw.push(obj(obj(c).cluster));
  const keyed = raw.map((c) => ({ c, k: parseSubsetKey(str(c.name)) ?? { direction: '', port: 0, subset: '', fqdn: str(c.name) } }));
  keyed.sort((a, b) => cmp(a.k.fqdn, b.k.fqdn) || cmp(a.k.subset, b.k.subset) || a.k.port - b.k.port || cmp(a.k.direction, b.k.direction));
  return keyed.map(({ c }) => {
    const name = str(c.name);
    const k = parseSubsetKey(name);
    const type = str(c.type) || (c.cluster_type ? str(obj(c.cluster_type).name) : 'EDS');
    const configPath = str(obj(obj(obj(c.metadata).filter_metadata).istio).config);
    const destinationRule = configPath ? renderDestinationRule(configPath) : '';
    if (!k) return { name, fqdn: name, port: '-', subset: '-', direction: '-', type, destinationRule };
    return { name, fqdn: k.fqdn, port: String(k.port), subset: k.subset || '-', direction: k.direction, type, destinationRule };
  });
}

function renderDestinationRule(path: string): string {
  const ref = parseConfigPath(path);
  return ref ? `${ref.name}.${ref.namespace}` : '<unknown>';
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---- listeners (a summary: address, port, how many filter chains, where they send traffic)

function parseListeners(dump: Json): ListenerRow[] {
  const out: ListenerRow[] = [];
  const add = (l: Json): void => {
    const sa = obj(obj(l.address).socket_address);
    const chains = arr(l.filter_chains).map(obj);
    const dest = new Set<string>();
    for (const fc of chains) {
      for (const f of arr(fc.filters).map(obj)) {
        const tc = obj(f.typed_config);
        if (str(tc.cluster)) dest.add(`Cluster: ${str(tc.cluster)}`);
        if (tc.rds) dest.add(`Route: ${str(obj(tc.rds).route_config_name)}`);
        if (tc.route_config) dest.add('Inline Route');
      }
    }
    out.push({ name: str(l.name), address: str(sa.address), port: String(sa.port_value ?? 0), filterChains: chains.length, destinations: [...dest] });
  };
  for (const s of arr(dump.static_listeners)) add(obj(obj(s).listener));
  for (const d of arr(dump.dynamic_listeners)) add(obj(obj(obj(d).active_state).listener));
  return out;
}

// ---- text tables (Go tabwriter with minwidth 0, padding 5, as istioctl prints them)

export function tabulate(rows: string[][], padding = 5): string {
  const cols = Math.max(...rows.map((r) => r.length));
  const width = Array.from({ length: cols - 1 }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(width[i] + padding) : cell)).join('')).join('\n') + '\n';
}

export function formatRouteRows(rows: RouteRow[]): string {
  return tabulate([['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'], ...rows.map((r) => [r.name, r.vhost, r.domains, r.match, r.virtualService])]);
}

export function formatClusterRows(rows: ClusterRow[], typePrefix = false): string {
  const head = ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'];
  const body = rows.map((c) => {
    const cells = [c.fqdn === c.name && typePrefix ? `cluster/${c.name}` : c.fqdn, c.port, c.subset, c.direction, c.type, c.destinationRule];
    return typePrefix ? [`cluster/${c.name}`, ...cells] : cells;
  });
  return tabulate([typePrefix ? ['NAME', ...head] : head, ...body]);
}
