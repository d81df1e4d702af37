// Injection configuration: injector config (templates, policy, selectors), values and mesh config. Pure.
import { parse as parseYamlText } from 'yaml';
import type { Result } from '../core/types';
import { CHART_TEMPLATES, INJECTOR_CONFIGMAP_YAML, MESH_CONFIGMAP_YAML, MESH_DEFAULTS_JSON } from './bundled.gen';
import { injectionFuncs } from './funcs';
import { GoTemplate } from './template';
import { isMap } from './template/values';

export type Json = Record<string, unknown>;

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface InjectorConfig {
  policy: string;
  defaultTemplates: string[];
  rawTemplates: Record<string, string>;
  aliases: Record<string, string[]>;
  neverInjectSelector: LabelSelector[];
  alwaysInjectSelector: LabelSelector[];
  injectedAnnotations: Record<string, string>;
}

export interface InjectionConfig {
  injector: InjectorConfig;
  /** The `values` the templates see as .Values (JSON-like). */
  values: Json;
  /** MeshConfig in protobuf JSON names, merged over the code defaults. */
  mesh: Json;
  /** istio.io/rev of the injector ('' means default). */
  revision: string;
  /** istiod environment (feature flags such as ENABLE_NATIVE_SIDECARS, PLATFORM, COMPLIANCE_POLICY). */
  env: Record<string, string>;
  /** Kubelet versions of the cluster's nodes, for ENABLE_NATIVE_SIDECARS=auto. Empty: assume all are recent. */
  kubeletVersions: string[];
}

const yamlOptions = { version: '1.1', maxAliasCount: 100, uniqueKeys: false } as const;

function parseYamlDoc(text: string, what: string): Result<unknown> {
  try {
    return { ok: true, value: parseYamlText(text, yamlOptions) as unknown };
  } catch (e) {
    return { ok: false, error: `failed to parse ${what}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** When given a whole ConfigMap, returns its data[key]; otherwise the text itself. */
function configMapData(text: string, key: string): string {
  const r = parseYamlDoc(text, key);
  if (r.ok && isMap(r.value) && r.value.kind === 'ConfigMap' && isMap(r.value.data) && typeof r.value.data[key] === 'string') {
    return r.value.data[key];
  }
  return text;
}

export function parseInjectorConfig(text: string): Result<InjectorConfig> {
  const r = parseYamlDoc(configMapData(text, 'config'), 'injection config');
  if (!r.ok) return r;
  const c = isMap(r.value) ? r.value : {};
  const templates: Record<string, string> = {};
  if (isMap(c.templates)) for (const [k, v] of Object.entries(c.templates)) templates[k] = typeof v === 'string' ? v : '';
  const defaults = Array.isArray(c.defaultTemplates) && c.defaultTemplates.length ? c.defaultTemplates.map(String) : ['sidecar'];
  const aliases: Record<string, string[]> = {};
  if (isMap(c.aliases)) for (const [k, v] of Object.entries(c.aliases)) aliases[k] = Array.isArray(v) ? v.map(String) : [];
  const annotations: Record<string, string> = {};
  if (isMap(c.injectedAnnotations)) for (const [k, v] of Object.entries(c.injectedAnnotations)) annotations[k] = String(v);
  return {
    ok: true,
    value: {
      policy: typeof c.policy === 'string' ? c.policy : '',
      defaultTemplates: defaults,
      rawTemplates: templates,
      aliases,
      neverInjectSelector: Array.isArray(c.neverInjectSelector) ? (c.neverInjectSelector as LabelSelector[]) : [],
      alwaysInjectSelector: Array.isArray(c.alwaysInjectSelector) ? (c.alwaysInjectSelector as LabelSelector[]) : [],
      injectedAnnotations: annotations,
    },
  };
}

export function parseValues(text: string): Result<Json> {
  const r = parseYamlDoc(configMapData(text, 'values'), 'values');
  if (!r.ok) return r;
  return { ok: true, value: isMap(r.value) ? r.value : {} };
}

/** Proto merge of a MeshConfig over another: messages merge field by field, lists and scalars replace. */
export function mergeProto(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null || v === undefined) continue;
    out[k] = isMap(v) && isMap(out[k]) && !STRING_MAP_FIELDS.has(k) ? mergeProto(out[k] as Json, v) : v;
  }
  return out;
}
const STRING_MAP_FIELDS = new Set(['proxyMetadata']);

export function meshDefaults(): Json {
  const d = JSON.parse(MESH_DEFAULTS_JSON) as Json;
  delete d._comment;
  return d;
}

export function parseMeshConfig(text: string): Result<Json> {
  const r = parseYamlDoc(configMapData(text, 'mesh'), 'mesh config');
  if (!r.ok) return r;
  return { ok: true, value: mergeProto(meshDefaults(), isMap(r.value) ? r.value : {}) };
}

/** The injection configuration Istio's own chart renders by default (bundled for offline use). */
export function bundledConfig(): InjectionConfig {
  const injector = parseInjectorConfig(INJECTOR_CONFIGMAP_YAML);
  const values = parseValues(configMapData(INJECTOR_CONFIGMAP_YAML, 'values'));
  const mesh = parseMeshConfig(MESH_CONFIGMAP_YAML);
  if (!injector.ok || !values.ok || !mesh.ok) throw new Error('bundled injection configuration is invalid');
  // The chart's current template files replace the (older) templates of the golden render.
  injector.value.rawTemplates = { ...injector.value.rawTemplates, ...CHART_TEMPLATES };
  return { injector: injector.value, values: values.value, mesh: mesh.value, revision: '', env: {}, kubeletVersions: [] };
}

/** Parsed templates, cached per raw text (parsing the sidecar template is the expensive part). */
const parsedCache = new Map<string, Result<GoTemplate>>();

export function parseInjectionTemplate(name: string, text: string, env: Record<string, string>): Result<GoTemplate> {
  const key = `${JSON.stringify(env)}\0${text}`;
  let r = parsedCache.get(key);
  if (!r) {
    r = GoTemplate.parse('inject', text, injectionFuncs(env));
    if (parsedCache.size > 64) parsedCache.clear();
    parsedCache.set(key, r);
  }
  void name;
  return r;
}
