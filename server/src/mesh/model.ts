// The mesh model: one Kubernetes/Istio resource of a YAML file, as the mesh analyzers see it. Pure.
import type { Document } from 'yaml';
import type { ResourceRef } from '../core/types';
import type { ParsedFile } from '../yaml/parse';

/** A plain JSON-like object read from YAML. */
export type Obj = Record<string, unknown>;

export interface MeshResource {
  /** "group/Kind" ("core/Service", "networking.istio.io/VirtualService"): kinds of different groups never mix. */
  gk: string;
  kind: string;
  apiVersion: string;
  /** Effective namespace (the YAML's, else the index's default for namespaced kinds, else ''). */
  namespace: string;
  name: string;
  /** Whether the YAML gave metadata.namespace (decides Istio's friendly name). */
  namespaceGiven: boolean;
  /** The document as plain data (never null: an empty object when it is not a mapping). */
  obj: Obj;
  uri: string;
  file: ParsedFile;
  doc: Document.Parsed;
  docIndex: number;
  /** Path of the resource inside the document ([] normally, ['items', i] for an item of a List). */
  base: (string | number)[];
  /** Cluster id in multi-cluster analysis; undefined otherwise. */
  cluster?: string;
  /** True for resources of the assumed-cluster baseline. */
  assumed?: boolean;
  /** True for a Pod inferred from a workload's pod template. */
  derived?: boolean;
}

export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? 'core' : apiVersion.slice(0, i);
}

/** Istio's Origin.FriendlyName(): "<Kind> <namespace>/<name>", or "<Kind> <name>" when the YAML gave no namespace. */
export function friendlyName(r: { kind: string | null; namespace: string | null; name: string | null }): string {
  return r.namespace ? `${r.kind ?? ''} ${r.namespace}/${r.name ?? ''}` : `${r.kind ?? ''} ${r.name ?? ''}`;
}

export function friendlyOf(r: MeshResource): string {
  return friendlyName({ kind: r.kind, namespace: r.namespaceGiven ? r.namespace : null, name: r.name });
}

export function refOf(r: MeshResource): ResourceRef {
  return { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespaceGiven ? r.namespace : null, name: r.name };
}

/** The last segment of a file's uri or path ("destination-rule-all.yaml"), for messages naming a file. */
export function fileName(uri: string): string {
  const last = uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf('\\')) + 1) || uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** resource.FullName.String(): "namespace/name" (Istio prints "/name" for an empty namespace). */
export function fullName(r: MeshResource): string {
  return `${r.namespace}/${r.name}`;
}

// Safe accessors over untyped YAML data.
export function obj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) out[k] = str(x);
  return out;
}
/** strMap(v)[key] without building the map: the string of v's own enumerable `key`, else undefined. */
export function strAt(v: unknown, key: string): string | undefined {
  const o = obj(v);
  return key !== '__proto__' && Object.prototype.propertyIsEnumerable.call(o, key) ? str(o[key]) : undefined;
}
export function spec(r: MeshResource): Obj {
  return obj(r.obj.spec);
}
const LABELS = new WeakMap<Obj, Readonly<Record<string, string>>>();

/** metadata.labels (read once per resource: selectors query them over and over). */
export function labels(r: MeshResource): Readonly<Record<string, string>> {
  let l = LABELS.get(r.obj);
  if (!l) LABELS.set(r.obj, (l = Object.freeze(strMap(obj(r.obj.metadata).labels))));
  return l;
}
const SELECTORS = new WeakMap<Obj, Readonly<Record<string, string>>>();

/**
 * spec.selector as labels (a Service's or Gateway's pod selector), read once per resource: several analyzers match it
 * against every workload of a namespace, on every run.
 */
export function specSelector(r: MeshResource): Readonly<Record<string, string>> {
  let s = SELECTORS.get(r.obj);
  if (!s) SELECTORS.set(r.obj, (s = Object.freeze(strMap(obj(r.obj.spec).selector))));
  return s;
}
export function annotations(r: MeshResource): Record<string, string> {
  return strMap(obj(r.obj.metadata).annotations);
}

/** Kubernetes label selector match (matchLabels only, as Istio's analyzers use). An empty selector matches everything. */
export function selectorMatches(selector: Readonly<Record<string, string>>, lbls: Readonly<Record<string, string>>): boolean {
  for (const k in selector) if (lbls[k] !== selector[k]) return false;
  return true;
}
