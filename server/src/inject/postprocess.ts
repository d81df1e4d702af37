// postProcessPod (webhook.go): cluster env, prometheus merge, app probe rewrite (app_probe.go), status annotation
// and container order. Pure.
import type { InjectionConfig, Json } from './config';
import { splitPorts } from './funcs';
import { CORE_DUMP, INIT, PROXY, STATUS_ANNOTATION, VALIDATION, clearPrometheusAnnotations, containersOf, findContainer, findSidecar, mapOf, modifyContainers, parseGoBool, promAnnotation, sanitize, statusPortOf, str } from './pod';
import { isMap } from './template/values';

// ---- postProcessPod ----

function applyPrometheusMerge(pod: Json, mesh: Json): void {
  const annos = mapOf(mapOf(pod.metadata).annotations);
  const scrape = promAnnotation(annos, 'scrape');
  if (scrape !== undefined && parseGoBool(scrape) === false) return;
  const mergeAnno = annos['prometheus.istio.io/merge-metrics'];
  let enabled = typeof mesh.enablePrometheusMerge === 'boolean' ? mesh.enablePrometheusMerge : true;
  if (typeof mergeAnno === 'string' && parseGoBool(mergeAnno) !== undefined) enabled = parseGoBool(mergeAnno)!;
  if (!enabled) return;
  const target = String(statusPortOf(mesh));
  const cur = promAnnotation(annos, 'port');
  if (cur !== undefined && cur === target) return;
  const cfg: Json = {};
  for (const [k, v] of Object.entries(annos)) {
    const s = sanitize(k);
    if (s === 'prometheus_io_scrape') cfg.scrape = v;
    if (s === 'prometheus_io_path') cfg.path = v;
    if (s === 'prometheus_io_port') cfg.port = v;
  }
  // prometheus.istio.io/scrape-targets: "PORT:PATH,..." -- several application endpoints to merge.
  const targetsAnno = annos['prometheus.istio.io/scrape-targets'];
  if (typeof targetsAnno === 'string') {
    const targets = targetsAnno.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
      const i = t.indexOf(':');
      return i < 0 ? { port: t } : { port: t.slice(0, i), path: t.slice(i + 1) };
    });
    if (targets.length) {
      cfg.targets = targets;
      if (cfg.port === undefined) cfg.port = targets[0].port;
      if (cfg.path === undefined && targets[0].path !== undefined) cfg.path = targets[0].path;
    }
    delete annos['prometheus.istio.io/scrape-targets'];
  }
  const sidecar = findSidecar(pod);
  if (sidecar && Object.keys(cfg).length) {
    const ordered: Json = {};
    for (const k of ['scrape', 'path', 'port', 'targets']) if (cfg[k] !== undefined && cfg[k] !== '') ordered[k] = cfg[k];
    sidecar.env = [...(Array.isArray(sidecar.env) ? sidecar.env : []), { name: 'ISTIO_PROMETHEUS_ANNOTATIONS', value: JSON.stringify(ordered) }];
  }
  clearPrometheusAnnotations(annos);
  annos['prometheus.io/port'] = target;
  annos['prometheus.io/path'] = '/stats/prometheus';
  annos['prometheus.io/scrape'] = 'true';
}

function includedPorts(annos: Json): Set<number> | null {
  const inc = str(annos['traffic.sidecar.istio.io/includeInboundPorts']);
  if (inc !== '') {
    if (inc === '*') return null;
    return new Set(splitPorts(inc).map(Number).filter(Number.isInteger));
  }
  return null;
}

const PROBES: [string, string][] = [['readinessProbe', 'readyz'], ['livenessProbe', 'livez'], ['startupProbe', 'startupz']];
const HANDLERS: [string, string][] = [['preStop', 'prestopz'], ['postStart', 'poststartz']];

function proberUrl(container: string, suffix: string): string {
  return suffix.endsWith('stopz') || suffix.endsWith('startz') && suffix !== 'startupz' ? `/app-lifecycle/${container}/${suffix}` : `/app-health/${container}/${suffix}`;
}

function internalProber(p: unknown, withTimeout: boolean, ports: Map<string, number>, included: Set<number> | null): Json | null {
  if (!isMap(p)) return null;
  const out: Json = {};
  const resolve = (port: unknown): number | null => {
    let n: number;
    if (typeof port === 'number') n = port;
    else if (typeof port === 'string' && /^\d+$/.test(port)) n = Number(port);
    else if (typeof port === 'string' && ports.has(port)) n = ports.get(port)!;
    else return null;
    if (included && included.size > 0 && !included.has(n)) return null;
    return n;
  };
  if (isMap(p.httpGet)) {
    const port = resolve(p.httpGet.port);
    if (port === null) return null;
    const h: Json = {};
    if (p.httpGet.path !== undefined && p.httpGet.path !== '') h.path = p.httpGet.path;
    h.port = port;
    for (const k of ['host', 'scheme', 'httpHeaders']) if (p.httpGet[k] !== undefined && p.httpGet[k] !== '') h[k] = p.httpGet[k];
    out.httpGet = h;
  } else if (isMap(p.tcpSocket)) {
    const port = resolve(p.tcpSocket.port);
    if (port === null) return null;
    out.tcpSocket = { ...(p.tcpSocket.host ? { host: p.tcpSocket.host } : {}), port };
  } else if (isMap(p.grpc)) {
    const port = typeof p.grpc.port === 'number' ? p.grpc.port : 0;
    if (included && included.size > 0 && !included.has(port)) return null;
    out.grpc = p.grpc;
  } else return null;
  if (withTimeout && typeof p.timeoutSeconds === 'number' && p.timeoutSeconds !== 0) out.timeoutSeconds = p.timeoutSeconds;
  return out;
}

function dumpAppProbers(pod: Json): string {
  const spec = mapOf(pod.spec);
  const included = includedPorts(mapOf(mapOf(pod.metadata).annotations));
  const out: Json = {};
  for (const c of [...containersOf(spec, 'initContainers'), ...containersOf(spec, 'containers')]) {
    if (c.name === PROXY) continue;
    const ports = new Map<string, number>();
    for (const p of Array.isArray(c.ports) ? (c.ports as Json[]) : []) if (typeof p.name === 'string' && p.name) ports.set(p.name, Number(p.containerPort));
    for (const [field, suffix] of PROBES) {
      const h = internalProber(c[field], true, ports, included);
      if (h) out[proberUrl(str(c.name), suffix)] = h;
    }
    const lc = mapOf(c.lifecycle);
    for (const [field, suffix] of HANDLERS) {
      const h = internalProber(lc[field], false, ports, included);
      if (h) out[proberUrl(str(c.name), suffix)] = h;
    }
  }
  if (Object.keys(out).length === 0) return '';
  return JSON.stringify(Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]])));
}

function rewriteAction(a: Json, url: string, port: number): Json {
  const out: Json = { ...a, path: url, port };
  if (out.scheme === 'HTTPS') out.scheme = 'HTTP';
  return out;
}

function convertHandler(h: unknown, url: string, port: number): Json | null {
  if (!isMap(h)) return null;
  if (isMap(h.httpGet)) return { ...h, httpGet: rewriteAction(h.httpGet, url, port) };
  if (isMap(h.tcpSocket) || isMap(h.grpc)) {
    const out: Json = { ...h, httpGet: { path: url, port } };
    delete out.tcpSocket;
    delete out.grpc;
    return out;
  }
  return null;
}

function applyRewrite(pod: Json, cfg: InjectionConfig, mesh: Json): void {
  const sidecar = findSidecar(pod);
  if (!sidecar) return;
  const annos = mapOf(mapOf(pod.metadata).annotations);
  let rewrite = mapOf(cfg.values.sidecarInjectorWebhook).rewriteAppHTTPProbe === true;
  const a = annos['sidecar.istio.io/rewriteAppHTTPProbers'];
  if (typeof a === 'string' && parseGoBool(a) !== undefined) rewrite = parseGoBool(a)!;
  if (!rewrite) return;
  const prober = dumpAppProbers(pod);
  if (prober) {
    const env = Array.isArray(sidecar.env) ? (sidecar.env as Json[]) : [];
    const previously = typeof annos[STATUS_ANNOTATION] === 'string';
    const existing = env.find((e) => e.name === 'ISTIO_KUBE_APP_PROBERS');
    if (previously && existing) {
      try {
        const merged = { ...mapOf(JSON.parse(prober)), ...mapOf(JSON.parse(str(existing.value))) };
        existing.value = JSON.stringify(Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]])));
      } catch { /* keep the existing value, like Istio */ }
    } else sidecar.env = [...env, { name: 'ISTIO_KUBE_APP_PROBERS', value: prober }];
  }
  let statusPort = statusPortOf(mesh);
  if (typeof annos['status.sidecar.istio.io/port'] === 'string') statusPort = parseInt(annos['status.sidecar.istio.io/port'], 10) || 0;
  const spec = mapOf(pod.spec);
  for (const c of [...containersOf(spec, 'containers'), ...containersOf(spec, 'initContainers')]) {
    if (c.name === PROXY) continue;
    for (const [field, suffix] of PROBES) {
      const p = convertHandler(c[field], proberUrl(str(c.name), suffix), statusPort);
      if (p) c[field] = p;
    }
    if (isMap(c.lifecycle)) {
      for (const [field, suffix] of HANDLERS) {
        const p = convertHandler(c.lifecycle[field], proberUrl(str(c.name), suffix), statusPort);
        if (p) c.lifecycle[field] = p;
      }
    }
  }
}

function injectionStatus(templatePod: Json, revision: string): string {
  const spec = mapOf(templatePod.spec);
  const names = (l: unknown) => (Array.isArray(l) && l.length ? l.map((x) => str(mapOf(x).name)) : null);
  return JSON.stringify({
    initContainers: names(spec.initContainers),
    containers: names(spec.containers),
    volumes: names(spec.volumes),
    imagePullSecrets: names(spec.imagePullSecrets),
    revision: revision || 'default',
  });
}

function reorderPod(pod: Json, original: Json, cfg: InjectionConfig, mesh: Json): void {
  const spec = mapOf(pod.spec);
  const hold = mapOf(mesh.defaultConfig).holdApplicationUntilProxyStarts === true || mapOf(mapOf(cfg.values.global).proxy).holdApplicationUntilProxyStarts === true;
  const before: string[] = [];
  const extra = [cfg.env.INIT_CONTAINER_BEFORE_PROXY ?? '', str(mapOf(mapOf(pod.metadata).annotations)['sidecar.istio.io/init-containers-before-proxy'])].filter(Boolean).join(',');
  if (extra) for (const n of extra.split(',')) if (!before.includes(n)) before.push(n);
  spec.containers = modifyContainers(containersOf(spec, 'containers'), PROXY, hold ? 'first' : 'last');
  let inits = containersOf(spec, 'initContainers');
  if (findContainer(PROXY, inits)) {
    inits = modifyContainers(inits, CORE_DUMP, 'first');
    inits = modifyContainers(inits, PROXY, 'first');
    for (let i = before.length - 1; i >= 0; i--) inits = modifyContainers(inits, before[i], 'first');
    inits = modifyContainers(inits, VALIDATION, 'first');
    inits = modifyContainers(inits, INIT, 'first');
  } else {
    inits = modifyContainers(inits, VALIDATION, 'first');
    inits = modifyContainers(inits, INIT, 'last');
    inits = modifyContainers(inits, CORE_DUMP, 'last');
  }
  if (inits.length || Array.isArray(spec.initContainers)) spec.initContainers = inits;
  void original;
}

export function postProcess(pod: Json, original: Json, templatePod: Json, cfg: InjectionConfig, mesh: Json, proxyEnvs: Record<string, string>): void {
  const meta = mapOf(pod.metadata);
  meta.annotations = mapOf(meta.annotations);
  meta.labels = mapOf(meta.labels);
  pod.metadata = meta;
  const sidecar = findSidecar(pod);
  if (sidecar && Object.keys(proxyEnvs).length) {
    const env = (Array.isArray(sidecar.env) ? (sidecar.env as Json[]) : []).filter((e) => !(str(e.name) in proxyEnvs));
    for (const k of Object.keys(proxyEnvs).sort()) env.push({ name: k, value: proxyEnvs[k] });
    sidecar.env = env;
  }
  applyPrometheusMerge(pod, mesh);
  applyRewrite(pod, cfg, mesh);
  if (proxyEnvs.ISTIO_META_NETWORK !== undefined) (meta.labels as Json)['topology.istio.io/network'] = proxyEnvs.ISTIO_META_NETWORK;
  (meta.annotations as Json)[STATUS_ANNOTATION] = injectionStatus(templatePod, cfg.revision);
  for (const [k, v] of Object.entries(cfg.injector.injectedAnnotations)) (meta.annotations as Json)[k] = v;
  reorderPod(pod, original, cfg, mesh);
}
