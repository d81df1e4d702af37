// Sidecar injection of one pod (pkg/kube/inject: injectRequired, RunTemplate, reapplyOverwrittenContainers,
// postProcessPod). Pure: takes JSON-like objects, returns the injected pod or an error value.
import type { Result } from '../core/types';
import { mergeProto, parseInjectionTemplate, type InjectionConfig, type Json, type LabelSelector } from './config';
import { templateData } from './data';
import { parse as parseYamlText } from 'yaml';
import { goStructJson } from './k8sjson';
import { deepClone, normalizePod, strategicMerge } from './merge';
import {
  IGNORED_NAMESPACES, INIT, OVERRIDES_ANNOTATION, PROXY, STATUS_ANNOTATION, VALIDATION, clearPrometheusAnnotations, containersOf,
  findContainer, findSidecar, mapOf, modifyContainers, promAnnotation, statusPortOf, str,
} from './pod';
import { readRenderedYaml } from './fastYaml';
import { postProcess } from './postprocess';
import { isMap } from './template/values';
import { validateAnnotations } from './validate';

export { IGNORED_NAMESPACES, PROXY };


export interface PodInput {
  metadata: Json;
  spec: Json;
  typeMeta: { kind: string; apiVersion: string };
  deployMeta: { name: string; namespace: string };
  namespace: string;
}



// ---- policy ----

function selectorMatches(sel: LabelSelector, labels: Json): boolean {
  const ml = mapOf(sel.matchLabels);
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  if (Object.keys(ml).length === 0 && exprs.length === 0) return false; // empty selector: never matches here
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(str(labels[e.key])))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(str(labels[e.key]))) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** injectRequired: host network, ignored namespaces, the inject label/annotation, selectors and policy. */
export function injectRequired(policy: string, never: LabelSelector[], always: LabelSelector[], spec: Json, meta: Json): boolean {
  if (spec.hostNetwork === true) return false;
  if (IGNORED_NAMESPACES.includes(str(meta.namespace))) return false;
  const annos = mapOf(meta.annotations);
  const labels = mapOf(meta.labels);
  let selector = str(annos['sidecar.istio.io/inject']);
  if (Object.prototype.hasOwnProperty.call(labels, 'sidecar.istio.io/inject')) selector = str(labels['sidecar.istio.io/inject']);
  let inject = false;
  let useDefault = false;
  const s = selector.toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(s)) inject = true;
  else if (s === '') useDefault = true;
  if (useDefault && never.some((sel) => selectorMatches(sel, labels))) { inject = false; useDefault = false; }
  if (useDefault && always.some((sel) => selectorMatches(sel, labels))) { inject = true; useDefault = false; }
  if (policy === 'disabled') return useDefault ? false : inject;
  if (policy === 'enabled') return useDefault ? true : inject;
  return false;
}

// ---- stripping a previous injection ----

function stripPod(pod: Json, mesh: Json): Json {
  const meta = mapOf(pod.metadata);
  const status = str(mapOf(meta.annotations)[STATUS_ANNOTATION]);
  if (!status) return pod;
  let prev: Json;
  try { prev = mapOf(JSON.parse(status)); } catch { return pod; }
  const out = deepClone(pod);
  const spec = mapOf(out.spec);
  for (const c of Array.isArray(prev.containers) ? prev.containers : []) spec.containers = modifyContainers(containersOf(spec, 'containers'), str(c), 'remove');
  for (const c of Array.isArray(prev.initContainers) ? prev.initContainers : []) spec.initContainers = modifyContainers(containersOf(spec, 'initContainers'), str(c), 'remove');
  const annos = mapOf(mapOf(out.metadata).annotations);
  const port = promAnnotation(annos, 'port');
  if (port !== undefined && port === String(statusPortOf(mesh))) clearPrometheusAnnotations(annos);
  delete annos[STATUS_ANNOTATION];
  return out;
}

function reinsertOverrides(pod: Json): Result<Json> {
  const raw = mapOf(mapOf(pod.metadata).annotations)[OVERRIDES_ANNOTATION];
  if (typeof raw !== 'string') return { ok: true, value: pod };
  let o: Json;
  try { o = mapOf(JSON.parse(raw)); } catch (e) { return { ok: false, error: e instanceof Error ? e.message : String(e) }; }
  const out = deepClone(pod);
  const spec = mapOf(out.spec);
  for (const key of ['containers', 'initContainers'] as const) {
    for (const c of Array.isArray(o[key]) ? (o[key] as Json[]) : []) {
      if (!findContainer(str(c.name), containersOf(spec, key))) spec[key] = [...containersOf(spec, key), c];
    }
  }
  return { ok: true, value: out };
}

// ---- template rendering ----

function imageURL(values: Json, proxyConfig: Json, annos: Json, which: 'proxy' | 'proxy_init' = 'proxy'): string {
  const global = mapOf(values.global);
  const proxy = mapOf(global[which]);
  const tag = global.tag === undefined || global.tag === null ? '' : String(global.tag);
  let imageType = str(mapOf(proxyConfig.image).imageType);
  const name = str(proxy.image) || 'proxyv2';
  if (name.includes('/')) return name;
  if (typeof annos['sidecar.istio.io/proxyImageType'] === 'string') imageType = annos['sidecar.istio.io/proxyImageType'];
  let t = tag;
  if (imageType) {
    for (const k of ['distroless', 'debug']) if (t.endsWith(`-${k}`)) { t = t.slice(0, -(k.length + 1)); break; }
    if (imageType !== 'default') t = `${t}-${imageType}`;
  }
  return `${str(global.hub)}/${name}:${t}`;
}

/** Whether istio-proxy becomes a native sidecar (ENABLE_NATIVE_SIDECARS; auto: every node's kubelet >= 1.33). */
export function nativeSidecarsEnabled(cfg: InjectionConfig): boolean {
  const v = (cfg.env.ENABLE_NATIVE_SIDECARS ?? 'auto').toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return cfg.kubeletVersions.every((k) => {
    const m = /^v?(\d+)\.(\d+)/.exec(k);
    return !m || Number(m[1]) > 1 || Number(m[2]) >= 33;
  });
}

const protoDefaults: Json = { configPath: './etc/istio/proxy', binaryPath: '/usr/local/bin/envoy', serviceCluster: 'istio-proxy', drainDuration: '45s', terminationDrainDuration: '5s', discoveryAddress: 'istiod.istio-system.svc:15012', proxyAdminPort: 15000, statNameLength: 189, statusPort: 15020, controlPlaneAuthPolicy: 'MUTUAL_TLS' };

/** protoToJSON(cleanProxyConfig(pc)): default-valued fields dropped, compact JSON. */
function proxyConfigJson(pc: Json): string {
  const out: Json = {};
  for (const [k, v] of Object.entries(pc)) {
    if (v === null || v === undefined) continue;
    if (k in protoDefaults && JSON.stringify(protoDefaults[k]) === JSON.stringify(v)) continue;
    if (k === 'proxyMetadata' && isMap(v) && Object.keys(v).length === 0) continue;
    if (k === 'interceptionMode' && v === 'REDIRECT') continue;
    out[k] = v;
  }
  return JSON.stringify(out);
}

function renderTemplates(pod: Json, input: PodInput, cfg: InjectionConfig, mesh: Json): Result<{ merged: Json; templatePod: Json }> {
  const annos = mapOf(mapOf(pod.metadata).annotations);
  const invalid = validateAnnotations(annos);
  if (invalid) return { ok: false, error: invalid };
  const stripped = reinsertOverrides(stripPod(pod, mesh));
  if (!stripped.ok) return stripped;
  const sp = stripped.value;
  const proxyConfig = mapOf(mesh.defaultConfig);
  const inbound = str(mapOf(mesh.inboundTrafficPolicy).mode) === 'LOCALHOST' ? 'localhost' : 'passthrough';
  const data = templateData({
    typeMeta: input.typeMeta,
    deployMeta: input.deployMeta,
    podMeta: mapOf(sp.metadata),
    podSpec: mapOf(sp.spec),
    proxyConfig,
    proxyConfigJson: () => proxyConfigJson(proxyConfig),
    meshConfig: mesh,
    values: cfg.values,
    revision: cfg.revision,
    proxyImage: imageURL(cfg.values, proxyConfig, mapOf(mapOf(sp.metadata).annotations)),
    proxyInitImage: imageURL(cfg.values, proxyConfig, mapOf(mapOf(sp.metadata).annotations), 'proxy_init'),
    proxyUID: 1337,
    proxyGID: 1337,
    inboundTrafficPolicyMode: inbound,
    nativeSidecars: nativeSidecarsEnabled(cfg),
    compliancePolicy: cfg.env.COMPLIANCE_POLICY ?? '',
  });
  let merged = pod;
  let templatePod: Json = {};
  const selected = selectTemplates(annos, cfg);
  for (const name of selected) {
    const raw = cfg.injector.rawTemplates[name];
    if (raw === undefined) {
      return { ok: false, error: `requested template "${name}" not found; have ${Object.keys(cfg.injector.rawTemplates).join(', ')}` };
    }
    const t = parseInjectionTemplate(name, raw, cfg.env);
    if (!t.ok) return t;
    const out = t.value.execute(data);
    if (!out.ok) return out;
    const overlay = parseRendered(out.value);
    if (!overlay.ok) return { ok: false, error: `failed parsing generated injected YAML (check Istio sidecar injector configuration): ${overlay.error}` };
    const ov = normalizePod(mapOf(overlay.value));
    templatePod = normalizePod(strategicMerge(templatePod, ov) as Json);
    if (nativeSidecarsEnabled(cfg) && findContainer(PROXY, containersOf(mapOf(templatePod.spec), 'initContainers')) && findContainer(PROXY, containersOf(mapOf(merged.spec), 'containers'))) {
      merged = deepClone(merged);
      const spec = mapOf(merged.spec);
      const c = findContainer(PROXY, containersOf(spec, 'containers'))!;
      spec.containers = modifyContainers(containersOf(spec, 'containers'), PROXY, 'remove');
      spec.initContainers = [...containersOf(spec, 'initContainers'), c];
    }
    merged = normalizePod(strategicMerge(merged, ov) as Json);
  }
  return { ok: true, value: { merged, templatePod } };
}

/** Parsed template outputs by text: re-previewing an unchanged workload skips the YAML parse (the costly step). */
const renderedCache = new Map<string, unknown>();

function parseRendered(text: string): Result<unknown> {
  if (renderedCache.has(text)) return { ok: true, value: renderedCache.get(text) };
  try {
    let v: unknown;
    try {
      v = readRenderedYaml(text);
    } catch {
      // Outside the fast reader's subset: the full parser decides (and reports errors).
      v = parseYamlText(text, { version: '1.1', maxAliasCount: 100, uniqueKeys: false }) as unknown;
    }
    if (renderedCache.size >= 32) renderedCache.delete(renderedCache.keys().next().value as string);
    renderedCache.set(text, v);
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function selectTemplates(annos: Json, cfg: InjectionConfig): string[] {
  const a = annos['inject.istio.io/templates'];
  const names = typeof a === 'string' ? a.split(',').map((s) => s.trim()) : cfg.injector.defaultTemplates;
  return names.flatMap((n) => cfg.injector.aliases[n] ?? [n]);
}

// ---- reapplyOverwrittenContainers ----

function reapplyOverwritten(finalPod: Json, original: Json, templatePod: Json, proxyConfig: Json): Result<Json> {
  const annos = mapOf(mapOf(original.metadata).annotations);
  let existing: Json = {};
  if (typeof annos[OVERRIDES_ANNOTATION] === 'string') {
    try { existing = mapOf(JSON.parse(annos[OVERRIDES_ANNOTATION] as string)); } catch (e) { return { ok: false, error: String(e) }; }
  }
  let parsedStatus: Json = {};
  const status = annos[STATUS_ANNOTATION];
  const alreadyInjected = typeof status === 'string';
  if (alreadyInjected) { try { parsedStatus = mapOf(JSON.parse(status)); } catch { parsedStatus = {}; } }
  const names = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const overrides: { containers: Json[]; initContainers: Json[] } = { containers: [], initContainers: [] };
  let pod = finalPod;
  const tspec = mapOf(templatePod.spec);
  const ospec = mapOf(original.spec);
  for (const key of ['containers', 'initContainers'] as const) {
    for (const c of containersOf(tspec, key)) {
      if (names(parsedStatus[key]).includes(str(c.name))) continue;
      let match = findContainer(str(c.name), Array.isArray(existing[key]) ? (existing[key] as Json[]) : []);
      if (!match) match = key === 'containers' ? findContainer(str(c.name), containersOf(ospec, 'containers')) : findContainer(str(c.name), containersOf(ospec, 'containers')) ?? findContainer(str(c.name), containersOf(ospec, 'initContainers'));
      if (!match) continue;
      const overlay = deepClone(match);
      if (overlay.image === 'auto') delete overlay.image;
      overrides[key].push(overlay);
      const patch = key === 'containers' ? { spec: { containers: [overlay] } } : { spec: { initContainers: [overlay] } };
      pod = normalizePod(strategicMerge(pod, patch) as Json);
    }
  }
  if (!alreadyInjected && (overrides.containers.length || overrides.initContainers.length)) {
    const meta = mapOf(pod.metadata);
    meta.annotations = { ...mapOf(meta.annotations), [OVERRIDES_ANNOTATION]: goStructJson(Object.fromEntries(Object.entries(overrides).filter(([, v]) => v.length))) };
    pod.metadata = meta;
  }
  adjustInitContainerUser(pod, original, proxyConfig);
  return { ok: true, value: pod };
}

function adjustInitContainerUser(finalPod: Json, original: Json, proxyConfig: Json): void {
  const user = findSidecar(original);
  const sc = user ? mapOf(user.securityContext) : {};
  if (!user || (sc.runAsUser === undefined && sc.runAsGroup === undefined)) return;
  const inits = containersOf(mapOf(finalPod.spec), 'initContainers');
  const init = findContainer(INIT, inits) ?? findContainer(VALIDATION, inits);
  if (!init) return;
  const tproxy = proxyConfig.interceptionMode === 'TPROXY' || mapOf(mapOf(finalPod.metadata).annotations)['sidecar.istio.io/interceptionMode'] === 'TPROXY';
  if (tproxy && sc.runAsUser !== undefined) {
    const side = findSidecar(finalPod);
    if (side) side.securityContext = { ...mapOf(side.securityContext), runAsUser: 0 };
  }
  if (!tproxy && init.name === VALIDATION) {
    const isc = mapOf(init.securityContext);
    if (sc.runAsUser !== undefined) isc.runAsUser = sc.runAsUser;
    if (sc.runAsGroup !== undefined) isc.runAsGroup = sc.runAsGroup;
    init.securityContext = isc;
  }
  if (sc.runAsUser === undefined || sc.runAsUser === 0) return;
  const args = Array.isArray(init.args) ? (init.args as unknown[]) : [];
  const i = args.indexOf('-u');
  if (i >= 0 && i + 1 < args.length) args[i + 1] = String(sc.runAsUser);
}

/** Applies the proxy.istio.io/config annotation (a ProxyConfig in YAML) over the mesh's defaultConfig. */
export function applyProxyConfigAnnotation(mesh: Json, annos: Json): Result<Json> {
  const pca = annos['proxy.istio.io/config'];
  if (typeof pca !== 'string') return { ok: true, value: mesh };
  let pc: unknown;
  try { pc = parseYamlText(pca, { version: '1.1' }) as unknown; } catch (e) { return { ok: false, error: `failed to parse proxy config: ${e instanceof Error ? e.message : String(e)}` }; }
  return { ok: true, value: { ...mesh, defaultConfig: mergeProto(mapOf(mesh.defaultConfig), mapOf(pc)) } };
}

/** injectPod: the injected pod (metadata + spec) for one pod, or Istio's error. */
export function injectPod(input: PodInput, cfg: InjectionConfig, meshIn: Json): Result<Json> {
  const original: Json = normalizePod({ metadata: deepClone(input.metadata), spec: deepClone(input.spec) });
  const mesh = meshIn;
  const proxyEnvs: Record<string, string> = {};
  const global = mapOf(cfg.values.global);
  let cluster = str(mapOf(global.multiCluster).clusterName);
  let network = str(global.network);
  const labels = mapOf(mapOf(original.metadata).labels);
  if (typeof labels['topology.istio.io/network'] === 'string') network = labels['topology.istio.io/network'];
  if (cluster) proxyEnvs.ISTIO_META_CLUSTER_ID = cluster;
  if (network) proxyEnvs.ISTIO_META_NETWORK = network;
  cluster = '';
  const rendered = renderTemplates(original, input, cfg, mesh);
  if (!rendered.ok) return { ok: false, error: `failed to run injection template: ${rendered.error}` };
  const re = reapplyOverwritten(rendered.value.merged, original, rendered.value.templatePod, mapOf(mesh.defaultConfig));
  if (!re.ok) return { ok: false, error: `failed to re apply container: ${re.error}` };
  const pod = re.value;
  postProcess(pod, original, rendered.value.templatePod, cfg, mesh, proxyEnvs);
  void cluster;
  return { ok: true, value: normalizePod(pod) };
}
