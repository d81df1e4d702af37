// Completion for Kubernetes and Istio YAML from the compiled schemas: keys (required first), enum and boolean values,
// apiVersion/kind pairs, and skeletons for new Istio resources. Pure: returns our own entries, the LSP layer converts.
import { schemaAt, type SchemaStore } from '../schema';
import type { ParsedFile } from '../yaml/parse';
import { completionContext, documentAt, type PathSeg } from './cursor';
import { ISTIO_SKELETONS } from './skeletons';

export interface CompletionEntry {
  label: string;
  kind: 'property' | 'value' | 'snippet' | 'kind';
  /** Text to insert; a snippet (LSP/TextMate syntax) when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  detail?: string;
  documentation?: string;
  sortText: string;
  /** Offsets replaced by the insert text (the partial word at the cursor). */
  replaceStart: number;
  replaceEnd: number;
}

const escapeSnippet = (s: string) => s.replace(/[$}\\]/g, (c) => `\\${c}`);

export function complete(parsed: ParsedFile, offset: number, store: SchemaStore): CompletionEntry[] {
  const ctx = completionContext(parsed.text, offset);
  if (!ctx) return [];
  const res = documentAt(parsed, offset)?.resource ?? null;
  const apiVersion = res?.apiVersion ?? undefined;
  const kind = res?.kind ?? undefined;
  const base = { replaceStart: ctx.replaceStart, replaceEnd: ctx.replaceEnd };
  const out: CompletionEntry[] = [];

  if (ctx.mode === 'value') {
    if (ctx.path.length === 1 && ctx.path[0] === 'apiVersion') {
      const versions = new Set(store.knownKinds().filter((k) => !kind || k.kind === kind).map((k) => k.apiVersion));
      for (const v of versions) out.push({ ...base, label: v, kind: 'value', insertText: v, snippet: false, sortText: `1${v}`, detail: kind ? `${kind} API version` : 'API version' });
      return out;
    }
    if (ctx.path.length === 1 && ctx.path[0] === 'kind') {
      for (const k of store.knownKinds().filter((x) => !apiVersion || x.apiVersion === apiVersion)) {
        out.push({ ...base, label: k.kind, kind: 'kind', insertText: k.kind, snippet: false, sortText: `1${k.kind}`, detail: k.apiVersion });
      }
      return dedupe(out);
    }
    if (!apiVersion || !kind) return [];
    const info = schemaAt(store, { apiVersion, kind }, ctx.path);
    if (!info) return [];
    const values: unknown[] = info.enum ? [...info.enum] : info.type === 'boolean' ? [true, false] : [];
    if (info.default !== undefined && !values.includes(info.default) && typeof info.default !== 'object') values.unshift(info.default);
    values.forEach((v, i) => {
      if (v === null || typeof v === 'object') return;
      const s = String(v);
      const text = typeof v === 'string' && needsQuotes(s) ? JSON.stringify(s) : s;
      out.push({ ...base, label: s, kind: 'value', insertText: text, snippet: false, sortText: `${String(i).padStart(3, '0')}`, detail: v === info.default ? 'default' : info.type });
    });
    return out;
  }

  // Keys.
  if (ctx.path.length === 0 && (!apiVersion || !kind)) {
    if (!ctx.existing.includes('apiVersion')) out.push({ ...base, label: 'apiVersion', kind: 'property', insertText: 'apiVersion: ', snippet: false, sortText: '0apiVersion' });
    if (!ctx.existing.includes('kind')) out.push({ ...base, label: 'kind', kind: 'property', insertText: 'kind: ', snippet: false, sortText: '0kind' });
    if (ctx.existing.length === 0) {
      for (const s of ISTIO_SKELETONS) {
        out.push({ ...base, label: s.label, kind: 'snippet', insertText: s.body, snippet: true, sortText: `2${s.label}`, detail: `${s.apiVersion} ${s.kind}`, documentation: s.description });
      }
      for (const k of store.knownKinds()) {
        out.push({ ...base, label: `${k.kind} (${k.apiVersion})`, kind: 'kind', insertText: `apiVersion: ${k.apiVersion}\nkind: ${k.kind}\n`, snippet: false, sortText: `3${k.kind}${k.apiVersion}`, detail: 'apiVersion and kind' });
      }
    }
    return out;
  }
  if (!apiVersion || !kind) return [];
  const info = schemaAt(store, { apiVersion, kind }, ctx.path);
  if (!info) return [];
  const indent = ' '.repeat(ctx.column);
  for (const p of info.properties) {
    if (ctx.existing.includes(p.name)) continue;
    const child = schemaAt(store, { apiVersion, kind }, [...ctx.path, p.name] as PathSeg[]);
    out.push({
      ...base, label: p.name, kind: 'property', snippet: true,
      insertText: keySnippet(p.name, child?.type, child?.enum, indent),
      detail: `${p.type ?? 'any'}${p.required ? ' (required)' : ''}`,
      documentation: child?.description ?? p.description,
      sortText: `${p.required ? '0' : '1'}${p.name}`,
    });
  }
  return out;
}

function keySnippet(name: string, type: string | undefined, enumValues: unknown[] | undefined, indent: string): string {
  const key = escapeSnippet(name);
  if (enumValues?.length && enumValues.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    const choices = enumValues.map((v) => String(v).replace(/[,|$}\\]/g, (c) => `\\${c}`)).join(',');
    return `${key}: \${1|${choices}|}`;
  }
  if (type === 'object') return `${key}:\n${indent}  $0`;
  if (type === 'array') return `${key}:\n${indent}- $0`;
  return `${key}: $0`;
}

function needsQuotes(s: string): boolean {
  return s === '' || /^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+)$/i.test(s) || /[:#{}[\],&*?|<>=!%@`'"]/.test(s);
}

function dedupe(entries: CompletionEntry[]): CompletionEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => (seen.has(e.label) ? false : (seen.add(e.label), true)));
}
