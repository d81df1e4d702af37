// Minimal text edits on YAML source, located with the parsed AST's offsets. Comments, formatting and the other
// documents of the file stay untouched: edits replace only the bytes they have to.
import { isCollection, isMap, isPair, isScalar, isSeq, Scalar, type Node, type Pair, type YAMLMap } from 'yaml';

/** A replacement in the file text by offsets (end exclusive); converted to line/character ranges by the caller. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

export function isBlockMap(n: unknown): n is YAMLMap<unknown, unknown> {
  return isMap(n) && !n.flow;
}

/** The pair with a plain scalar key `key` in a mapping. */
export function pairOf(map: unknown, key: string): Pair<Scalar, unknown> | undefined {
  if (!isMap(map)) return undefined;
  for (const it of map.items) {
    if (isPair(it) && isScalar(it.key) && String(it.key.value) === key) return it as Pair<Scalar, unknown>;
  }
  return undefined;
}

export function valueOf(map: unknown, key: string): unknown {
  return pairOf(map, key)?.value ?? undefined;
}

/** Follows a path of mapping keys. */
export function dig(node: unknown, ...path: string[]): unknown {
  let n = node;
  for (const k of path) n = valueOf(n, k);
  return n;
}

export function str(n: unknown): string | undefined {
  return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : undefined;
}

/** Offset just after the last character of a node's content (not counting trailing comments and line breaks). */
export function contentEnd(n: unknown): number | undefined {
  if (isPair(n)) return contentEnd(n.value) ?? contentEnd(n.key);
  if (!n || typeof n !== 'object' || !('range' in n)) return undefined;
  const node = n as Node;
  if (!node.range) return undefined;
  if (isCollection(node) && !node.flow) {
    for (let i = node.items.length - 1; i >= 0; i--) {
      const end = contentEnd(node.items[i]);
      if (end !== undefined) return end;
    }
  }
  return node.range[1];
}

export function lineStart(text: string, off: number): number {
  return text.lastIndexOf('\n', off - 1) + 1;
}

/** Offset of the start of the line after the one holding `off` (text.length on the last line). */
export function nextLineStart(text: string, off: number): number {
  const nl = text.indexOf('\n', off);
  return nl < 0 ? text.length : nl + 1;
}

export function columnOf(text: string, off: number): number {
  return off - lineStart(text, off);
}

/** True when only spaces precede `off` on its line (the node starts its own line; not after "- " or "key: "). */
export function startsLine(text: string, off: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, off), off));
}

/** Replaces a scalar's text, keeping its quoting style. */
export function replaceScalar(node: Scalar, value: string): OffsetEdit | undefined {
  if (!node.range) return undefined;
  const q = node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : '';
  return { start: node.range[0], end: node.range[1], text: `${q}${value}${q}` };
}

/** Deletes a block-map pair with its whole lines (the pair must start its own line). */
export function deletePairLines(text: string, pair: Pair): OffsetEdit | undefined {
  const keyStart = (pair.key as Node | null)?.range?.[0];
  const end = contentEnd(pair);
  if (keyStart === undefined || end === undefined || !startsLine(text, keyStart)) return undefined;
  return { start: lineStart(text, keyStart), end: nextLineStart(text, end), text: '' };
}

/** The file's line break ("\r\n" when the file uses it). */
export function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Inserts whole lines (already indented, without line breaks) after the line on which `after` (a pair or node) ends. */
export function insertLinesAfter(text: string, after: unknown, lines: string[]): OffsetEdit | undefined {
  const end = contentEnd(after);
  if (end === undefined) return undefined;
  const at = nextLineStart(text, end);
  const nl = eol(text);
  const needsBreak = at === text.length && !text.endsWith('\n');
  return { start: at, end: at, text: `${needsBreak ? nl : ''}${lines.join(nl)}${needsBreak ? '' : nl}` };
}

/** Inserts whole lines before the line on which `before` (a pair's key) starts; that key must start its own line. */
export function insertLinesBefore(text: string, before: Pair, lines: string[]): OffsetEdit | undefined {
  const keyStart = (before.key as Node | null)?.range?.[0];
  if (keyStart === undefined || !startsLine(text, keyStart)) return undefined;
  let at = lineStart(text, keyStart);
  // Comment lines right above the key belong to it: insert above them.
  while (at > 0) {
    const prev = lineStart(text, at - 1);
    if (!/^[ \t]*#/.test(text.slice(prev, at))) break;
    at = prev;
  }
  return { start: at, end: at, text: `${lines.join(eol(text))}${eol(text)}` };
}

/** Column of a block map's keys. */
export function keyColumn(text: string, map: YAMLMap): number | undefined {
  const first = map.items[0];
  const off = first && isPair(first) ? (first.key as Node | null)?.range?.[0] : undefined;
  return off === undefined ? undefined : columnOf(text, off);
}

/** The indentation step the document uses (column difference of a nested block map), 2 when unknown. */
export function indentStep(text: string, map: YAMLMap): number {
  const outer = keyColumn(text, map);
  for (const it of map.items) {
    if (!isPair(it)) continue;
    const v = it.value;
    if (isBlockMap(v) && outer !== undefined) {
      const inner = keyColumn(text, v);
      if (inner !== undefined && inner > outer && startsLine(text, (v.items[0] as Pair<Node>).key.range![0])) return inner - outer;
    }
  }
  return 2;
}

/** Source text of a node, as written (keeps quoting). */
export function sourceOf(text: string, n: unknown): string | undefined {
  if (!n || typeof n !== 'object' || !('range' in n)) return undefined;
  const r = (n as Node).range;
  return r ? text.slice(r[0], contentEnd(n) ?? r[1]) : undefined;
}

/** Items of a sequence, or [] for anything else. */
export function seqItems(n: unknown): unknown[] {
  return isSeq(n) ? n.items : [];
}
