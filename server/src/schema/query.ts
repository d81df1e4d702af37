// A small query API over the compiled schemas for completion and hover. Pure.
import type { SchemaFile, SchemaNode, SchemaStore } from './store';

export interface PropertyInfo {
  name: string;
  description?: string;
  type?: string;
  required: boolean;
}

export interface SchemaInfo {
  description?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  required: string[];
  properties: PropertyInfo[];
  /** Fields are free-form here (x-kubernetes-preserve-unknown-fields or a map). */
  open: boolean;
}

function firstSentence(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const m = /^(.+?[.!?])(\s|$)/s.exec(s.trim());
  return (m ? m[1] : s.trim()).replace(/\s+/g, ' ').slice(0, 200);
}

function typeOf(s: SchemaNode): string | undefined {
  if (s['x-kubernetes-int-or-string']) return 'integer | string';
  if (s.format === 'quantity' && !s.type) return 'quantity';
  return s.type ?? (s.properties ? 'object' : undefined);
}

/** The schema at a path of keys and indexes below a kind's root, or undefined when the path leaves the schema. */
export function schemaAt(store: SchemaStore, gvk: { apiVersion: string; kind: string }, path: readonly (string | number)[]): SchemaInfo | undefined {
  const found = store.lookup(gvk.apiVersion, gvk.kind);
  if (!found) return undefined;
  let s: SchemaNode | undefined = found.root;
  for (const seg of path) {
    s = step(found.file, s, seg);
    if (!s) return undefined;
  }
  return info(found.file, s);
}

function step(file: SchemaFile, s: SchemaNode, seg: string | number): SchemaNode | undefined {
  if (typeof seg === 'number') return s.items ? file.resolve(s.items) : undefined;
  const p = s.properties?.[seg] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
  if (p) return file.resolve(p);
  for (const b of s.allOf ?? []) {
    const r = step(file, file.resolve(b), seg);
    if (r) return r;
  }
  return undefined;
}

function info(file: SchemaFile, s: SchemaNode): SchemaInfo {
  const required = s.required ?? [];
  const properties = Object.entries(s.properties ?? {}).map(([name, p]) => {
    const r = file.resolve(p);
    return { name, description: firstSentence(r.description), type: typeOf(r), required: required.includes(name) };
  });
  return {
    description: s.description, type: typeOf(s), format: s.format === 'quantity' ? undefined : s.format, enum: s.enum,
    default: s.default, required, properties,
    open: Boolean(s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties),
  };
}

export function knownKinds(store: SchemaStore): { apiVersion: string; kind: string }[] {
  return store.knownKinds();
}
