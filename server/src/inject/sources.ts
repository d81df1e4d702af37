// Where the editor's injection configuration comes from: Istio's bundled defaults (offline), files named by settings
// (read exactly like `istio-workbench inject --injectConfigFile/--valuesFile/--meshConfigFile`), or the connected
// cluster's `istio-sidecar-injector[-<rev>]` and `istio[-<rev>]` ConfigMaps (read by the extension). A source that
// fails falls back to the bundled defaults with an error value. Pure: the caller passes the file reader.
import * as path from 'node:path';
import type { Result } from '../core/types';
import { configFromFlags } from './cli';
import { bundledConfig, type InjectionConfig } from './config';
import { injectorConfigMapName, meshConfigMapName, type ClusterInjectionData } from './clusterData';
import { isMap } from './template/values';

export { injectorConfigMapName, meshConfigMapName, type ClusterInjectionData };

export type InjectionSourceKind = 'bundled' | 'files' | 'cluster';

/** The `istioWorkbench.injection.*` settings the server reads. */
export interface InjectionSourceSettings {
  source: InjectionSourceKind;
  /** Paths relative to the workspace folder (or absolute); '' when unset. */
  injectConfigFile: string;
  valuesFile: string;
  meshConfigFile: string;
  /** Injector revision (istio.io/rev): the `-<rev>` ConfigMaps of the cluster and `.Revision` of the templates. */
  revision: string;
}

export const DEFAULT_INJECTION_SOURCE: InjectionSourceSettings = { source: 'bundled', injectConfigFile: '', valuesFile: '', meshConfigFile: '', revision: '' };

const KINDS: readonly InjectionSourceKind[] = ['bundled', 'files', 'cluster'];

/** Reads `injection.*` from the `istioWorkbench` settings section; anything malformed reads as the default. */
export function toInjectionSourceSettings(section: unknown): InjectionSourceSettings {
  const inj = isMap(section) && isMap(section.injection) ? section.injection : {};
  const s = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const source = KINDS.find((k) => k === s(inj.source)) ?? 'bundled';
  const revision = s(inj.revision);
  return {
    source,
    injectConfigFile: s(inj.injectConfigFile),
    valuesFile: s(inj.valuesFile),
    meshConfigFile: s(inj.meshConfigFile),
    revision: revision === 'default' ? '' : revision,
  };
}

export interface SelectedInjectionConfig {
  config: InjectionConfig;
  /** The source in effect (bundled after a fallback). */
  kind: InjectionSourceKind;
  /** One line for logs and hovers: where the configuration came from. */
  description: string;
  /** Why the requested source could not be used (the bundled defaults are in effect). */
  error?: string;
  /** True while source "cluster" waits for the extension to read the ConfigMaps (the bundled defaults meanwhile). */
  pending?: boolean;
  /** Non-fatal remarks (a ConfigMap key missing, so a default is used). */
  notes: string[];
  /** Absolute paths of the files the configuration was read from (to watch for changes). */
  files: string[];
}

export interface SelectOptions {
  /** Workspace folder path the settings' relative paths resolve against. */
  folder?: string;
  /** Reads a file by absolute path. */
  read: (file: string) => Result<string>;
  /** The cluster's ConfigMaps, for source "cluster" (undefined: not read yet). */
  cluster?: ClusterInjectionData;
}

/** Largest configuration file read (the real injector ConfigMap is about 150 KB). */
export const MAX_CONFIG_FILE_BYTES = 8 * 1024 * 1024;

/** Parse errors carry a code frame after their first line: one line is enough for a message. */
function oneLine(error: string): string {
  return error.split('\n')[0].replace(/:\s*$/, '');
}

function bundled(revision: string, error?: string): SelectedInjectionConfig {
  const config = { ...bundledConfig(), revision };
  return { config, kind: 'bundled', description: `bundled defaults (Istio's chart)${revision ? `, revision ${revision}` : ''}`, error, notes: [], files: [] };
}

/** A configuration whose injector config has no templates would inject nothing: say so instead. */
function checkTemplates(cfg: InjectionConfig, what: string): string | undefined {
  return Object.keys(cfg.injector.rawTemplates).length === 0
    ? `${what} has no injection templates (expected the istio-sidecar-injector ConfigMap or its data.config)`
    : undefined;
}

/** Picks and loads the injection configuration the settings ask for. Never throws: failures fall back to bundled. */
export function selectInjectionConfig(settings: InjectionSourceSettings, opts: SelectOptions): SelectedInjectionConfig {
  try {
    if (settings.source === 'files') return fromFiles(settings, opts);
    if (settings.source === 'cluster') return fromCluster(settings, opts.cluster);
    return bundled(settings.revision);
  } catch (e) {
    return bundled(settings.revision, `cannot load the injection configuration: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function fromFiles(settings: InjectionSourceSettings, opts: SelectOptions): SelectedInjectionConfig {
  const abs = (f: string): string | undefined => (f ? (path.isAbsolute(f) || !opts.folder ? f : path.join(opts.folder, f)) : undefined);
  const flags = { injectConfigFile: abs(settings.injectConfigFile), valuesFile: abs(settings.valuesFile), meshConfigFile: abs(settings.meshConfigFile) };
  const files = [flags.injectConfigFile, flags.valuesFile, flags.meshConfigFile].filter((f): f is string => !!f);
  const fallback = (error: string) => ({ ...bundled(settings.revision, `istioWorkbench.injection.source is "files": ${oneLine(error)}; using the bundled defaults`), files });
  if (!files.length) return fallback('set istioWorkbench.injection.injectConfigFile, valuesFile or meshConfigFile');
  if (!files.every((f) => path.isAbsolute(f))) return fallback('relative paths need a workspace folder');
  const r = configFromFlags({ ...flags, revision: settings.revision || undefined }, opts.read);
  if (!r.ok) return fallback(r.error);
  const bad = flags.injectConfigFile ? checkTemplates(r.value, flags.injectConfigFile) : undefined;
  if (bad) return fallback(bad);
  const names = files.map((f) => (opts.folder && !path.relative(opts.folder, f).startsWith('..') ? path.relative(opts.folder, f) : f));
  return { config: r.value, kind: 'files', description: `files ${names.join(', ')} over the bundled defaults${settings.revision ? `, revision ${settings.revision}` : ''}`, notes: [], files };
}

function fromCluster(settings: InjectionSourceSettings, data: ClusterInjectionData | undefined): SelectedInjectionConfig {
  const fallback = (error: string) => bundled(settings.revision, `istioWorkbench.injection.source is "cluster": ${oneLine(error)}; using the bundled defaults`);
  if (!data || data.revision !== settings.revision) {
    return { ...bundled(settings.revision), pending: true, description: 'bundled defaults (Istio\'s chart) until the cluster\'s ConfigMaps are read' };
  }
  if (data.error) return fallback(data.error);
  const injector = `ConfigMap ${data.namespace}/${injectorConfigMapName(data.revision)}`;
  const mesh = `ConfigMap ${data.namespace}/${meshConfigMapName(data.revision)}`;
  if (data.config === undefined) return fallback(`${injector} has no data.config`);
  const texts = new Map<string, string>([[`${injector} data.config`, data.config]]);
  if (data.values !== undefined) texts.set(`${injector} data.values`, data.values);
  if (data.mesh !== undefined) texts.set(`${mesh} data.mesh`, data.mesh);
  const read = (name: string): Result<string> => {
    const t = texts.get(name);
    return t === undefined ? { ok: false, error: `${name} is missing` } : { ok: true, value: t };
  };
  const r = configFromFlags({
    injectConfigFile: `${injector} data.config`,
    valuesFile: data.values !== undefined ? `${injector} data.values` : undefined,
    // Without the mesh ConfigMap istiod runs on MeshConfig's code defaults.
    meshConfigFile: `${mesh} data.mesh`,
    revision: data.revision || undefined,
  }, (name) => (name === `${mesh} data.mesh` && data.mesh === undefined ? { ok: true, value: '{}' } : read(name)));
  if (!r.ok) return fallback(r.error);
  const bad = checkTemplates(r.value, injector);
  if (bad) return fallback(bad);
  const notes = [data.values === undefined ? `${injector} has no data.values (bundled values used)` : '', data.mesh === undefined ? `no ${mesh} (MeshConfig defaults used)` : ''].filter(Boolean);
  return {
    config: r.value,
    kind: 'cluster',
    description: `cluster context ${data.context}: ${injector}${data.mesh !== undefined ? ` and ${mesh}` : ''}`,
    notes,
    files: [],
  };
}
