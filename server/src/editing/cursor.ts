// Where the cursor is in a Kubernetes YAML document, for completion and hover. Pure: no LSP.
// Partial lines ("  rep", "- ", "kind: Virt") do not parse as the keys they will become, so completion re-parses the
// document with a placeholder at the cursor and finds the placeholder's path in the AST.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import type { ParsedDocument, ParsedFile } from '../yaml/parse';

export type PathSeg = string | number;

const PLACEHOLDER = 'IWB_CURSOR_7f3a';

export interface KeyContext {
  mode: 'key';
  /** Path of the mapping the new key goes into. */
  path: PathSeg[];
  /** Keys already present in that mapping. */
  existing: string[];
  /** The partial word typed so far and its offsets (replaced by the completion). */
  prefix: string;
  replaceStart: number;
  replaceEnd: number;
  /** Column where the key starts (for multi-line insert texts). */
  column: number;
}

export interface ValueContext {
  mode: 'value';
  /** Path of the key whose value is being typed. */
  path: PathSeg[];
  prefix: string;
  replaceStart: number;
  replaceEnd: number;
}

export type CursorContext = KeyContext | ValueContext;

/** The document that contains the offset (or the last one before it). */
export function documentAt(parsed: ParsedFile, offset: number): ParsedDocument | undefined {
  let best: ParsedDocument | undefined;
  for (const d of parsed.docs) {
    if (d.doc.range[0] <= offset) best = d;
  }
  return best ?? parsed.docs[0];
}

/** The completion context at `offset` of `text`, or undefined inside comments, block scalars or flow collections. */
export function completionContext(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lineEnd);
  if (before.includes('#') || /[[{]/.test(before)) return undefined;
  // Document boundaries: only the current document is re-parsed.
  const docStart = lastMarker(text, lineStart);
  const nextMarker = text.slice(lineEnd).search(/\n---(\s|$)/);
  const docEnd = nextMarker < 0 ? text.length : lineEnd + nextMarker;

  const keyLine = /^(\s*(?:-\s+)*)([^\s:#'"][^:#]*)?$/.exec(before);
  const valueLine = /^(\s*(?:-\s+)*)([^\s:#'"][^:#]*?):\s+(\S*)$/.exec(before) ?? /^(\s*(?:-\s+)*)([^\s:#'"][^:#]*?):()$/.exec(before);
  const wordAfter = /^[^\s:#]*/.exec(after)![0];
  if (keyLine && !/^\s*:/.test(after.slice(wordAfter.length))) {
    const prefix = keyLine[2] ?? '';
    const start = offset - prefix.length;
    const probe = text.slice(docStart, start) + `${PLACEHOLDER}:` + text.slice(offset + wordAfter.length, docEnd);
    const found = findPlaceholder(probe, 'key');
    if (!found) return undefined;
    return { mode: 'key', path: found.path, existing: found.siblings, prefix, replaceStart: start, replaceEnd: offset + wordAfter.length, column: start - lineStart };
  }
  if (valueLine) {
    const prefix = valueLine[3];
    const start = offset - prefix.length;
    const probe = text.slice(docStart, start) + (valueLine[3] === '' && !/\s$/.test(before) ? ' ' : '') + PLACEHOLDER + text.slice(offset + wordAfter.length, docEnd);
    const found = findPlaceholder(probe, 'value');
    if (!found) return undefined;
    return { mode: 'value', path: found.path, prefix, replaceStart: start, replaceEnd: offset + wordAfter.length };
  }
  return undefined;
}

function lastMarker(text: string, before: number): number {
  const re = /^---[ \t]*(?:#.*)?$/gm;
  let start = 0;
  for (let m = re.exec(text); m && m.index < before; m = re.exec(text)) start = m.index + m[0].length + 1;
  return Math.min(start, before);
}

function findPlaceholder(text: string, mode: 'key' | 'value'): { path: PathSeg[]; siblings: string[] } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  let result: { path: PathSeg[]; siblings: string[] } | undefined;
  const visit = (node: unknown, path: PathSeg[], depth: number): void => {
    if (result || depth > 100) return;
    if (isMap(node)) {
      for (const item of node.items) {
        const key = isScalar(item.key) ? String(item.key.value) : undefined;
        if (mode === 'key' && key === PLACEHOLDER) {
          result = { path, siblings: node.items.map(keyOf).filter((k): k is string => k !== undefined && k !== PLACEHOLDER) };
          return;
        }
        if (mode === 'value' && key !== undefined && isScalar(item.value) && item.value.value === PLACEHOLDER) {
          result = { path: [...path, key], siblings: [] };
          return;
        }
        if (key !== undefined) visit(item.value, [...path, key], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i], depth + 1));
    }
  };
  visit(doc.contents, [], 0);
  return result;
}

function keyOf(item: Pair): string | undefined {
  return isScalar(item.key) ? String(item.key.value) : undefined;
}

export interface NodeAtOffset {
  /** Path to the key under the cursor (for a key) or to the key owning the value under the cursor. */
  path: PathSeg[];
  on: 'key' | 'value';
  /** Offsets of the scalar under the cursor. */
  start: number;
  end: number;
  /** The scalar's value as a string. */
  value: string;
}

/** The key or scalar value under the cursor in a parsed document, with its path. */
export function nodeAt(pd: ParsedDocument, offset: number): NodeAtOffset | undefined {
  let result: NodeAtOffset | undefined;
  const inside = (n: { range?: [number, number, number] | null } | null | undefined) => !!n?.range && n.range[0] <= offset && offset <= n.range[1];
  const visit = (node: Node | null | undefined, path: PathSeg[], depth: number): void => {
    if (result || !node || depth > 200) return;
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? String(item.key.value) : undefined;
        if (key === undefined) continue;
        const k = item.key as Node;
        if (inside(k)) {
          result = { path: [...path, key], on: 'key', start: k.range![0], end: k.range![1], value: key };
          return;
        }
        const v = item.value as Node | null;
        if (isScalar(v) && inside(v)) {
          result = { path: [...path, key], on: 'value', start: v.range![0], end: v.range![1], value: String(v.value) };
          return;
        }
        if (v && v.range && v.range[0] <= offset && offset <= v.range[2]) visit(v, [...path, key], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const n = item as Node;
        if (isScalar(n) && inside(n)) result = { path: [...path, i], on: 'value', start: n.range![0], end: n.range![1], value: String(n.value) };
        else if (n && n.range && n.range[0] <= offset && offset <= n.range[2]) visit(n, [...path, i], depth + 1);
      });
    }
  };
  visit(pd.doc.contents as Node, [], 0);
  return result;
}
