// Istio's injection template functions (pkg/kube/inject/template.go), layered over Sprig like Istio does. Pure.
import { ordered } from './k8sjson';
import { SPRIG_FUNCS, goJson, goYaml, type GoFunc } from './template';
import { setStructJsonOrder } from './template/sprig';

setStructJsonOrder((j) => ordered(j));
import { GoEnum, GoStruct, formatValue, isMap } from './template/values';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : formatValue(v));

function annotationsOf(meta: unknown): Record<string, unknown> {
  if (meta instanceof GoStruct) {
    const f = meta.field('Annotations');
    if (f.found && isMap(f.value)) return f.value;
    return {};
  }
  if (isMap(meta)) return isMap(meta.annotations) ? meta.annotations : {};
  throw new Error(`wrong type for value; expected v1.ObjectMeta; got ${typeof meta}`);
}

export function splitPorts(s: string): string[] {
  return s.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export function excludeInboundPort(port: unknown, excluded: unknown): string {
  const portStr = str(port).trim();
  const ex = str(excluded);
  if (portStr === '' || portStr === '0') return ex;
  const out: string[] = [];
  for (const p of ex.split(',')) {
    if (p === portStr) return ex;
    const t = p.trim();
    if (t) out.push(t);
  }
  out.push(portStr);
  return out.join(',');
}

function containerPorts(containers: unknown, include: (name: string) => boolean): string {
  if (!Array.isArray(containers)) return '';
  const parts: string[] = [];
  for (const c of containers) {
    const json = c instanceof GoStruct ? c.json : c;
    if (!isMap(json) || !include(String(json.name ?? ''))) continue;
    for (const p of Array.isArray(json.ports) ? json.ports : []) {
      if (!isMap(p) || p.protocol === 'UDP' || p.protocol === 'SCTP') continue;
      parts.push(String(p.containerPort ?? 0));
    }
  }
  return parts.join(',');
}

/** Go's time.Duration.String() for a protobuf duration ("1.5s", "1m30s", "0s"). */
export function formatDuration(d: unknown): string {
  const s = typeof d === 'string' ? d : '';
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(s);
  if (!m) return '0s';
  let ns = Math.round(Number(m[1]) * 1e9);
  if (ns === 0) return '0s';
  const neg = ns < 0;
  ns = Math.abs(ns);
  let out: string;
  if (ns < 1e3) out = `${ns}ns`;
  else if (ns < 1e6) out = `${trimZeros(ns / 1e3)}µs`;
  else if (ns < 1e9) out = `${trimZeros(ns / 1e6)}ms`;
  else {
    const h = Math.floor(ns / 3.6e12);
    const min = Math.floor((ns % 3.6e12) / 6e10);
    const sec = (ns % 6e10) / 1e9;
    out = `${h ? `${h}h` : ''}${h || min ? `${min}m` : ''}${trimZeros(sec)}s`;
  }
  return neg ? `-${out}` : out;
}

const trimZeros = (n: number) => String(Number(n.toFixed(9)));

function appendMultusNetwork(existing: unknown, network: unknown): string {
  const ex = str(existing);
  const net = str(network);
  if (ex === '') return net;
  const i = ex.lastIndexOf(']');
  if (i !== -1) {
    let nets: unknown;
    try { nets = JSON.parse(ex); } catch { return ex; }
    if (!Array.isArray(nets)) return ex;
    if (nets.some((n) => isMap(n) && n.name === net)) return ex;
    return `${ex.slice(0, i)}, {"name": "${net}"}${ex.slice(i)}`;
  }
  if (ex.split(',').some((n) => n.trim() === net)) return ex;
  return `${ex}, ${net}`;
}

/** Istio's template functions; `env` reads istiod's environment from `envVars`. */
export function injectionFuncs(envVars: Readonly<Record<string, string>> = {}): Map<string, GoFunc> {
  const f = new Map<string, GoFunc>(SPRIG_FUNCS);
  const set = (name: string, fn: GoFunc) => f.set(name, fn);
  set('formatDuration', formatDuration);
  set('isset', (m, key) => isMap(m) && Object.prototype.hasOwnProperty.call(m, str(key)));
  set('excludeInboundPort', excludeInboundPort);
  set('includeInboundPorts', (cs) => containerPorts(cs, () => true));
  set('applicationPorts', (cs) => containerPorts(cs, (n) => n !== 'istio-proxy'));
  set('kubevirtInterfaces', (s) => str(s));
  set('annotation', (meta, name, def) => {
    const a = annotationsOf(meta);
    const k = str(name);
    return Object.prototype.hasOwnProperty.call(a, k) ? str(a[k]) : def instanceof GoEnum ? def.name : formatValue(def);
  });
  set('valueOrDefault', (v, d) => (v === '' || v === null || v === undefined ? d : v));
  set('toJSON', (m) => (m === null || m === undefined ? '{}' : goJson(m)));
  set('toJson', (m) => (m === null || m === undefined ? '{}' : goJson(m)));
  set('fromJSON', (s) => { try { return JSON.parse(str(s)) as unknown; } catch { return '{}'; } });
  set('structToJSON', (v) => (v === null || v === undefined ? '{}' : goJson(v)));
  set('protoToJSON', (v) => (v instanceof GoStruct ? protoJson(v) : v === null || v === undefined ? '{}' : goJson(v, true)));
  set('toYaml', (v) => { try { return goYaml(v); } catch { return ''; } });
  set('indent', (n, s) => {
    const pad = ' '.repeat(Math.max(0, Math.min(Number(n) || 0, 10000)));
    return str(s).split('\n').map((l, i) => (i > 0 ? pad + l : l)).join('\n');
  });
  set('directory', (p) => { const s = str(p); const i = s.lastIndexOf('/'); return i < 0 ? '' : s.slice(0, i + 1); });
  set('contains', (needle, haystack) => str(haystack).includes(str(needle)));
  set('toLower', (s) => str(s).toLowerCase());
  set('appendMultusNetwork', appendMultusNetwork);
  set('env', (k, d) => { const v = envVars[str(k)]; return v === undefined || v === '' ? d : v; });
  set('strdict', (...kv) => { const o: Record<string, string> = {}; for (let i = 0; i < kv.length; i += 2) o[str(kv[i])] = str(kv[i + 1]); return o; });
  set('toJsonMap', (...ms) => { const o: Record<string, unknown> = {}; for (const m of ms) if (isMap(m)) Object.assign(o, m); return goJson(o); });
  set('otelResourceAttributes', otelResourceAttributes);
  return f;
}

/**
 * OTEL_RESOURCE_ATTRIBUTES for the proxy when an OpenTelemetry provider asks for semantic-convention enrichment
 * (serviceAttributeEnrichment: OTEL_SEMANTIC_CONVENTIONS): service.namespace, service.version, service.instance.id.
 */
function otelResourceAttributes(mesh: unknown, annotations: unknown, labels: unknown, namespace: unknown, containers: unknown): string {
  const m = mesh instanceof GoStruct ? mesh.json : mesh;
  const providers = isMap(m) && Array.isArray(m.extensionProviders) ? m.extensionProviders : [];
  const enrich = providers.some((p) => isMap(p) && isMap(p.opentelemetry) && p.opentelemetry.serviceAttributeEnrichment === 'OTEL_SEMANTIC_CONVENTIONS');
  if (!enrich) return '';
  const l = isMap(labels) ? labels : {};
  const ns = str(namespace) || 'default';
  const attrs = [`service.namespace=${ns}`];
  const version = str(l['app.kubernetes.io/version']) || str(l.version);
  if (version) attrs.push(`service.version=${version}`);
  const first = Array.isArray(containers) ? containers.map((c) => (c instanceof GoStruct ? c.json : c)).find((c) => isMap(c) && c.name !== 'istio-proxy') : undefined;
  if (isMap(first)) attrs.push(`service.instance.id=${ns}.$(POD_NAME).${str(first.name)}`);
  void annotations;
  return attrs.join(',');
}

/** protomarshal.ToJSON of a proto struct: its `proto` JSON (set by the data model), compact. */
function protoJson(v: GoStruct): string {
  const m = v.methods.__protoJson;
  return m ? str(m()) : JSON.stringify(v.json);
}
