// Minimal text edits that turn one YAML document's value into another: a structural diff of the parsed source
// against the target value, written as edits of only the changed mappings, sequences and scalars. Comments and
// formatting of everything unchanged stay as written. Pure.
import { isMap as isYamlMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { contentEnd, lineStart, nextLineStart, type OffsetEdit } from '../deprecation/yamlEdit';
import type { Json } from './config';
import { emitYaml } from './emit';
import { isMap } from './template/values';

type Value = unknown;

const isEmpty = (v: Value): boolean => v === null || v === undefined || (isMap(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** A non-empty collection written in block style, each line prefixed with `indent`. */
function bodyLines(v: Value, indent: string): string[] {
  // Sequences come out unindented under their key (go-yaml style): drop the key line.
  const raw = isMap(v) ? emitYaml(v) : emitYaml({ k: v }).split('\n').slice(1).join('\n');
  return raw.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : `${indent}${l}`));
}

/** Lines of `head value` (head is "key:") in block style at `indent`. */
function entryLines(head: string, v: Value, indent: string): string[] {
  if ((isMap(v) || Array.isArray(v)) && !isEmpty(v)) return [`${indent}${head}`, ...bodyLines(v, isMap(v) ? `${indent}  ` : indent)];
  return [`${indent}${head} ${flowValue(v)}`];
}

/** A scalar as an inline YAML value (multi-line strings double-quoted, so the result is one line). */
function inlineScalar(v: Value): string {
  if (typeof v === 'string' && v.includes('\n')) return JSON.stringify(v);
  return emitYaml({ k: v }).replace(/\n$/, '').slice(3);
}

/** A value written inline in flow style (JSON is valid YAML). */
function flowValue(v: Value): string {
  if (isMap(v) || Array.isArray(v)) return JSON.stringify(v);
  return inlineScalar(v);
}

function keyText(k: string): string {
  return emitYaml({ [k]: null }).replace(/: null\n$/, '');
}

/** Offset just past a node's content, never past the line break that ends it. */
function endOf(text: string, n: unknown): number | undefined {
  let e = contentEnd(n);
  if (e === undefined) return undefined;
  while (e > 0 && (text[e - 1] === '\n' || text[e - 1] === '\r')) e--;
  return e;
}

function columnOf(text: string, off: number): number {
  return off - lineStart(text, off);
}

function onlySpacesBefore(text: string, off: number, allowDash = false): boolean {
  const head = text.slice(lineStart(text, off), off);
  return allowDash ? /^[ \t]*(- +)*$/.test(head) : /^[ \t]*$/.test(head);
}

export class YamlPatcher {
  readonly edits: OffsetEdit[] = [];
  failed = false;

  constructor(private readonly text: string) {}

  private fail(): void {
    this.failed = true;
  }

  /** Diffs `node` (holding `before`) towards `after`. */
  patch(node: unknown, before: Value, after: Value): void {
    if (deepEqual(before, after)) return;
    if (isMap(before) && isMap(after) && isYamlMap(node) && !node.flow) this.patchMap(node, before, after);
    else if (Array.isArray(before) && Array.isArray(after) && isSeq(node) && !node.flow) this.patchSeq(node, before, after);
    else this.replaceNode(node, after);
  }

  private replaceNode(node: unknown, after: Value): void {
    const n = node as Node | null;
    if (!n?.range) return this.fail();
    const start = n.range[0];
    const end = endOf(this.text, n) ?? n.range[1];
    const asBlock = this.blockValueStart(n, after);
    if (asBlock) {
      // A comment after the flow value stays on the key's line.
      const eolAt = this.text.indexOf('\n', end);
      const rest = this.text.slice(end, eolAt < 0 ? this.text.length : eolAt).replace(/\r$/, '');
      const comment = /^[ \t]+#/.test(rest) ? rest : '';
      const to = comment ? end + rest.length : end;
      this.edits.push({ start: asBlock.colon + 1, end: to, text: `${comment}\n${bodyLines(after, asBlock.indent).join('\n')}` });
      return;
    }
    if (isScalar(n) || (!isMap(after) && !Array.isArray(after)) || isEmpty(after)) {
      this.edits.push({ start, end, text: isScalar(n) && !isMap(after) && !Array.isArray(after) ? inlineScalar(after) : flowValue(after) });
      return;
    }
    // A block collection replaced by another one: rewrite it in block style at its column.
    if (!onlySpacesBefore(this.text, start, true)) {
      this.edits.push({ start, end, text: flowValue(after) });
      return;
    }
    const indent = ' '.repeat(columnOf(this.text, start));
    // The first line continues where the node starts (after "key:\n<indent>" or "- ").
    this.edits.push({ start, end, text: bodyLines(after, indent).join('\n').slice(indent.length) });
  }

  /** For a flow collection or scalar written after "key:" in a block mapping: where the colon is and the body's indent. */
  private blockValueStart(n: Node, after: Value): { colon: number; indent: string } | undefined {
    if ((!isMap(after) && !Array.isArray(after)) || isEmpty(after) || !n.range) return undefined;
    if (!isScalar(n) && !((isYamlMap(n) || isSeq(n)) && n.flow)) return undefined;
    const start = n.range[0];
    const head = this.text.slice(lineStart(this.text, start), start);
    const m = /^([ \t]*(?:- +)*)([^\s#][^#]*?):[ \t]*$/.exec(head);
    if (!m || /[{}[\],]/.test(m[2])) return undefined;
    const keyCol = m[1].length;
    return { colon: lineStart(this.text, start) + head.lastIndexOf(':'), indent: ' '.repeat(isMap(after) ? keyCol + 2 : keyCol) };
  }

  /** Deletes whole lines [lineStart(from), end of the line holding `to`); at the end of the text, the line break before. */
  private deleteLines(from: number, to: number): void {
    const start = lineStart(this.text, from);
    const end = nextLineStart(this.text, to);
    if (end >= this.text.length && !this.text.endsWith('\n') && start > 0) this.edits.push({ start: start - 1, end: this.text.length, text: '' });
    else this.edits.push({ start, end, text: '' });
  }

  private patchMap(node: YAMLMap, before: Json, after: Json): void {
    const pairs = new Map<string, Pair>();
    for (const it of node.items) if (isPair(it) && isScalar(it.key)) pairs.set(String(it.key.value), it as Pair);
    const added: string[] = [];
    for (const [k, v] of Object.entries(after)) {
      if (v === undefined) continue;
      const p = pairs.get(k);
      if (!p) {
        if (!(k in before) && isEmpty(v)) continue; // typed encoding's zero values: not worth an edit
        added.push(k);
        continue;
      }
      if (deepEqual(before[k], v)) continue;
      if (p.value === null || p.value === undefined || (isScalar(p.value) && p.value.value === null && !(p.value.range && p.value.range[1] > p.value.range[0]))) {
        this.setEmptyValue(p, v);
      } else this.patch(p.value, before[k], v);
    }
    for (const [k, p] of pairs) {
      if (k in after && after[k] !== undefined) continue;
      if (isEmpty(before[k])) continue;
      this.deletePair(p);
    }
    if (added.length) this.appendPairs(node, added.map((k) => [k, after[k]]));
  }

  /** `key:` with nothing after it gets a value. */
  private setEmptyValue(p: Pair, v: Value): void {
    const k = p.key as Node;
    if (!k.range) return this.fail();
    const colon = this.text.indexOf(':', k.range[1]);
    if (colon < 0) return this.fail();
    if (!isMap(v) && !Array.isArray(v)) {
      this.edits.push({ start: colon + 1, end: colon + 1, text: ` ${inlineScalar(v)}` });
      return;
    }
    const keyIndent = ' '.repeat(columnOf(this.text, k.range[0]));
    const text = isEmpty(v) ? ` ${flowValue(v)}` : `\n${bodyLines(v, isMap(v) ? `${keyIndent}  ` : keyIndent).join('\n')}`;
    this.edits.push({ start: colon + 1, end: colon + 1, text });
  }

  private deletePair(p: Pair): void {
    const k = p.key as Node;
    const end = contentEnd(p);
    if (!k.range || end === undefined || !onlySpacesBefore(this.text, k.range[0])) return this.fail();
    this.deleteLines(k.range[0], end - 1);
  }

  private appendPairs(node: YAMLMap, entries: [string, Value][]): void {
    const last = node.items[node.items.length - 1];
    const firstKey = node.items.length && isPair(node.items[0]) ? (node.items[0].key as Node | null) : null;
    if (!last || !firstKey?.range) return this.fail();
    const indent = ' '.repeat(columnOf(this.text, firstKey.range[0]));
    const lines = entries.flatMap(([k, v]) => entryLines(`${keyText(k)}:`, v, indent));
    this.insertAfter(last, lines);
  }

  private insertAfter(node: unknown, lines: string[]): void {
    const end = endOf(this.text, node);
    if (end === undefined) return this.fail();
    const nl = this.text.indexOf('\n', end);
    if (nl < 0) this.edits.push({ start: this.text.length, end: this.text.length, text: `\n${lines.join('\n')}` });
    else this.edits.push({ start: nl + 1, end: nl + 1, text: `${lines.join('\n')}\n` });
  }

  private patchSeq(node: YAMLSeq, before: Value[], after: Value[]): void {
    if (node.items.length !== before.length) return this.replaceNode(node, after);
    const name = (v: Value): string | undefined => (isMap(v) && typeof v.name === 'string' ? v.name : undefined);
    const named = before.every((v) => name(v) !== undefined) && after.every((v) => name(v) !== undefined);
    if (!named) {
      if (before.length === after.length) {
        before.forEach((b, i) => this.patch(node.items[i], b, after[i]));
        return;
      }
      return this.replaceNode(node, after);
    }
    const beforeNames = before.map(name) as string[];
    const afterNames = after.map(name) as string[];
    const kept = afterNames.filter((n) => beforeNames.includes(n));
    const keptInBefore = beforeNames.filter((n) => afterNames.includes(n));
    if (kept.join('\0') !== keptInBefore.join('\0') || new Set(afterNames).size !== afterNames.length || new Set(beforeNames).size !== beforeNames.length) {
      return this.replaceNode(node, after);
    }
    const col = node.range ? columnOf(this.text, this.dashOf(node.items[0]) ?? node.range[0]) : 0;
    const indent = ' '.repeat(col);
    // Removed items: whole lines.
    beforeNames.forEach((n, i) => {
      if (!afterNames.includes(n)) this.deleteItem(node.items[i]);
    });
    // Changed items, then new items after the previous kept one (or before the first).
    let prev: unknown = undefined;
    const pendingFront: string[] = [];
    for (const a of after) {
      const i = beforeNames.indexOf(name(a)!);
      if (i >= 0) {
        this.patch(node.items[i], before[i], a);
        prev = node.items[i];
        continue;
      }
      const lines = bodyLines([a], indent);
      if (prev === undefined) pendingFront.push(...lines);
      else this.insertAfter(prev, lines);
    }
    if (pendingFront.length) {
      const first = kept.length ? node.items[beforeNames.indexOf(kept[0])] : undefined;
      const dash = first !== undefined ? this.dashOf(first) : undefined;
      if (dash === undefined) return this.replaceNode(node, after);
      const at = lineStart(this.text, dash);
      this.edits.push({ start: at, end: at, text: `${pendingFront.join('\n')}\n` });
    }
  }

  /** Offset of the "-" that introduces a block sequence item. */
  private dashOf(item: unknown): number | undefined {
    const r = (item as Node | null)?.range;
    if (!r) return undefined;
    const ls = lineStart(this.text, r[0]);
    const m = /^[ \t]*-/.exec(this.text.slice(ls, r[0]));
    return m ? ls + m[0].length - 1 : undefined;
  }

  private deleteItem(item: unknown): void {
    const dash = this.dashOf(item);
    const end = contentEnd(item);
    if (dash === undefined || end === undefined || !onlySpacesBefore(this.text, dash)) return this.fail();
    this.deleteLines(dash, end - 1);
  }
}

/**
 * Edits turning the YAML document `source` (one document's text) into `after`, or undefined when the structure
 * cannot be patched in place (the caller then replaces the document). Offsets are relative to `source`.
 */
export function patchDocument(source: string, after: Json): OffsetEdit[] | undefined {
  // A document without a final line break (the file's last one, or one ending where the next starts) is patched with
  // one added, so that lines appended at its end and lines deleted there do not collide; mapped back below.
  const missingEol = !source.endsWith('\n');
  const src = missingEol ? `${source}\n` : source;
  const edits = patchText(src, after);
  if (!edits || !missingEol || edits.every((e) => e.end <= source.length && e.start < source.length)) return edits;
  const target = applyEdits(src, edits);
  return [minimalEdit(source, target.endsWith('\n') ? target.slice(0, -1) : target)];
}

/** The one edit turning `a` into `b`: their common prefix and suffix kept. */
function minimalEdit(a: string, b: string): OffsetEdit {
  let pre = 0;
  while (pre < a.length && pre < b.length && a.charCodeAt(pre) === b.charCodeAt(pre)) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a.charCodeAt(a.length - 1 - suf) === b.charCodeAt(b.length - 1 - suf)) suf++;
  return { start: pre, end: a.length - suf, text: b.slice(pre, b.length - suf) };
}

function patchText(source: string, after: Json): OffsetEdit[] | undefined {
  const doc = parseDocument(source, { version: '1.1', uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length || !isYamlMap(doc.contents) || doc.contents.flow) return undefined;
  const before = doc.toJS({ maxAliasCount: 100 }) as Json;
  const p = new YamlPatcher(source);
  p.patch(doc.contents, before, after);
  if (p.failed) return undefined;
  const edits: OffsetEdit[] = [];
  for (const e of [...p.edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const prev = edits[edits.length - 1];
    if (prev && e.start < prev.end) {
      // Overlapping deletions (adjacent removed lines) merge; anything else cannot be applied together.
      if (prev.text !== '' || e.text !== '') return undefined;
      prev.end = Math.max(prev.end, e.end);
      continue;
    }
    edits.push({ ...e });
  }
  return edits;
}

export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}
