// A fast reader for the block YAML Istio's injection templates render: block mappings and sequences, plain and
// quoted scalars, literal block scalars and small flow collections. Scalars are resolved by the `yaml` package itself
// (YAML 1.1, memoised: rendered pods repeat the same scalars), so values are the ones a full parse gives. Anything
// outside that subset (anchors, tags, folded or multi-line plain scalars, tabs, documents markers...) throws
// Unsupported, and the caller falls back to the `yaml` package for the whole text. Pure.
import { parse as parseYaml } from 'yaml';

export class Unsupported extends Error {}

const OPTIONS = { version: '1.1', uniqueKeys: false, maxAliasCount: 100 } as const;
const MEMO_LIMIT = 20_000;
const scalars = new Map<string, unknown>();
const flows = new Map<string, string>();

function unsupported(what: string): never {
  throw new Unsupported(what);
}

/** YAML 1.1's null and boolean words: the only plain scalars starting with a letter that are not strings. */
const WORDS = /^(?:~|[Nn]ull|NULL|[Yy]|[Yy]es|YES|[Nn]|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF)$/;

/** A plain scalar's value, as the `yaml` package resolves it (memoised). */
function plain(text: string): unknown {
  // Fast paths: words that are strings in every YAML 1.1 type, and decimal integers.
  if (/^[A-Za-z_/$]/.test(text) && !WORDS.test(text) && !/:(\s|$)|\s#/.test(text)) return text;
  if (/^[1-9][0-9]{0,14}$/.test(text)) return Number(text);
  if (scalars.has(text)) return scalars.get(text);
  if (/^[-?:](\s|$)/.test(text) || /:(\s|$)/.test(text) || /^[&*!|>%@`'"{[\]},#]/.test(text)) unsupported(`plain scalar ${text}`);
  const v = parseYaml(text, OPTIONS) as unknown;
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) unsupported(`plain scalar ${text}`);
  if (scalars.size >= MEMO_LIMIT) scalars.clear();
  scalars.set(text, v);
  return v;
}

/** A flow collection's value (memoised as JSON, returned as a fresh copy). */
function flow(text: string): unknown {
  let json = flows.get(text);
  if (json === undefined) {
    json = JSON.stringify(parseYaml(text, OPTIONS) as unknown);
    if (flows.size >= MEMO_LIMIT) flows.clear();
    flows.set(text, json);
  }
  return JSON.parse(json) as unknown;
}

interface Entry {
  key: string;
  rest: string;
}
/** Lines of rendered pods repeat from pod to pod: their key/value split is memoised. */
const entries = new Map<string, Entry | null>();

const JSON_ESCAPES = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/;

class Reader {
  private i = 0;
  private readonly lines: string[];
  private readonly finalBreak: boolean;

  constructor(text: string) {
    if (text.includes('\t') || text.includes('\r')) unsupported('tabs or carriage returns');
    this.finalBreak = text.endsWith('\n');
    this.lines = (this.finalBreak ? text.slice(0, -1) : text).split('\n');
  }

  read(): unknown {
    this.skipBlank();
    if (this.i >= this.lines.length) return null;
    const v = this.block(this.indent(this.lines[this.i]));
    this.skipBlank();
    if (this.i < this.lines.length) unsupported(`line ${this.i + 1}`);
    return v;
  }

  private indent(line: string): number {
    let n = 0;
    while (line.charCodeAt(n) === 32) n++;
    return n;
  }

  private blank(line: string): boolean {
    const t = line.trimStart();
    return t === '' || t.startsWith('#');
  }

  private skipBlank(): void {
    while (this.i < this.lines.length && this.blank(this.lines[this.i])) {
      if (/^(---|\.\.\.)(\s|$)/.test(this.lines[this.i])) unsupported('document marker');
      this.i++;
    }
    if (this.i < this.lines.length && /^(---|\.\.\.|%)/.test(this.lines[this.i])) unsupported('document marker');
  }

  private block(ind: number): unknown {
    const content = this.lines[this.i].slice(ind);
    return content === '-' || content.startsWith('- ') ? this.seq(ind) : this.map(ind);
  }

  private seq(ind: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      this.skipBlank();
      if (this.i >= this.lines.length) break;
      const line = this.lines[this.i];
      const li = this.indent(line);
      if (li < ind) break;
      if (li > ind) unsupported(`indentation at line ${this.i + 1}`);
      const content = line.slice(ind);
      if (!(content === '-' || content.startsWith('- '))) break;
      const rest = content.slice(1).trimStart();
      if (rest === '' || rest.startsWith('#')) {
        this.i++;
        out.push(this.nested(ind));
        continue;
      }
      const col = line.length - rest.length;
      if (rest === '-' || rest.startsWith('- ') || this.entryKey(rest) !== undefined) {
        // "- key: v" / "- - x": the rest of the line starts a collection at its own column.
        this.lines[this.i] = ' '.repeat(col) + rest;
        out.push(this.block(col));
        continue;
      }
      out.push(this.value(rest, ind));
    }
    return out;
  }

  /** The value on the lines after "key:" or "-": a deeper block, or null. */
  private nested(ind: number, allowSeqAtSameIndent = false): unknown {
    this.skipBlank();
    if (this.i >= this.lines.length) return null;
    const line = this.lines[this.i];
    const li = this.indent(line);
    if (li > ind) return this.block(li);
    const c = line.slice(li);
    if (allowSeqAtSameIndent && li === ind && (c === '-' || c.startsWith('- '))) return this.seq(ind);
    return null;
  }

  /** The key of "key: value" / "key:" (quoted or plain) and the value's text, or undefined (memoised by line). */
  private entryKey(content: string): Entry | undefined {
    const hit = entries.get(content);
    if (hit !== undefined) return hit ?? undefined;
    const e = this.readEntry(content);
    if (entries.size >= MEMO_LIMIT) entries.clear();
    entries.set(content, e ?? null);
    return e;
  }

  private readEntry(content: string): Entry | undefined {
    let key: string;
    let after: number;
    if (content[0] === '"' || content[0] === "'") {
      const end = this.quotedEnd(content, 0);
      if (end < 0) return undefined;
      if (content[end + 1] !== ':') return undefined;
      key = String(this.quoted(content.slice(0, end + 1)));
      after = end + 2;
    } else {
      const m = /^([^\s#&*!|>%@`{[\]},?'"-][^#]*?|-[^\s#][^#]*?):(?:\s|$)/.exec(content);
      if (!m) return undefined;
      if (m[1] === '<<') unsupported('merge key');
      const k = plain(m[1].trimEnd());
      if (k === null || typeof k === 'object') unsupported('key');
      key = String(k);
      after = m[0].length;
    }
    if (after < content.length && content[after - 1] !== ' ') unsupported('key');
    return { key, rest: content.slice(after).trim() };
  }

  private map(ind: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipBlank();
      if (this.i >= this.lines.length) break;
      const line = this.lines[this.i];
      const li = this.indent(line);
      if (li < ind) break;
      if (li > ind) unsupported(`indentation at line ${this.i + 1}`);
      const content = line.slice(ind);
      if (content === '-' || content.startsWith('- ')) break;
      const e = this.entryKey(content);
      if (!e) unsupported(`line ${this.i + 1}`);
      if (e.rest === '' || e.rest.startsWith('#')) {
        this.i++;
        out[e.key] = this.nested(ind, true);
      } else out[e.key] = this.value(e.rest, ind);
    }
    return out;
  }

  /** A value written after "key: " or "- " on the current line (which it consumes). */
  private value(text: string, ind: number): unknown {
    const c = text[0];
    if (c === '{' || c === '[') return this.flowValue(text);
    if (c === '|') return this.literal(text, ind);
    if (c === '"' || c === "'") {
      const end = this.quotedEnd(text, 0);
      if (end < 0) unsupported('multi-line quoted scalar');
      const tail = text.slice(end + 1).trim();
      if (tail !== '' && !tail.startsWith('#')) unsupported('text after a quoted scalar');
      this.i++;
      this.noContinuation(ind);
      return this.quoted(text.slice(0, end + 1));
    }
    const hash = text.search(/\s#/);
    const body = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
    this.i++;
    this.noContinuation(ind);
    return plain(body);
  }

  /** A more indented line after a scalar would continue it (a multi-line plain scalar): not in this subset. */
  private noContinuation(ind: number): void {
    let j = this.i;
    while (j < this.lines.length && this.blank(this.lines[j])) j++;
    if (j < this.lines.length && this.indent(this.lines[j]) > ind) unsupported(`continuation at line ${j + 1}`);
  }

  private quotedEnd(text: string, start: number): number {
    const q = text[start];
    for (let k = start + 1; k < text.length; k++) {
      if (q === '"' && text[k] === '\\') { k++; continue; }
      if (text[k] === q) {
        if (q === "'" && text[k + 1] === "'") { k++; continue; }
        return k;
      }
    }
    return -1;
  }

  private quoted(s: string): string {
    if (s[0] === "'") return s.slice(1, -1).replace(/''/g, "'");
    if (!s.includes('\\')) return s.slice(1, -1);
    if (!JSON_ESCAPES.test(s)) return JSON.parse(s) as string;
    return String(parseYaml(s, OPTIONS));
  }

  private flowValue(text: string): unknown {
    // Collect lines until the brackets balance (outside quotes).
    let depth = 0;
    let quote = '';
    let buf = '';
    let line = text;
    for (;;) {
      for (let k = 0; k < line.length; k++) {
        const ch = line[k];
        if (quote) {
          if (quote === '"' && ch === '\\') { k++; continue; }
          if (ch === quote) quote = '';
          continue;
        }
        if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            const tail = line.slice(k + 1).trim();
            if (tail !== '' && !tail.startsWith('#')) unsupported('text after a flow collection');
            this.i++;
            return flow(buf + line.slice(0, k + 1));
          }
        } else if (ch === '#' && (k === 0 || line[k - 1] === ' ')) unsupported('comment in a flow collection');
      }
      if (quote) unsupported('multi-line quoted scalar in a flow collection');
      buf += `${line}\n`;
      this.i++;
      if (this.i >= this.lines.length) unsupported('unterminated flow collection');
      line = this.lines[this.i];
    }
  }

  /** A literal block scalar ("|", "|-", "|+"); its lines are more indented than `ind`. */
  private literal(header: string, ind: number): string {
    const m = /^\|([-+]?)\s*(#.*)?$/.exec(header);
    if (!m) unsupported(`block scalar header ${header}`);
    const chomp = m[1];
    this.i++;
    let blockIndent = -1;
    const body: string[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i];
      if (line.trim() === '') {
        body.push(blockIndent >= 0 ? line.slice(blockIndent) : '');
        if (blockIndent < 0 && line.length > 0) unsupported('leading spaces in a block scalar');
        this.i++;
        continue;
      }
      const li = this.indent(line);
      if (li <= ind) break;
      if (blockIndent < 0) blockIndent = li;
      else if (li < blockIndent) unsupported('less indented block scalar line');
      body.push(line.slice(blockIndent));
      this.i++;
    }
    if (this.i >= this.lines.length && !this.finalBreak) unsupported('block scalar at the end without a line break');
    let trailing = 0;
    while (body.length && body[body.length - 1] === '') { body.pop(); trailing++; }
    // A final line of only spaces beyond the indentation would be content: not in this subset.
    if (!body.length) unsupported('empty block scalar');
    const core = body.join('\n');
    if (chomp === '-') return core;
    if (chomp === '+') return `${core}\n${'\n'.repeat(trailing)}`;
    return `${core}\n`;
  }
}

/** The value of rendered injection YAML; throws Unsupported for input outside the subset. */
export function readRenderedYaml(text: string): unknown {
  return new Reader(text).read();
}
