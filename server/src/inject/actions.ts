// The editor's sidecar-injection operations on one document of a YAML file: which apply, and their minimal text
// edits (enable injection, inject inline, remove, re-inject), plus the whole-file preview. Pure: text and offsets
// in, OffsetEdits out; other documents and every comment outside the edited nodes stay byte-identical.
import { isMap as isYamlMap, isPair, isScalar, type Node, type YAMLMap } from 'yaml';
import { contentEnd, lineStart, pairOf, type OffsetEdit } from '../deprecation/yamlEdit';
import type { ParsedDocument, ParsedFile } from '../yaml/parse';
import type { InjectionConfig, Json } from './config';
import { emitYaml } from './emit';
import { injectManifest, injectionState, type InjectionState } from './index';
import { isMap } from './template/values';
import { applyEdits, patchDocument } from './textPatch';
import { uninjectObject } from './uninject';
import { isInjectableKind, podTemplatePath } from './workload';

export const INJECT_LABEL = 'sidecar.istio.io/inject';
export const NAMESPACE_LABEL = 'istio-injection';

export type InjectionActionKind = 'enable' | 'enableNamespace' | 'inline' | 'remove' | 'reinject';

export interface InjectionAction {
  kind: InjectionActionKind;
  title: string;
  /** Edits of the file text (offsets into the whole file). */
  edits: OffsetEdit[];
  preferred?: boolean;
}

export interface Workload {
  /** Index of the YAML document in the file. */
  index: number;
  kind: string;
  name: string;
  namespace: string;
  state: InjectionState;
  /** Offsets of the document's content in the file. */
  start: number;
  end: number;
  /** The document as an object (YAML 1.1 like kube-inject), and the keys leading to its pod template. */
  value: Json;
  templatePath: readonly string[];
}


function toObject(pd: ParsedDocument): Json | undefined {
  try {
    const v = pd.doc.toJS({ maxAliasCount: 100 }) as unknown;
    return isMap(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function get(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const k of path) cur = isMap(cur) ? cur[k] : undefined;
  return cur;
}

/** The injectable workload of a document, or undefined. */
export function workloadOf(parsed: ParsedFile, index: number): Workload | undefined {
  const pd = parsed.docs[index];
  if (!pd || pd.doc.errors.length || !pd.resource?.kind) return undefined;
  const value = toObject(pd);
  if (!value || !isInjectableKind(value)) return undefined;
  const templatePath = podTemplatePath(value)!;
  const tmpl = get(value, templatePath);
  const meta = isMap(get(tmpl, ['metadata'])) ? (get(tmpl, ['metadata']) as Json) : {};
  const spec = isMap(get(tmpl, ['spec'])) ? (get(tmpl, ['spec']) as Json) : {};
  const end = pd.doc.contents ? contentEnd(pd.doc.contents) ?? pd.end : pd.end;
  return {
    index, kind: String(value.kind), name: pd.resource.name ?? '', namespace: pd.resource.namespace ?? '',
    state: injectionState(meta, spec), start: pd.start, end: Math.min(end, pd.end), value, templatePath,
  };
}

export function workloadsOf(parsed: ParsedFile): Workload[] {
  return parsed.docs.map((_, i) => workloadOf(parsed, i)).filter((w): w is Workload => !!w);
}

/** The document's text with the characters before its start on the same line blanked (keeps columns). */
function sourceOf(text: string, w: Workload): { source: string; base: number } {
  const base = lineStart(text, w.start);
  return { source: ' '.repeat(w.start - base) + text.slice(w.start, w.end), base };
}

/** Edits turning the workload's document into `after` (minimal where possible, else the whole document replaced). */
export function documentEdits(text: string, w: Workload, after: Json): OffsetEdit[] {
  const { source, base } = sourceOf(text, w);
  const edits = patchDocument(source, after);
  if (edits) return edits.map((e) => ({ start: e.start + base, end: e.end + base, text: e.text }));
  return [{ start: w.start, end: w.end, text: emitYaml(after).replace(/\n$/, '') }];
}

export type Outcome = { ok: true; value: Json } | { ok: false; error: string; skipped?: boolean };

/** The workload injected with the current template (a previous or 0.x sidecar removed first). */
export function injectedObject(w: Workload, cfg: InjectionConfig): Outcome {
  let input: Json = w.value;
  if (w.state === 'legacy') {
    const u = uninjectObject(w.value, cfg);
    if (typeof u === 'string') return { ok: false, error: u };
    input = u;
  }
  const r = injectManifest(JSON.stringify(input), cfg);
  if (r.error !== undefined) return { ok: false, error: r.error };
  const skipped = r.warnings.find((m) => m.includes('Skipping injection'));
  if (skipped) return { ok: false, error: skipped.replace(/^=+> /, '').trim(), skipped: true };
  const obj = r.objects[0];
  return isMap(obj) ? { ok: true, value: obj } : { ok: false, error: 'nothing to inject' };
}

function commentBlock(message: string): string {
  return message.split('\n').filter((l) => l.trim()).map((l) => `# ${l}`).join('\n');
}

export interface Preview {
  /** The whole file with that document replaced by its injected form (or a comment explaining why not). */
  text: string;
  error?: string;
}

/** The preview of injecting one document: the file, that document injected, everything else as written. */
export function injectionPreview(text: string, parsed: ParsedFile, index: number, cfg: InjectionConfig): Preview {
  const w = workloadOf(parsed, index);
  if (!w) {
    const msg = parsed.docs[index]?.doc.errors.length ? `document ${index + 1} has YAML errors: fix them to preview the injection` : `document ${index + 1} is not a workload with a pod template`;
    return { text: `# Istio Workbench: ${msg}\n${text}`, error: msg };
  }
  let r: Outcome;
  try {
    r = injectedObject(w, cfg);
  } catch (e) {
    r = { ok: false, error: `internal error: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!r.ok) {
    const head = r.skipped ? 'no sidecar would be injected' : `cannot inject ${w.kind} ${w.name}`;
    const at = lineStart(text, w.start);
    return { text: applyEdits(text, [{ start: at, end: at, text: `${commentBlock(`Istio Workbench: ${head}: ${r.error}`)}\n` }]), error: r.error };
  }
  return { text: applyEdits(text, documentEdits(text, w, r.value)) };
}

// ---- enabling injection: one label, inserted with a minimal edit ----

const TRUTHY = ['y', 'yes', 'true', 'on'];

function labelsOf(value: Json, path: readonly string[]): Json {
  const l = get(value, [...path, 'metadata', 'labels']);
  return isMap(l) ? l : {};
}

function quote(v: string): string {
  return JSON.stringify(v);
}

function firstKeyColumn(text: string, map: YAMLMap): number | undefined {
  const first = map.items[0];
  const off = first && isPair(first) ? (first.key as Node | null)?.range?.[0] : undefined;
  return off === undefined ? undefined : off - lineStart(text, off);
}

/** Sets `key: value` in the mapping at `path` under `map`, creating the missing mappings. */
export function setEntry(text: string, map: unknown, path: readonly string[], key: string, value: string): OffsetEdit | undefined {
  if (!isYamlMap(map)) return undefined;
  if (path.length === 0) {
    const p = pairOf(map, key);
    if (p && isScalar(p.value) && p.value.range) return { start: p.value.range[0], end: p.value.range[1], text: value };
    if (p) return undefined;
    return addEntries(text, map, [], key, value);
  }
  const [head, ...rest] = path;
  const p = pairOf(map, head);
  if (p && isYamlMap(p.value)) return setEntry(text, p.value, rest, key, value);
  if (p && p.value !== null && !(isScalar(p.value) && p.value.value === null)) return undefined;
  if (p) {
    // `labels:` with no value (or null): give it a flow mapping on the same line.
    const k = p.key as Node;
    const colon = k.range ? text.indexOf(':', k.range[1]) : -1;
    if (colon < 0) return undefined;
    const end = isScalar(p.value) && p.value.range ? p.value.range[1] : colon + 1;
    return { start: colon + 1, end, text: ` ${flowChain(rest, key, value)}` };
  }
  return addEntries(text, map, path, key, value);
}

function flowChain(path: readonly string[], key: string, value: string): string {
  return path.reduceRight((acc, k) => `{${k}: ${acc}}`, `{${key}: ${value}}`);
}

/** Adds `path[0]: ... key: value` as the last entry of a mapping (block or flow). */
function addEntries(text: string, map: YAMLMap, path: readonly string[], key: string, value: string): OffsetEdit | undefined {
  if (!map.range) return undefined;
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range[1]);
    if (close < map.range[0]) return undefined;
    const entry = path.length ? `${path[0]}: ${flowChain(path.slice(1), key, value)}` : `${key}: ${value}`;
    return { start: close, end: close, text: map.items.length ? `, ${entry}` : entry };
  }
  const col = firstKeyColumn(text, map);
  const last = map.items[map.items.length - 1];
  if (col === undefined || !last) return undefined;
  const step = 2;
  const lines = [...path, key].map((k, i) => `${' '.repeat(col + i * step)}${k}:${i === path.length ? ` ${value}` : ''}`);
  let end = contentEnd(last);
  if (end === undefined) return undefined;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  const nl = text.indexOf('\n', end);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (nl < 0) return { start: text.length, end: text.length, text: `${eol}${lines.join(eol)}` };
  return { start: nl + 1, end: nl + 1, text: `${lines.join(eol)}${eol}` };
}

function enableAction(text: string, parsed: ParsedFile, w: Workload): InjectionAction | undefined {
  const cur = labelsOf(w.value, w.templatePath)[INJECT_LABEL];
  if (typeof cur === 'string' && TRUTHY.includes(cur.toLowerCase())) return undefined;
  const edit = setEntry(text, parsed.docs[w.index].doc.contents, [...w.templatePath, 'metadata', 'labels'], INJECT_LABEL, quote('true'));
  return edit && { kind: 'enable', title: `Enable sidecar injection (${INJECT_LABEL}: "true")`, edits: [edit], preferred: true };
}

function namespaceAction(text: string, parsed: ParsedFile, w: Workload): InjectionAction | undefined {
  if (!w.namespace) return undefined;
  const ns = parsed.docs.find((d) => d.resource?.kind === 'Namespace' && d.resource.apiVersion === 'v1' && d.resource.name === w.namespace);
  if (!ns) return undefined;
  const value = toObject(ns);
  const labels = isMap(get(value, ['metadata', 'labels'])) ? (get(value, ['metadata', 'labels']) as Json) : {};
  if (labels[NAMESPACE_LABEL] === 'enabled' || typeof labels['istio.io/rev'] === 'string') return undefined;
  const edit = setEntry(text, ns.doc.contents, ['metadata', 'labels'], NAMESPACE_LABEL, 'enabled');
  return edit && { kind: 'enableNamespace', title: `Enable sidecar injection for namespace ${w.namespace} (${NAMESPACE_LABEL}=enabled)`, edits: [edit] };
}

/** The injection code actions that apply to document `index` of the file. Never throws. */
export function injectionActions(text: string, parsed: ParsedFile, index: number, cfg: InjectionConfig): InjectionAction[] {
  const w = workloadOf(parsed, index);
  if (!w) return [];
  const out: InjectionAction[] = [];
  const add = (a: InjectionAction | undefined) => { if (a && a.edits.length) out.push(a); };
  const hostNetwork = get(w.value, [...w.templatePath, 'spec', 'hostNetwork']) === true;
  try {
    if (w.state === 'none') {
      if (!hostNetwork) add(enableAction(text, parsed, w));
      add(namespaceAction(text, parsed, w));
      const r = injectedObject(w, cfg);
      if (r.ok) add({ kind: 'inline', title: 'Inject sidecar inline (kube-inject)', edits: documentEdits(text, w, r.value) });
      return out;
    }
    const removed = uninjectObject(w.value, cfg);
    if (typeof removed !== 'string') add({ kind: 'remove', title: 'Remove injected sidecar', edits: documentEdits(text, w, removed) });
    const r = injectedObject(w, cfg);
    if (r.ok) {
      const edits = documentEdits(text, w, r.value);
      const version = w.state === 'legacy' ? ' (Istio 0.x sidecar)' : '';
      if (edits.length) add({ kind: 'reinject', title: `Re-inject with the current template${version}`, edits, preferred: true });
    }
  } catch {
    // Hostile input: offer nothing rather than fail the request.
  }
  return out;
}

/** Whether injecting would change the document (for the CodeLens title). */
export function isStale(text: string, w: Workload, cfg: InjectionConfig): boolean {
  const r = injectedObject(w, cfg);
  return r.ok && documentEdits(text, w, r.value).length > 0;
}

