// IstioOperator-style overrides of an injection configuration: --set PATH=VALUE, -f IOP overlays, mesh config
// fields. They change what the istio-discovery chart would render into the injector and mesh ConfigMaps. Pure.
import { parse as parseYamlText } from 'yaml';
import type { Result } from '../core/types';
import { mergeProto, type InjectionConfig, type Json } from './config';
import { deepClone } from './merge';
import { isMap } from './template/values';

/** Helm-style deep merge: maps merge, null deletes, everything else replaces. */
export function helmMerge(dst: Json, src: Json, depth = 0): Json {
  if (depth > 100) return dst;
  const out: Json = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = helmMerge(out[k] as Json, v, depth + 1);
    else out[k] = deepClone(v);
  }
  return out;
}

function setPath(root: Json, path: string[], value: unknown): void {
  let cur = root;
  for (const k of path.slice(0, -1)) {
    if (!isMap(cur[k])) cur[k] = {};
    cur = cur[k] as Json;
  }
  cur[path[path.length - 1]] = value;
}

/** istioctl --set value parsing: booleans and integers are typed, everything else stays a string. */
function parseSetValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+$/.test(v) && v.length < 16) return Number(v);
  return v;
}

/** Values the chart derives from others (what the operator and helm templates do for the injector). */
function applyValueAliases(values: Json, path: string[], value: unknown): void {
  if (path[0] === 'cni' && path.length === 2) setPath(values, ['pilot', 'cni', path[1]], value);
}

/** Applies one IstioOperator-style `--set PATH=VALUE`. */
export function applySet(cfg: InjectionConfig, flag: string): Result<InjectionConfig> {
  const eq = flag.indexOf('=');
  if (eq <= 0) return { ok: false, error: `--set needs PATH=VALUE, not "${flag}"` };
  const path = flag.slice(0, eq).split('.');
  const value = parseSetValue(flag.slice(eq + 1));
  const next: InjectionConfig = { ...cfg, values: deepClone(cfg.values), mesh: deepClone(cfg.mesh) };
  if (path[0] === 'values' && path.length > 1) {
    setPath(next.values, path.slice(1), value);
    applyValueAliases(next.values, path.slice(1), value);
  } else if (path[0] === 'meshConfig' && path.length > 1) setPath(next.mesh, path.slice(1), value);
  else if (path.join('.') === 'components.cni.enabled') {
    setPath(next.values, ['pilot', 'cni', 'enabled'], value);
    setPath(next.values, ['istio_cni', 'enabled'], value);
  } else if (path[0] === 'revision' && path.length === 1) next.revision = String(value);
  else if (path[0] === 'hub' || path[0] === 'tag') setPath(next.values, ['global', path[0]], value);
  else return { ok: false, error: `unsupported --set path "${path.join('.')}" (use values.*, meshConfig.*, components.cni.enabled, hub, tag, revision)` };
  return { ok: true, value: withChartTemplates(next) };
}

/** Applies an IstioOperator overlay (spec.values, spec.meshConfig, spec.components.cni, spec.hub/tag/revision). */
export function applyIop(cfg: InjectionConfig, text: string): Result<InjectionConfig> {
  let doc: unknown;
  try { doc = parseYamlText(text, { version: '1.1', maxAliasCount: 100 }) as unknown; } catch (e) {
    return { ok: false, error: `failed to parse IstioOperator: ${e instanceof Error ? e.message : String(e)}` };
  }
  const spec = isMap(doc) && isMap(doc.spec) ? doc.spec : {};
  let next: InjectionConfig = { ...cfg, values: deepClone(cfg.values), mesh: deepClone(cfg.mesh) };
  if (isMap(spec.values)) {
    next.values = helmMerge(next.values, spec.values);
    if (isMap(spec.values.cni)) for (const [k, v] of Object.entries(spec.values.cni)) applyValueAliases(next.values, ['cni', k], v);
  }
  if (isMap(spec.meshConfig)) next.mesh = mergeProto(next.mesh, spec.meshConfig);
  const cni = isMap(spec.components) && isMap(spec.components.cni) ? spec.components.cni : null;
  if (cni && typeof cni.enabled === 'boolean') {
    setPath(next.values, ['pilot', 'cni', 'enabled'], cni.enabled);
    setPath(next.values, ['istio_cni', 'enabled'], cni.enabled);
  }
  for (const k of ['hub', 'tag'] as const) if (typeof spec[k] === 'string') setPath(next.values, ['global', k], spec[k]);
  if (typeof spec.revision === 'string') next = { ...next, revision: spec.revision };
  return { ok: true, value: withChartTemplates(next) };
}

/** Mesh config fields (protobuf JSON names); a key ending in `__append` appends to a list. */
export function applyMeshOverride(cfg: InjectionConfig, override: Json): InjectionConfig {
  const mesh = deepClone(cfg.mesh);
  for (const [k, v] of Object.entries(override)) {
    if (k.endsWith('__append')) {
      const key = k.slice(0, -'__append'.length);
      mesh[key] = [...(Array.isArray(mesh[key]) ? mesh[key] : []), ...(Array.isArray(v) ? v : [v])];
    } else if (isMap(v) && isMap(mesh[k])) mesh[k] = replaceMessages(mesh[k] as Json, v);
    else mesh[k] = v;
  }
  return { ...cfg, mesh };
}

/** Setting a message field replaces that message (tracing: {} clears the default tracer). */
function replaceMessages(base: Json, over: Json): Json {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = v;
  return out;
}

/** sidecarInjectorWebhook.templates / defaultTemplates in values become injector templates, as the chart does. */
function withChartTemplates(cfg: InjectionConfig): InjectionConfig {
  const sw = isMap(cfg.values.sidecarInjectorWebhook) ? cfg.values.sidecarInjectorWebhook : {};
  const extra = isMap(sw.templates) ? sw.templates : {};
  const rawTemplates = { ...cfg.injector.rawTemplates };
  for (const [k, v] of Object.entries(extra)) if (typeof v === 'string') rawTemplates[k] = v;
  const defaults = Array.isArray(sw.defaultTemplates) && sw.defaultTemplates.length ? sw.defaultTemplates.map(String) : cfg.injector.defaultTemplates;
  return { ...cfg, injector: { ...cfg.injector, rawTemplates, defaultTemplates: defaults } };
}
