// Quick fixes of mesh findings: minimal text edits (an inserted line, a replaced scalar) that keep comments and
// formatting, possibly in another resource's file. Pure.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Fix, TextEditSpec } from '../core/types';
import type { MeshResource } from './model';

function nodeAt(r: MeshResource, path: readonly (string | number)[]): Node | undefined {
  try {
    const n = r.doc.getIn([...r.base, ...path], true);
    return n && typeof n === 'object' && 'range' in n ? (n as Node) : undefined;
  } catch {
    return undefined;
  }
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the start of the line after the one holding `offset` (the text's end when there is none). */
function nextLine(text: string, offset: number): { at: number; prefix: string } {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? { at: text.length, prefix: '\n' } : { at: nl + 1, prefix: '' };
}

function insertAt(r: MeshResource, offset: number, newText: string, uri?: string): TextEditSpec {
  return { range: r.file.rangeOf(offset, offset), newText, ...(uri ? { uri } : {}) };
}

/** Replaces the scalar at `path` of resource r (a plain-scalar value) with `value`. */
export function replaceScalar(r: MeshResource, path: readonly (string | number)[], value: string, uri?: string): TextEditSpec | undefined {
  const n = nodeAt(r, path);
  if (!n || !isScalar(n) || !n.range) return undefined;
  return { range: r.file.rangeOf(n.range[0], n.range[1]), newText: value, ...(uri ? { uri } : {}) };
}

/**
 * Appends an item (given as the lines of a mapping, without indentation) to the block sequence at `path`, aligned with
 * its existing items; undefined for a flow or empty sequence (no obvious layout to follow).
 */
export function appendToBlockSeq(r: MeshResource, path: readonly (string | number)[], itemLines: string[], uri?: string): TextEditSpec | undefined {
  const seq = nodeAt(r, path);
  if (!isSeq(seq) || seq.flow || !seq.items.length) return undefined;
  const text = r.file.text;
  const first = seq.items[0] as Node | undefined;
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!first?.range || !last?.range) return undefined;
  const ls = lineStart(text, first.range[0]);
  const dash = text.indexOf('-', ls);
  if (dash < 0 || dash > first.range[0]) return undefined;
  const indent = ' '.repeat(dash - ls);
  const inner = ' '.repeat(first.range[0] - dash);
  const { at, prefix } = nextLine(text, Math.max(last.range[1] - 1, last.range[0]));
  const body = itemLines.map((l, i) => `${i === 0 ? `${indent}-${inner.slice(1)}` : indent + inner}${l}\n`).join('');
  return insertAt(r, at, prefix + body, uri);
}

/**
 * Adds `key: value` to the block mapping at `path` (after its last pair), or creates the mapping under its parent
 * (`parentPath`, a block mapping) when absent; undefined when a flow mapping or another layout is in the way.
 */
export function addToBlockMap(r: MeshResource, path: readonly (string | number)[], key: string, value: string, uri?: string): TextEditSpec | undefined {
  const text = r.file.text;
  const map = nodeAt(r, path);
  if (map !== undefined) {
    if (!isMap(map) || map.flow || !map.items.length) return undefined;
    const firstKey = map.items[0].key as Node | undefined;
    const lastPair = map.items[map.items.length - 1];
    const end = ((lastPair.value ?? lastPair.key) as Node | undefined)?.range;
    if (!firstKey?.range || !end) return undefined;
    const indent = ' '.repeat(firstKey.range[0] - lineStart(text, firstKey.range[0]));
    const { at, prefix } = nextLine(text, Math.max(end[1] - 1, end[0]));
    return insertAt(r, at, `${prefix}${indent}${key}: ${value}\n`, uri);
  }
  const parentPath = path.slice(0, -1);
  const parent = nodeAt(r, parentPath);
  if (!isMap(parent) || parent.flow || !parent.items.length) return undefined;
  const firstKey = parent.items[0].key as Node | undefined;
  const lastPair = parent.items[parent.items.length - 1];
  const end = ((lastPair.value ?? lastPair.key) as Node | undefined)?.range;
  if (!firstKey?.range || !end) return undefined;
  const indent = ' '.repeat(firstKey.range[0] - lineStart(text, firstKey.range[0]));
  const { at, prefix } = nextLine(text, Math.max(end[1] - 1, end[0]));
  return insertAt(r, at, `${prefix}${indent}${String(path[path.length - 1])}:\n${indent}  ${key}: ${value}\n`, uri);
}

export function fix(title: string, edit: TextEditSpec | undefined, preferred = false): Fix[] {
  return edit ? [{ title, edits: [edit], ...(preferred ? { preferred } : {}) }] : [];
}
