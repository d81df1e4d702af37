// YAML model: every document of a file, with offsets on every node. Never throws.
import { Composer, Document, isMap, isPair, isScalar, Parser, type CST } from 'yaml';
import type { Position, Range, ResourceRef, Severity } from '../core/types';
import { COMPOSE_OPTIONS, fastParse } from './fast';
import { directParse } from './direct';

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

/** Deeper collections than this are not composed: the composer recurses, and no Kubernetes object nests this deep. */
export const MAX_NESTING = 200;
/** At most this many problems per file; the rest are summarised in one. */
export const MAX_PROBLEMS = 100;

export function parseYaml(text: string): ParsedFile {
  const docs: ParsedDocument[] = [];
  const problems: YamlProblem[] = [];
  // The common case, block-style YAML without errors, is read by the fast front ends: the same Documents as the yaml
  // package composes, several times faster. The direct composer (no tokens, no CST) takes most Kubernetes files; the
  // port of yaml's Lexer, Parser and Composer takes more; anything else, broken YAML included, goes through yaml.
  let fast: Document.Parsed[] | undefined;
  try {
    fast = directParse(text) ?? fastParse(text);
  } catch {
    fast = undefined;
  }
  if (fast) fast.forEach((doc, index) => docs.push(parsedDocument(doc, index, text)));
  else composeAll(text, docs, problems);
  capProblems(problems);
  // Line starts are computed on the first position asked for: many parses (files no one opens, with no findings) never are.
  let lineStarts: number[] | undefined;
  const positionAt = (offset: number): Position => {
    lineStarts ??= computeLineStarts(text);
    const clamped = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - lineStarts[lo] };
  };
  return {
    text, docs, problems, positionAt,
    rangeOf: (start, end) => ({ start: positionAt(start), end: positionAt(Math.max(start, end)) }),
  };
}

/** Every document of the text through the yaml package (Parser + Composer), with its errors and warnings as problems. */
function composeAll(text: string, docs: ParsedDocument[], problems: YamlProblem[]): void {
  try {
    const parser = new Parser();
    // No keepSourceTokens: nothing reads CST tokens from nodes, and keeping them costs a fifth of the parse time and memory.
    const composer = new Composer(COMPOSE_OPTIONS);
    // The CST parser is iterative; guard the recursive composer against hostile nesting before composing.
    const tooDeep = new Map<number, number>();
    let docNo = 0;
    const tokens = [...parser.parse(text)].map((tok) => {
      if (tok.type !== 'document') return tok;
      const at = deepestOffset(tok);
      const n = docNo++;
      if (at === undefined) return tok;
      tooDeep.set(n, at);
      return { ...tok, value: undefined, end: [] } as CST.Document;
    });
    let index = 0;
    for (const doc of composer.compose(tokens, true, text.length)) {
      const deep = tooDeep.get(index);
      if (deep !== undefined) {
        problems.push({
          start: deep, end: Math.min(deep + 1, text.length), severity: 'Error', code: 'NESTING_TOO_DEEP', docIndex: index,
          message: `Collections are nested more than ${MAX_NESTING} levels deep here; this document is not analyzed.`,
        });
      }
      docs.push(parsedDocument(doc, index, text));
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
}

function parsedDocument(doc: Document.Parsed, index: number, text: string): ParsedDocument {
  // The document starts at its content (after any "---" marker) and ends at its last non-blank character.
  const contentStart = doc.contents?.range?.[0];
  const start = contentStart ?? doc.range[0];
  let end = doc.range[2];
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { index, doc, start, end, resource: resourceOf(doc) };
}

/**
 * Start offsets of every line, computed from the text itself (LSP line ends: \n, \r\n and a lone \r). The parser's
 * own newline callback misses newlines inside tokens it could not place, which would shift every later position.
 */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    // The usual case, \n line ends only: indexOf finds them much faster than a loop over every character.
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/** Offset of the first collection nested deeper than MAX_NESTING, found without recursion. */
function deepestOffset(doc: CST.Document): number | undefined {
  const stack: { tok: CST.Token | undefined; depth: number }[] = [{ tok: doc.value, depth: 0 }];
  while (stack.length) {
    const { tok, depth } = stack.pop()!;
    if (!tok) continue;
    if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING) return tok.offset;
      for (const it of tok.items) {
        const item = it as { key?: CST.Token | null; value?: CST.Token };
        if (item.key) stack.push({ tok: item.key, depth: depth + 1 });
        if (item.value) stack.push({ tok: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** Drops exact duplicates and keeps the first MAX_PROBLEMS, then one summary. */
function capProblems(problems: YamlProblem[]): void {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const k = `${p.start}:${p.end}:${p.code}:${p.message}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  const extra = unique.length - MAX_PROBLEMS;
  problems.length = 0;
  problems.push(...unique.slice(0, MAX_PROBLEMS));
  if (extra > 0) {
    const last = problems[problems.length - 1];
    problems.push({ ...last, severity: 'Error', code: 'TOO_MANY_PROBLEMS', message: `${extra} more YAML problem(s) in this file are not shown.` });
  }
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
  const metadata = valueAt(root, 'metadata');
  const ref: ResourceRef = {
    apiVersion: scalarString(valueAt(root, 'apiVersion')),
    kind: scalarString(valueAt(root, 'kind')),
    namespace: metadata ? scalarString(valueAt(metadata, 'namespace')) : null,
    name: metadata ? scalarString(valueAt(metadata, 'name')) : null,
  };
  return ref.apiVersion || ref.kind ? ref : null;
}

/**
 * The value node at a string key of a mapping, as yaml's `map.get(key, true)` finds it. Written out with an indexed
 * loop because it runs for every document parsed, mostly at start-up while yaml's own lookup is still unoptimized.
 */
function valueAt(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  const items = map.items;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (isPair(it) && (it.key === key || (isScalar(it.key) && it.key.value === key))) return it.value ?? undefined;
  }
  return undefined;
}

/** Friendly label for a resource, as the outline and messages show it: "Deployment default/vp0". */
export function resourceLabel(r: ResourceRef): string {
  const id = r.namespace ? `${r.namespace}/${r.name ?? '?'}` : r.name ?? '(unnamed)';
  return `${r.kind ?? '(no kind)'} ${id}`;
}
