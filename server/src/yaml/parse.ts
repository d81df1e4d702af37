// YAML model: every document of a file, with offsets on every node. Never throws.
import { Composer, Document, isMap, isScalar, LineCounter, Parser, type Node } from 'yaml';
import type { Position, Range, ResourceRef, Severity } from '../core/types';

export interface YamlProblem {
  /** Offsets into the file text, end exclusive. */
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  /** Index of the document the problem belongs to, or -1 for the stream. */
  docIndex: number;
}

export interface ParsedDocument {
  index: number;
  doc: Document.Parsed;
  /** Offsets of the document (from its first token to its end). */
  start: number;
  end: number;
  /** apiVersion/kind/metadata when the document is a mapping that has any of them. */
  resource: ResourceRef | null;
}

export interface ParsedFile {
  text: string;
  docs: ParsedDocument[];
  problems: YamlProblem[];
  positionAt(offset: number): Position;
  rangeOf(start: number, end: number): Range;
}

export function parseYaml(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs: ParsedDocument[] = [];
  const problems: YamlProblem[] = [];
  try {
    const parser = new Parser(lineCounter.addNewLine);
    const composer = new Composer({ keepSourceTokens: true, prettyErrors: false, uniqueKeys: true, strict: true });
    let index = 0;
    for (const doc of composer.compose(parser.parse(text), true, text.length)) {
      const [start, , end] = doc.range ?? [0, 0, text.length];
      docs.push({ index, doc, start, end, resource: resourceOf(doc) });
      for (const e of doc.errors) problems.push(problem(e, 'Error', index, text.length));
      for (const w of doc.warnings) problems.push(problem(w, 'Warning', index, text.length));
      index++;
    }
  } catch (e) {
    // The yaml package is not expected to throw on any input; if it does, report it instead of crashing.
    problems.push({
      start: 0, end: Math.min(1, text.length), severity: 'Error', code: 'YAML_INTERNAL', docIndex: -1,
      message: `The YAML parser failed on this file: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
  const positionAt = (offset: number): Position => {
    const clamped = Math.max(0, Math.min(offset, text.length));
    const { line, col } = lineCounter.linePos(clamped);
    return { line: Math.max(0, line - 1), character: Math.max(0, col - 1) };
  };
  return {
    text, docs, problems, positionAt,
    rangeOf: (start, end) => ({ start: positionAt(start), end: positionAt(Math.max(start, end)) }),
  };
}

function problem(e: { pos: [number, number]; code: string; message: string }, severity: Severity, docIndex: number, len: number): YamlProblem {
  const start = Math.max(0, Math.min(e.pos[0], len));
  let end = Math.max(start, Math.min(e.pos[1], len));
  if (end === start && start < len) end = start + 1;
  return { start, end, severity, code: e.code, message: e.message, docIndex };
}

function scalarString(node: unknown): string | null {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
  return null;
}

/** The Kubernetes identity of a document, read without converting it to JS (aliases and bad nodes are safe). */
export function resourceOf(doc: Document.Parsed): ResourceRef | null {
  const root = doc.contents;
  if (!isMap(root)) return null;
  const get = (map: Node, key: string): unknown => (isMap(map) ? map.get(key, true) : undefined);
  const metadata = root.get('metadata', true) as Node | undefined;
  const ref: ResourceRef = {
    apiVersion: scalarString(get(root, 'apiVersion')),
    kind: scalarString(get(root, 'kind')),
    namespace: metadata ? scalarString(get(metadata, 'namespace')) : null,
    name: metadata ? scalarString(get(metadata, 'name')) : null,
  };
  return ref.apiVersion || ref.kind ? ref : null;
}

/** Friendly label for a resource, as the outline and messages show it: "Deployment default/vp0". */
export function resourceLabel(r: ResourceRef): string {
  const id = r.namespace ? `${r.namespace}/${r.name ?? '?'}` : r.name ?? '(unnamed)';
  return `${r.kind ?? '(no kind)'} ${id}`;
}
