// Removing an injected sidecar from a workload (the reverse of kube-inject): what the status annotation lists,
// the app probes and prometheus annotations Istio rewrote, and the metadata the template wrote. Also the
// pre-status sidecars of Istio 0.x. Pure.
import type { InjectionConfig, Json } from './config';
import { injectManifest, injectionState } from './index';
import { PROXY, STATUS_ANNOTATION, clearPrometheusAnnotations, containersOf, findSidecar, mapOf, str } from './pod';
import { isMap } from './template/values';
import { deepClone } from './merge';
import { podTemplatePath } from './workload';

const LEGACY = { containers: [PROXY], initContainers: ['istio-init', 'enable-core-dump'], volumes: ['istio-envoy', 'istio-certs'] };
const PROBES = [['readinessProbe', 'readyz'], ['livenessProbe', 'livez'], ['startupProbe', 'startupz']] as const;
const LIFECYCLE = [['preStop', 'prestopz'], ['postStart', 'poststartz']] as const;

/** Metadata keys the injection template may write (and that are removed when the template would write the same value). */
const TEMPLATE_KEY = /(^|\.)istio\.io\/|^kubectl\.kubernetes\.io\/default-|^k8s\.v1\.cni\.cncf\.io\/networks$/;

function namesOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function without(list: unknown, names: string[]): Json[] {
  return (Array.isArray(list) ? (list as Json[]) : []).filter((x) => !names.includes(str(mapOf(x).name)));
}

function setList(spec: Json, key: string, list: Json[], had: boolean): void {
  if (list.length || (had && !Array.isArray(spec[key]))) spec[key] = list;
  else delete spec[key];
}

function envValue(c: Json | undefined, name: string): string | undefined {
  const e = (Array.isArray(c?.env) ? (c.env as Json[]) : []).find((x) => x.name === name);
  return typeof e?.value === 'string' ? e.value : undefined;
}

/** Puts back the probes Istio redirected to the sidecar's /app-health endpoints. */
function restoreProbes(spec: Json, probers: Json): void {
  for (const c of [...containersOf(spec, 'containers'), ...containersOf(spec, 'initContainers')]) {
    const name = str(c.name);
    for (const [field, suffix] of PROBES) restoreHandler(c, field, probers[`/app-health/${name}/${suffix}`]);
    if (isMap(c.lifecycle)) for (const [field, suffix] of LIFECYCLE) restoreHandler(c.lifecycle, field, probers[`/app-lifecycle/${name}/${suffix}`]);
  }
}

function restoreHandler(holder: Json, field: string, prober: unknown): void {
  const cur = holder[field];
  if (!isMap(cur) || !isMap(prober) || !isMap(cur.httpGet)) return;
  const out: Json = { ...cur };
  delete out.httpGet;
  if (isMap(prober.httpGet)) out.httpGet = { ...prober.httpGet };
  else if (isMap(prober.tcpSocket)) out.tcpSocket = { ...prober.tcpSocket };
  else if (isMap(prober.grpc)) out.grpc = { ...prober.grpc };
  else return;
  holder[field] = out;
}

function restorePrometheus(annos: Json, sidecar: Json | undefined, statusPort: string): void {
  if (annos['prometheus.io/port'] !== statusPort) return;
  clearPrometheusAnnotations(annos);
  const saved = envValue(sidecar, 'ISTIO_PROMETHEUS_ANNOTATIONS');
  if (!saved) return;
  try {
    const p = mapOf(JSON.parse(saved));
    for (const k of ['scrape', 'path', 'port']) if (typeof p[k] === 'string') annos[`prometheus.io/${k}`] = p[k];
  } catch { /* not ours: leave the annotations cleared */ }
}

/** Removes the sidecar described by the pod's status annotation (Istio >= 1.0) or a 0.x sidecar. Mutates meta/spec. */
function stripSidecar(meta: Json, spec: Json, statusPort: string): void {
  const annos = mapOf(meta.annotations);
  let status: Json;
  try { status = mapOf(JSON.parse(str(annos[STATUS_ANNOTATION]))); } catch { status = {}; }
  const legacy = !str(annos[STATUS_ANNOTATION]).trim().startsWith('{');
  const lists = legacy ? LEGACY : { containers: namesOf(status.containers), initContainers: namesOf(status.initContainers), volumes: namesOf(status.volumes) };
  const sidecar = findSidecar({ spec });
  const probers = envValue(sidecar, 'ISTIO_KUBE_APP_PROBERS');
  const removed = [...lists.containers, ...lists.initContainers];
  setList(spec, 'containers', without(spec.containers, removed), true);
  setList(spec, 'initContainers', without(spec.initContainers, removed), false);
  setList(spec, 'volumes', without(spec.volumes, lists.volumes), false);
  if (!legacy) setList(spec, 'imagePullSecrets', without(spec.imagePullSecrets, namesOf(status.imagePullSecrets)), false);
  if (probers) {
    try { restoreProbes(spec, mapOf(JSON.parse(probers))); } catch { /* leave the probes as they are */ }
  }
  restorePrometheus(annos, sidecar, statusPort);
  delete annos[STATUS_ANNOTATION];
  if (!legacy) delete annos['proxy.istio.io/overrides'];
  for (const k of Object.keys(annos)) if (k.startsWith('pod.beta.kubernetes.io/init-containers') && String(annos[k]).includes('istio')) delete annos[k];
  meta.annotations = annos;
}

function templateOf(obj: Json): { meta: Json; spec: Json; holder: Json } | null {
  const path = podTemplatePath(obj);
  if (!path) return null;
  let cur: Json = obj;
  for (const k of path) {
    if (!isMap(cur[k])) return null;
    cur = cur[k] as Json;
  }
  if (!isMap(cur.spec)) return null;
  if (!isMap(cur.metadata)) cur.metadata = {};
  return { meta: cur.metadata as Json, spec: cur.spec, holder: cur };
}

/** Drops empty annotations/labels maps that stripping left behind (when the source had none before injection). */
function tidy(meta: Json): void {
  for (const k of ['annotations', 'labels']) if (isMap(meta[k]) && Object.keys(meta[k]).length === 0) delete meta[k];
}

/**
 * The workload without its injected sidecar, or an error message. Metadata the injection template writes is removed
 * where the current template would write the same value (so settings the user chose stay).
 */
export function uninjectObject(input: Json, cfg: InjectionConfig): Json | string {
  const obj = deepClone(input);
  const t = templateOf(obj);
  if (!t) return 'not a workload with a pod template';
  if (injectionState(t.meta, t.spec) === 'none') return 'no injected sidecar found';
  const statusPort = String(mapOf(cfg.mesh.defaultConfig).statusPort ?? 15020);
  stripSidecar(t.meta, t.spec, statusPort);
  const top = mapOf(obj.metadata);
  if (isMap(top.annotations) && typeof top.annotations[STATUS_ANNOTATION] === 'string') {
    delete top.annotations[STATUS_ANNOTATION];
    if (Object.keys(top.annotations).length === 0) delete top.annotations;
  }
  // Which template-written keys to drop: inject the stripped pod without them and compare.
  const annos = mapOf(t.meta.annotations);
  const labels = mapOf(t.meta.labels);
  const candidates = (m: Json) => Object.keys(m).filter((k) => TEMPLATE_KEY.test(k) && !/^prometheus\.io\//.test(k));
  const probe = deepClone(obj);
  const pt = templateOf(probe)!;
  for (const k of candidates(annos)) delete mapOf(pt.meta.annotations)[k];
  for (const k of candidates(labels)) delete mapOf(pt.meta.labels)[k];
  const injected = injectManifest(JSON.stringify(probe), cfg);
  const injObj = injected.objects[0];
  const it = isMap(injObj) ? templateOf(injObj) : null;
  if (it) {
    const ia = mapOf(it.meta.annotations);
    const il = mapOf(it.meta.labels);
    for (const k of candidates(annos)) if (ia[k] === annos[k]) delete annos[k];
    for (const k of candidates(labels)) if (il[k] === labels[k]) delete labels[k];
  }
  tidy(t.meta);
  return obj;
}
