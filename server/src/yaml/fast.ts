// A fast YAML front end for the block-style YAML that Kubernetes manifests are written in. It is a port of the `yaml`
// package's Lexer, Parser and Composer (yaml 2.x, ISC licence, see below), restricted to a subset and written without
// generators: on that subset it builds the same CST and the same Documents (node classes, values, scalar styles, ranges,
// comments, spaceBefore) as `new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text))` — test/unit/yaml-fast.test.ts
// checks this on every YAML file we have, thousands of mutations of them and thousands of generated documents.
//
// The subset: block mappings and sequences, plain scalars, quoted scalars on one line, literal and folded block scalars
// (without an indentation indicator), flow collections of scalars on one line, comments, blank lines, `---` markers.
// Anything else (anchors, aliases, tags, explicit keys, directives, `...`, tabs, CR line ends, a byte-order mark,
// multi-line quoted scalars, flow collections over several lines or nested, deep nesting) and any input on which `yaml` would
// report an error or a warning makes it return undefined, and the caller parses the text with `yaml` itself: broken
// and unusual YAML keep exactly yaml's behaviour and messages. Pure; never throws.
// parseYaml tries the direct composer (direct.ts, which shares this file's node and props helpers) first; this port
// reads what the direct composer leaves (multi-line quoted scalars, unusual comment placements, ...).
//
// Ported from yaml (https://github.com/eemeli/yaml), whose licence applies to this file's derived parts:
//   Copyright Eemeli Aro <eemeli@gmail.com>
//   Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby
//   granted, provided that the above copyright notice and this permission notice appear in all copies.
//   THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE INCLUDING ALL
//   IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY SPECIAL, DIRECT,
//   INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN
//   AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR
//   PERFORMANCE OF THIS SOFTWARE.
import { Composer, Document, isScalar, Pair, Scalar, YAMLMap, YAMLSeq, type Node, type Schema } from 'yaml';

/** The options parseYaml composes with (the fast path must use the same: they shape ranges, errors and Document.options). */
export const COMPOSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

/** Collections nested deeper than this are left to `yaml` (parseYaml's own nesting guard then applies). */
const MAX_DEPTH = 100;

/** Thrown (one shared instance) when the input leaves the subset; caught in fastParse. */
export const BAIL: { bail: true } = { bail: true };
export function bail(): never {
  throw BAIL;
}

type TokType =
  | 'doc-mode' | 'doc-start' | 'space' | 'comment' | 'newline' | 'seq-item-ind' | 'map-value-ind' | 'scalar'
  | 'single-quoted-scalar' | 'double-quoted-scalar' | 'block-scalar-header' | 'flow-map-start' | 'flow-map-end'
  | 'flow-seq-start' | 'flow-seq-end' | 'comma';

export interface SourceToken {
  type: TokType;
  offset: number;
  indent: number;
  source: string;
}
interface FlowScalar {
  type: 'scalar' | 'single-quoted-scalar' | 'double-quoted-scalar';
  offset: number;
  indent: number;
  source: string;
  end?: SourceToken[];
}
export interface BlockScalar {
  type: 'block-scalar';
  offset: number;
  indent: number;
  props: SourceToken[];
  source: string;
}
interface Item {
  start: SourceToken[];
  key?: Value | null;
  sep?: SourceToken[];
  value?: Value;
}
interface BlockMap {
  type: 'block-map';
  offset: number;
  indent: number;
  items: Item[];
}
interface BlockSeq {
  type: 'block-seq';
  offset: number;
  indent: number;
  items: Item[];
}
interface FlowCollection {
  type: 'flow-collection';
  offset: number;
  indent: number;
  start: SourceToken;
  items: Item[];
  end: SourceToken[];
}
type Value = FlowScalar | BlockScalar | BlockMap | BlockSeq | FlowCollection;
interface DocToken {
  type: 'document';
  offset: number;
  start: SourceToken[];
  value?: Value;
  end?: SourceToken[];
}
/** A top-level CST token, as `Parser.parse` yields them. */
export type TopToken = DocToken | SourceToken;
type StackToken = DocToken | Value;

/** Runs of spaces by length: indentation repeats the same few lengths on every line, so a space token's source is shared. */
const SPACES: string[] = [];
export function spaces(n: number): string {
  if (n > 64) return ' '.repeat(n);
  return (SPACES[n] ??= ' '.repeat(n));
}

const isEmpty = (ch: string | undefined): boolean => ch === undefined || ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t';
const isFlowIndicatorCode = (c: number): boolean => c === 44 || c === 91 || c === 93 || c === 123 || c === 125;
const isFlowIndicator = (ch: string | undefined): boolean => ch === ',' || ch === '[' || ch === ']' || ch === '{' || ch === '}';

/**
 * `list` with `token` appended. An item's token lists mostly hold one to three tokens (newline and indentation; `:` and a
 * space), and Array.push on a one-slot array grows its store to 17 slots, so short lists are copied at their exact size
 * instead. Only for lists that their owner alone refers to: the caller stores the result back in the owner.
 */
function appended(list: SourceToken[], token: SourceToken): SourceToken[] {
  switch (list.length) {
    case 0:
      return [token];
    case 1:
      return [list[0], token];
    case 2:
      return [list[0], list[1], token];
    default:
      list.push(token);
      return list;
  }
}

function findNonEmptyIndex(list: SourceToken[]): number {
  for (let i = 0; i < list.length; ++i) {
    const t = list[i].type;
    if (t !== 'space' && t !== 'comment' && t !== 'newline') return i;
  }
  return -1;
}

function includesToken(list: SourceToken[], type: TokType): boolean {
  for (let i = 0; i < list.length; ++i) if (list[i].type === type) return true;
  return false;
}

function getPrevProps(parent: StackToken): SourceToken[] {
  switch (parent.type) {
    case 'document':
      return parent.start;
    case 'block-map': {
      const it = parent.items[parent.items.length - 1];
      return it.sep ?? it.start;
    }
    case 'block-seq':
      return parent.items[parent.items.length - 1].start;
    default:
      return [];
  }
}

/** May modify `prev`. */
function getFirstKeyStartProps(prev: SourceToken[]): SourceToken[] {
  if (prev.length === 0) return [];
  let i = prev.length;
  loop: while (--i >= 0) {
    switch (prev[i].type) {
      case 'doc-start':
      case 'map-value-ind':
      case 'seq-item-ind':
      case 'newline':
        break loop;
    }
  }
  while (prev[++i]?.type === 'space') {
    /* loop */
  }
  return prev.splice(i, prev.length);
}

function isFlowToken(token: Value | null | undefined): token is FlowScalar | FlowCollection {
  switch (token?.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'flow-collection':
      return true;
    default:
      return false;
  }
}

/** In a flow sequence, an item with a key but no `:` is a value. */
function fixFlowSeqItems(fc: FlowCollection): void {
  if (fc.start.type !== 'flow-seq-start') return;
  for (const it of fc.items) {
    if (it.sep && !it.value && !includesToken(it.sep, 'map-value-ind')) {
      if (it.key) it.value = it.key;
      delete it.key;
      if (isFlowToken(it.value)) {
        if (it.value.end) it.value.end.push(...it.sep);
        else it.value.end = it.sep;
      } else it.start.push(...it.sep);
      delete it.sep;
    }
  }
}

/** The CST parser (yaml's Parser), fed typed tokens by the lexer below. */
class CstParser {
  private atNewLine = true;
  private indent = 0;
  private offset = 0;
  private onKeyLine = false;
  private readonly stack: StackToken[] = [];
  private source = '';
  private type: TokType = 'doc-mode';

  /** `emit` receives each top-level token as soon as it is complete (a document's CST can be composed and dropped). */
  constructor(private readonly emit: (token: TopToken) => void) {}

  /** Every token but a plain or block scalar's text. */
  token(type: TokType, source: string): void {
    this.source = source;
    this.type = type;
    this.step();
    switch (type) {
      case 'newline':
        this.atNewLine = true;
        this.indent = 0;
        break;
      case 'space':
        if (this.atNewLine && source[0] === ' ') this.indent += source.length;
        break;
      case 'map-value-ind':
      case 'seq-item-ind':
        if (this.atNewLine) this.indent += source.length;
        break;
      case 'doc-mode':
        return;
      default:
        this.atNewLine = false;
    }
    this.offset += source.length;
  }

  /** The text of a plain or block scalar (the lexer's SCALAR marker followed by its source). */
  scalar(source: string): void {
    this.atNewLine = false;
    this.type = 'scalar';
    this.source = source;
    this.step();
    this.offset += source.length;
  }

  end(): void {
    while (this.stack.length > 0) this.pop();
  }

  private get sourceToken(): SourceToken {
    return { type: this.type, offset: this.offset, indent: this.indent, source: this.source };
  }

  private step(): void {
    if (this.stack.length > MAX_DEPTH) bail();
    const top = this.stack[this.stack.length - 1];
    if (!top) return this.stream();
    switch (top.type) {
      case 'document':
        return this.document(top);
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        return this.flowScalarStep(top);
      case 'block-scalar':
        return this.blockScalar(top);
      case 'block-map':
        return this.blockMap(top);
      case 'block-seq':
        return this.blockSequence(top);
      case 'flow-collection':
        return this.flowCollection(top);
    }
  }

  private pop(): void {
    const token = this.stack.pop()!;
    if (this.stack.length === 0) {
      this.emit(token as DocToken);
      return;
    }
    const top = this.stack[this.stack.length - 1];
    if (token.type === 'block-scalar') token.indent = top.type === 'document' ? 0 : top.indent;
    else if (token.type === 'flow-collection' && top.type === 'document') token.indent = 0;
    if (token.type === 'document') bail();
    if (token.type === 'flow-collection') fixFlowSeqItems(token);
    const value = token as Value;
    switch (top.type) {
      case 'document':
        top.value = value;
        break;
      case 'block-map': {
        const it = top.items[top.items.length - 1];
        if (it.value) {
          top.items.push({ start: [], key: value, sep: [] });
          this.onKeyLine = true;
          return;
        } else if (it.sep) {
          it.value = value;
        } else {
          it.key = value;
          it.sep = [];
          this.onKeyLine = true;
          return;
        }
        break;
      }
      case 'block-seq': {
        const it = top.items[top.items.length - 1];
        if (it.value) top.items.push({ start: [], value });
        else it.value = value;
        break;
      }
      case 'flow-collection': {
        const it = top.items[top.items.length - 1];
        if (!it || it.value) top.items.push({ start: [], key: value, sep: [] });
        else if (it.sep) it.value = value;
        else {
          it.key = value;
          it.sep = [];
        }
        return;
      }
      default:
        bail();
    }
    if (value.type === 'block-map' || value.type === 'block-seq') {
      const last = value.items[value.items.length - 1];
      if (last && !last.sep && !last.value && last.start.length > 0 && findNonEmptyIndex(last.start) === -1 &&
        (value.indent === 0 || last.start.every((st) => st.type !== 'comment' || st.indent < value.indent))) {
        if (top.type === 'document') top.end = last.start;
        else top.items.push({ start: last.start });
        value.items.splice(-1, 1);
      }
    }
  }

  private stream(): void {
    switch (this.type) {
      case 'space':
      case 'comment':
      case 'newline':
        this.emit(this.sourceToken);
        return;
      case 'doc-mode':
      case 'doc-start': {
        const doc: DocToken = { type: 'document', offset: this.offset, start: [] };
        if (this.type === 'doc-start') doc.start.push(this.sourceToken);
        this.stack.push(doc);
        return;
      }
    }
    bail();
  }

  private document(doc: DocToken): void {
    if (doc.value) return this.lineEnd(doc);
    switch (this.type) {
      case 'doc-start':
        if (findNonEmptyIndex(doc.start) !== -1) {
          this.pop();
          this.step();
        } else doc.start.push(this.sourceToken);
        return;
      case 'space':
      case 'comment':
      case 'newline':
        doc.start.push(this.sourceToken);
        return;
    }
    const bv = this.startBlockValue(doc);
    if (bv) this.stack.push(bv);
    else bail();
  }

  private flowScalarStep(scalar: FlowScalar): void {
    if (this.type === 'map-value-ind') {
      const prev = getPrevProps(this.stack[this.stack.length - 2]);
      const start = getFirstKeyStartProps(prev);
      let sep: SourceToken[];
      if (scalar.end) {
        sep = scalar.end;
        sep.push(this.sourceToken);
        delete scalar.end;
      } else sep = [this.sourceToken];
      const map: BlockMap = { type: 'block-map', offset: scalar.offset, indent: scalar.indent, items: [{ start, key: scalar, sep }] };
      this.onKeyLine = true;
      this.stack[this.stack.length - 1] = map;
    } else this.lineEnd(scalar);
  }

  private blockScalar(scalar: BlockScalar): void {
    switch (this.type) {
      case 'space':
      case 'comment':
      case 'newline':
        scalar.props.push(this.sourceToken);
        return;
      case 'scalar':
        scalar.source = this.source;
        this.atNewLine = true;
        this.indent = 0;
        this.pop();
        return;
      default:
        bail();
    }
  }

  private blockMap(map: BlockMap): void {
    const it = map.items[map.items.length - 1];
    switch (this.type) {
      case 'newline':
        this.onKeyLine = false;
        if (it.value) {
          const end = 'end' in it.value ? it.value.end : undefined;
          const last = Array.isArray(end) ? end[end.length - 1] : undefined;
          if (last?.type === 'comment') end!.push(this.sourceToken);
          else map.items.push({ start: [this.sourceToken] });
        } else if (it.sep) it.sep = appended(it.sep, this.sourceToken);
        else it.start = appended(it.start, this.sourceToken);
        return;
      case 'space':
      case 'comment':
        if (it.value) map.items.push({ start: [this.sourceToken] });
        else if (it.sep) it.sep = appended(it.sep, this.sourceToken);
        else {
          if (this.atIndentedComment(it.start, map.indent)) {
            const prev = map.items[map.items.length - 2];
            const end = prev?.value && 'end' in prev.value ? prev.value.end : undefined;
            if (Array.isArray(end)) {
              end.push(...it.start);
              end.push(this.sourceToken);
              map.items.pop();
              return;
            }
          }
          it.start = appended(it.start, this.sourceToken);
        }
        return;
    }
    if (this.indent >= map.indent) {
      const atMapIndent = !this.onKeyLine && this.indent === map.indent;
      const atNextItem = atMapIndent && !!it.sep && this.type !== 'seq-item-ind';
      // The props of the next item, split off this one's sep; most tokens start no item, so no array until one does.
      let start: SourceToken[] | undefined;
      if (atNextItem && it.sep && !it.value) {
        const nl: number[] = [];
        for (let i = 0; i < it.sep.length; ++i) {
          const st = it.sep[i];
          switch (st.type) {
            case 'newline':
              nl.push(i);
              break;
            case 'space':
              break;
            case 'comment':
              if (st.indent > map.indent) nl.length = 0;
              break;
            default:
              nl.length = 0;
          }
        }
        if (nl.length >= 2) start = it.sep.splice(nl[1]);
      }
      switch (this.type) {
        case 'map-value-ind':
          if (!it.sep) {
            it.key = null;
            it.sep = [this.sourceToken];
          }
          else if (it.value || atNextItem) map.items.push({ start: start ?? [], key: null, sep: [this.sourceToken] });
          else if (includesToken(it.sep, 'map-value-ind')) {
            this.stack.push({ type: 'block-map', offset: this.offset, indent: this.indent, items: [{ start: [], key: null, sep: [this.sourceToken] }] });
          } else it.sep = appended(it.sep, this.sourceToken);
          this.onKeyLine = true;
          return;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar': {
          const fs = this.flowScalar(this.type);
          if (atNextItem || it.value) {
            map.items.push({ start: start ?? [], key: fs, sep: [] });
            this.onKeyLine = true;
          } else if (it.sep) {
            this.stack.push(fs);
          } else {
            it.key = fs;
            it.sep = [];
            this.onKeyLine = true;
          }
          return;
        }
        default: {
          const bv = this.startBlockValue(map);
          if (bv) {
            if (bv.type === 'block-seq') {
              if (it.sep && !includesToken(it.sep, 'newline')) bail(); // "Unexpected block-seq-ind on same line with key"
            } else if (atMapIndent) {
              map.items.push({ start: start ?? [] });
            }
            this.stack.push(bv);
            return;
          }
        }
      }
    }
    this.pop();
    this.step();
  }

  private blockSequence(seq: BlockSeq): void {
    const it = seq.items[seq.items.length - 1];
    switch (this.type) {
      case 'newline':
        if (it.value) {
          const end = 'end' in it.value ? it.value.end : undefined;
          const last = Array.isArray(end) ? end[end.length - 1] : undefined;
          if (last?.type === 'comment') end!.push(this.sourceToken);
          else seq.items.push({ start: [this.sourceToken] });
        } else it.start = appended(it.start, this.sourceToken);
        return;
      case 'space':
      case 'comment':
        if (it.value) seq.items.push({ start: [this.sourceToken] });
        else {
          if (this.atIndentedComment(it.start, seq.indent)) {
            const prev = seq.items[seq.items.length - 2];
            const end = prev?.value && 'end' in prev.value ? prev.value.end : undefined;
            if (Array.isArray(end)) {
              end.push(...it.start);
              end.push(this.sourceToken);
              seq.items.pop();
              return;
            }
          }
          it.start = appended(it.start, this.sourceToken);
        }
        return;
      case 'seq-item-ind':
        if (this.indent !== seq.indent) break;
        if (it.value || includesToken(it.start, 'seq-item-ind')) seq.items.push({ start: [this.sourceToken] });
        else it.start = appended(it.start, this.sourceToken);
        return;
    }
    if (this.indent > seq.indent) {
      const bv = this.startBlockValue(seq);
      if (bv) {
        this.stack.push(bv);
        return;
      }
    }
    this.pop();
    this.step();
  }

  /** Flow collections of scalars on one line reach here (the lexer leaves the others to yaml). */
  private flowCollection(fc: FlowCollection): void {
    if (fc.end.length === 0) {
      const it = fc.items[fc.items.length - 1] as Item | undefined;
      switch (this.type) {
        case 'comma':
          if (!it || it.sep) fc.items.push({ start: [this.sourceToken] });
          else it.start.push(this.sourceToken);
          return;
        case 'map-value-ind':
          if (!it || it.value) fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
          else if (it.sep) it.sep.push(this.sourceToken);
          else {
            it.key = null;
            it.sep = [this.sourceToken];
          }
          return;
        case 'space':
        case 'comment':
        case 'newline':
          if (!it || it.value) fc.items.push({ start: [this.sourceToken] });
          else if (it.sep) it.sep.push(this.sourceToken);
          else it.start.push(this.sourceToken);
          return;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar': {
          const fs = this.flowScalar(this.type);
          if (!it || it.value) fc.items.push({ start: [], key: fs, sep: [] });
          else if (it.sep) this.stack.push(fs);
          else {
            it.key = fs;
            it.sep = [];
          }
          return;
        }
        case 'flow-map-end':
        case 'flow-seq-end':
          fc.end.push(this.sourceToken);
          return;
      }
      return bail(); // a collection inside a flow collection
    }
    const parent = this.stack[this.stack.length - 2];
    if (parent.type === 'flow-collection') bail();
    if (parent.type === 'block-map' &&
      ((this.type === 'map-value-ind' && parent.indent === fc.indent) || (this.type === 'newline' && !parent.items[parent.items.length - 1].sep))) {
      this.pop();
      this.step();
    } else if (this.type === 'map-value-ind') {
      bail(); // a flow collection as an implicit key
    } else {
      this.lineEnd(fc);
    }
  }

  private flowScalar(type: FlowScalar['type']): FlowScalar {
    return { type, offset: this.offset, indent: this.indent, source: this.source };
  }

  private startBlockValue(parent: StackToken): Value | null {
    switch (this.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        return this.flowScalar(this.type);
      case 'block-scalar-header':
        return { type: 'block-scalar', offset: this.offset, indent: this.indent, props: [this.sourceToken], source: '' };
      case 'flow-map-start':
      case 'flow-seq-start':
        return { type: 'flow-collection', offset: this.offset, indent: this.indent, start: this.sourceToken, items: [], end: [] };
      case 'seq-item-ind':
        return { type: 'block-seq', offset: this.offset, indent: this.indent, items: [{ start: [this.sourceToken] }] };
      case 'map-value-ind': {
        this.onKeyLine = true;
        const prev = getPrevProps(parent);
        const start = getFirstKeyStartProps(prev);
        return { type: 'block-map', offset: this.offset, indent: this.indent, items: [{ start, key: null, sep: [this.sourceToken] }] };
      }
    }
    return null;
  }

  private atIndentedComment(start: SourceToken[], indent: number): boolean {
    if (this.type !== 'comment') return false;
    if (this.indent <= indent) return false;
    return start.every((st) => st.type === 'newline' || st.type === 'space');
  }

  private lineEnd(token: DocToken | FlowScalar | FlowCollection): void {
    switch (this.type) {
      case 'comma':
      case 'doc-start':
      case 'flow-seq-end':
      case 'flow-map-end':
      case 'map-value-ind':
        this.pop();
        this.step();
        break;
      default:
        if (this.type === 'newline') this.onKeyLine = false;
        if (token.end) token.end = appended(token.end, this.sourceToken);
        else token.end = [this.sourceToken];
        if (this.type === 'newline') this.pop();
    }
  }
}

type LexState = 'stream' | 'line-start' | 'block-start' | 'doc' | 'flow' | null;

/** yaml's Lexer for complete input, emitting typed tokens straight into the parser; leaves the subset with bail(). */
class Lexer {
  private pos = 0;
  private indentNext = 0;
  private indentValue = 0;
  private blockScalarIndent = -1;
  private blockScalarKeep = false;
  private flowKey = false;
  private flowLevel = 0;
  private readonly len: number;

  constructor(private readonly buf: string, private readonly p: CstParser) {
    this.len = buf.length;
  }

  lex(): void {
    let next: LexState = 'stream';
    while (next && this.pos < this.len) {
      switch (next) {
        case 'stream':
          next = this.parseStream();
          break;
        case 'line-start':
          next = this.parseLineStart();
          break;
        case 'block-start':
          next = this.parseBlockStart();
          break;
        case 'doc':
          next = this.parseDocument();
          break;
        case 'flow':
          next = this.parseFlowCollection();
          break;
      }
    }
  }

  private lineEnd(): number {
    const nl = this.buf.indexOf('\n', this.pos);
    return nl === -1 ? this.len : nl;
  }

  private atLineEnd(): boolean {
    let i = this.pos;
    let ch = this.buf[i];
    while (ch === ' ') ch = this.buf[++i];
    return ch === undefined || ch === '#' || ch === '\n';
  }

  private emit(type: TokType, n: number): number {
    if (n > 0) {
      this.p.token(type, this.buf.substr(this.pos, n));
      this.pos += n;
      return n;
    }
    return 0;
  }

  /** A one-character token whose source is known (no substring of the text per newline, `:`, `-` or `,`). */
  private emitChar(type: TokType, source: string): void {
    this.p.token(type, source);
    this.pos += 1;
  }

  private pushNewline(): number {
    if (this.buf.charCodeAt(this.pos) !== 10) return 0;
    this.emitChar('newline', '\n');
    return 1;
  }

  private pushSpaces(): number {
    let i = this.pos;
    while (this.buf.charCodeAt(i) === 32) i++;
    const n = i - this.pos;
    if (n > 0) {
      this.p.token('space', spaces(n));
      this.pos = i;
    }
    return n;
  }

  private parseStream(): LexState {
    const ch = this.buf[this.pos];
    if (ch === '%' || ch === '\uFEFF') bail();
    if (this.atLineEnd()) {
      this.pushSpaces();
      const rest = this.lineEnd() - this.pos;
      if (rest > 0) this.emit('comment', rest);
      this.pushNewline();
      return 'stream';
    }
    this.p.token('doc-mode', '\x02');
    return this.parseLineStart();
  }

  private parseLineStart(): LexState {
    const ch = this.buf[this.pos];
    if (ch === '-' || ch === '.') {
      const s = this.buf.substr(this.pos, 3);
      if ((s === '---' || s === '...') && isEmpty(this.buf[this.pos + 3])) {
        if (s === '...') bail();
        this.emit('doc-start', 3);
        this.indentValue = 0;
        this.indentNext = 0;
        return 'doc';
      }
    }
    this.indentValue = this.pushSpaces();
    if (this.indentNext > this.indentValue && !isEmpty(this.buf[this.pos + 1])) this.indentNext = this.indentValue;
    return this.parseBlockStart();
  }

  private parseBlockStart(): LexState {
    const ch0 = this.buf[this.pos];
    const ch1 = this.buf[this.pos + 1];
    if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(ch1)) {
      if (ch0 !== '-') bail();
      this.emitChar('seq-item-ind', '-');
      const n = 1 + this.pushSpaces();
      this.indentNext = this.indentValue + 1;
      this.indentValue += n;
      return 'block-start';
    }
    return 'doc';
  }

  private pushIndicators(): number {
    let n = 0;
    for (;;) {
      const ch = this.buf[this.pos];
      if (ch === '!' || ch === '&') bail();
      const inFlow = this.flowLevel > 0;
      if ((ch === '-' || ch === '?' || ch === ':') && (isEmpty(this.buf[this.pos + 1]) || (inFlow && isFlowIndicator(this.buf[this.pos + 1])))) {
        if (ch === '?') bail();
        if (!inFlow) this.indentNext = this.indentValue + 1;
        else if (this.flowKey) this.flowKey = false;
        if (ch === '-') this.emitChar('seq-item-ind', '-');
        else this.emitChar('map-value-ind', ':');
        n += 1 + this.pushSpaces();
        continue;
      }
      return n;
    }
  }

  private parseDocument(): LexState {
    this.pushSpaces();
    this.pushIndicators();
    // The line's end is looked up only where it is needed (indicators never cross it): most tokens are plain scalars.
    const ch = this.buf[this.pos];
    switch (ch) {
      case '#':
      case undefined:
      case '\n':
        if (ch === '#') this.emit('comment', this.lineEnd() - this.pos);
        this.pushNewline();
        return this.parseLineStart();
      case '{':
      case '[':
        this.emit(ch === '{' ? 'flow-map-start' : 'flow-seq-start', 1);
        this.flowKey = false;
        this.flowLevel = 1;
        return 'flow';
      case '}':
      case ']':
      case '*':
        return bail();
      case '"':
      case "'":
        return this.parseQuotedScalar(ch, this.lineEnd());
      case '|':
      case '>':
        return this.parseBlockScalarHeader(this.lineEnd());
      default:
        return this.parsePlainScalar();
    }
  }

  private parseQuotedScalar(quote: string, lineEnd: number): LexState {
    const { buf } = this;
    let end = buf.indexOf(quote, this.pos + 1);
    if (quote === "'") {
      while (end !== -1 && end < lineEnd && buf[end + 1] === "'") end = buf.indexOf("'", end + 2);
    } else {
      while (end !== -1 && end < lineEnd) {
        let n = 0;
        while (buf[end - 1 - n] === '\\') n += 1;
        if (n % 2 === 0) break;
        end = buf.indexOf('"', end + 1);
      }
    }
    // Unterminated, or closed on a later line: multi-line quoted scalars are left to yaml.
    if (end === -1 || end >= lineEnd) bail();
    this.emit(quote === "'" ? 'single-quoted-scalar' : 'double-quoted-scalar', end + 1 - this.pos);
    return this.flowLevel ? 'flow' : 'doc';
  }

  /** Inside a flow collection, which must end on the line it starts on (and hold no other collection). */
  private parseFlowCollection(): LexState {
    if (this.buf.charCodeAt(this.pos) === 10) bail();
    this.pushSpaces();
    const lineEnd = this.lineEnd();
    while (this.buf[this.pos] === ',') {
      this.emitChar('comma', ',');
      this.pushSpaces();
      this.flowKey = false;
    }
    this.pushIndicators();
    const ch = this.buf[this.pos];
    if (ch === ':') {
      const next = this.buf[this.pos + 1];
      if (this.flowKey || isEmpty(next) || next === ',') {
        this.flowKey = false;
        this.emitChar('map-value-ind', ':');
        this.pushSpaces();
        return 'flow';
      }
    }
    switch (ch) {
      case undefined:
      case '\n':
      case '#':
      case '{':
      case '[':
      case '*':
        return bail();
      case '}':
      case ']':
        this.emit(ch === '}' ? 'flow-map-end' : 'flow-seq-end', 1);
        this.flowKey = true;
        this.flowLevel -= 1;
        return this.flowLevel ? 'flow' : 'doc';
      case '"':
      case "'":
        this.flowKey = true;
        return this.parseQuotedScalar(ch, lineEnd);
      default:
        this.flowKey = false;
        return this.parsePlainScalar();
    }
  }

  private parseBlockScalarHeader(lineEnd: number): LexState {
    this.blockScalarIndent = -1;
    this.blockScalarKeep = false;
    let i = this.pos;
    for (;;) {
      const ch = this.buf[++i];
      if (ch === '+') this.blockScalarKeep = true;
      else if (ch > '0' && ch <= '9') bail(); // explicit indentation indicator
      else if (ch !== '-') break;
    }
    let j = this.pos;
    for (let ch = this.buf[j]; !(isEmpty(ch) || ch === '#'); ch = this.buf[++j]) {
      /* until white space or a comment */
    }
    this.emit('block-scalar-header', j - this.pos);
    this.pushSpaces();
    const rest = lineEnd - this.pos;
    if (rest > 0) {
      if (this.buf[this.pos] !== '#') bail();
      this.emit('comment', rest);
    }
    this.pushNewline();
    return this.parseBlockScalar();
  }

  private continueScalar(offset: number): number {
    const { buf } = this;
    let ch = buf[offset];
    if (this.indentNext > 0) {
      let indent = 0;
      while (ch === ' ') ch = buf[++indent + offset];
      return ch === '\n' || indent >= this.indentNext ? offset + indent : -1;
    }
    if (ch === '-' || ch === '.') {
      const dt = buf.substr(offset, 3);
      if ((dt === '---' || dt === '...') && isEmpty(buf[offset + 3])) return -1;
    }
    return offset;
  }

  private parseBlockScalar(): LexState {
    const { buf } = this;
    let nl = this.pos - 1;
    let indent = 0;
    let ch: string | undefined;
    loop: for (let i = this.pos; (ch = buf[i]); ++i) {
      switch (ch) {
        case ' ':
          indent += 1;
          break;
        case '\n':
          nl = i;
          indent = 0;
          break;
        default:
          break loop;
      }
    }
    if (indent >= this.indentNext) {
      if (this.blockScalarIndent === -1) this.indentNext = indent;
      else this.indentNext = this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
      do {
        const cs = this.continueScalar(nl + 1);
        if (cs === -1) break;
        nl = buf.indexOf('\n', cs);
      } while (nl !== -1);
      if (nl === -1) nl = this.len;
    }
    if (!this.blockScalarKeep) {
      for (;;) {
        let i = nl - 1;
        let c = buf[i];
        const lastChar = i;
        while (c === ' ') c = buf[--i];
        if (c === '\n' && i >= this.pos && i + 1 + indent > lastChar) nl = i;
        else break;
      }
    }
    const s = buf.slice(this.pos, nl + 1);
    this.p.scalar(s);
    this.pos += s.length;
    return this.parseLineStart();
  }

  private parsePlainScalar(): LexState {
    const { buf } = this;
    const inFlow = this.flowLevel > 0;
    const len = this.len;
    let end = this.pos - 1;
    let i = this.pos - 1;
    // Character codes rather than one-character strings: this loop runs over most of the text, mostly cold.
    while (++i < len) {
      const ch = buf.charCodeAt(i);
      if (ch === 58) { // :
        const next = buf.charCodeAt(i + 1);
        if (i + 1 >= len || next === 32 || next === 10 || next === 13 || next === 9 || (inFlow && isFlowIndicatorCode(next))) break;
        end = i;
      } else if (ch === 32 || ch === 10) {
        const next = buf.charCodeAt(i + 1);
        if (next === 35 /* # */ || (inFlow && isFlowIndicatorCode(next))) break;
        if (ch === 10) {
          if (inFlow) bail(); // a flow collection over several lines
          const cs = this.continueScalar(i + 1);
          if (cs === -1) break;
          i = Math.max(i, cs - 2);
        }
      } else {
        if (inFlow && isFlowIndicatorCode(ch)) break;
        end = i;
      }
    }
    if (end < this.pos) bail();
    const s = buf.slice(this.pos, end + 1);
    this.p.scalar(s);
    this.pos += s.length;
    return inFlow ? 'flow' : 'doc';
  }
}

/** The CST of `text` (the tokens `new Parser().parse(text)` yields), or undefined outside the subset. */
export function fastCst(text: string): TopToken[] | undefined {
  if (text.includes('\t') || text.includes('\r')) return undefined;
  const out: TopToken[] = [];
  try {
    const parser = new CstParser((t) => out.push(t));
    new Lexer(text, parser).lex();
    parser.end();
    return out;
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

// ---- Composer -----------------------------------------------------------------------------------------------------

// ---- Nodes ---------------------------------------------------------------------------------------------------------
//
// yaml's node constructors mark every instance with `Object.defineProperty(this, NODE_TYPE, { value })`, a call into
// the runtime per node that was the largest single cost of composing. yaml reads the marker only as `node[NODE_TYPE]`
// (isScalar, isMap, isPair, ...), so the same non-enumerable, read-only marker defined once on each class's prototype
// answers the same for nodes that inherit it. The nodes made here have yaml's own prototypes (instanceof, methods,
// deepStrictEqual and clone behave as for yaml's nodes) and the own fields yaml's constructors give them, in the same
// order; only the marker is inherited instead of own. yaml's own instances keep their own marker, which shadows the
// prototype's with the same value (Documents after a text's first are made the same way, see newDocument). Collections
// keep yaml's own non-enumerable `schema` property (their document's Schema, which a text's documents share).

const NODE_TYPE = Symbol.for('yaml.node.type');

/** Defines `NODE_TYPE` on a yaml class's prototype, as yaml's constructor defines it on each instance. */
function markPrototype(proto: object, type: symbol): void {
  if (Object.getOwnPropertyDescriptor(proto, NODE_TYPE)?.value === type) return;
  Object.defineProperty(proto, NODE_TYPE, { value: type });
}
markPrototype(Scalar.prototype, Symbol.for('yaml.scalar'));
markPrototype(Pair.prototype, Symbol.for('yaml.pair'));
markPrototype(YAMLMap.prototype, Symbol.for('yaml.map'));
markPrototype(YAMLSeq.prototype, Symbol.for('yaml.seq'));
markPrototype(Document.prototype, Symbol.for('yaml.document'));

/** `new Scalar(value)` without the per-instance marker. */
export function newScalar(value: unknown): Scalar {
  const node = Object.create(Scalar.prototype) as Scalar;
  node.value = value;
  return node;
}

/** `new Pair(key, value)` without the per-instance marker. */
export function newPair(key: Node, value: Node | null): Pair {
  const pair = Object.create(Pair.prototype) as Pair;
  pair.key = key;
  pair.value = value;
  return pair;
}

/** The descriptor of a collection's `schema` property, reused (its value set for each call) rather than made per node. */
const SCHEMA_PROPERTY: PropertyDescriptor = { value: undefined, configurable: true, enumerable: false, writable: true };

/** The fields of `new YAMLMap(schema)` / `new YAMLSeq(schema)` without the per-instance marker. */
function initCollection<T extends YAMLMap | YAMLSeq>(coll: T, schema: Schema, items: unknown[]): T {
  SCHEMA_PROPERTY.value = schema;
  Object.defineProperty(coll, 'schema', SCHEMA_PROPERTY);
  SCHEMA_PROPERTY.value = undefined;
  coll.items = items;
  return coll;
}
/** `new YAMLMap(schema)`, with `items` (a new array of its own) already in it. */
export const newMap = (schema: Schema, items: unknown[] = []): YAMLMap => initCollection(Object.create(YAMLMap.prototype) as YAMLMap, schema, items);
export const newSeq = (schema: Schema, items: unknown[] = []): YAMLSeq => initCollection(Object.create(YAMLSeq.prototype) as YAMLSeq, schema, items);


export const SCALAR_TAG = Symbol.for('yaml.scalar');

export interface ScalarTag {
  default?: boolean | 'key';
  test?: RegExp;
  format?: string;
  resolve(value: string, onError: (msg: string) => void, options: unknown): unknown;
}

interface Ctx {
  atKey: boolean;
  atRoot: boolean;
  options: Document['options'];
  schema: Schema;
  depth: number;
}

interface Props {
  found: SourceToken | null;
  comma: SourceToken | null;
  spaceBefore: boolean;
  comment: string;
  hasNewline: boolean;
  end: number;
  start: number;
}

type Indicator = 'doc-start' | 'map-value-ind' | 'seq-item-ind' | 'explicit-key-ind';

export function resolveProps(tokens: SourceToken[], indicator: Indicator, offset: number, startOnNewline: boolean, flow = false): Props {
  let spaceBefore = false;
  let atNewline = startOnNewline;
  let hasSpace = startOnNewline;
  let comment = '';
  let commentSep = '';
  let hasNewline = false;
  let found: SourceToken | null = null;
  let comma: SourceToken | null = null;
  for (let i = 0; i < tokens.length; ++i) {
    const token = tokens[i];
    switch (token.type) {
      case 'space':
        hasSpace = true;
        break;
      case 'comma':
        if (!flow || comma) bail(); // Unexpected , (or a second one)
        comma = token;
        atNewline = false;
        hasSpace = false;
        break;
      case 'comment': {
        if (!hasSpace) bail(); // Comments must be separated from other tokens by white space characters
        const cb = token.source.substring(1) || ' ';
        if (!comment) comment = cb;
        else comment += commentSep + cb;
        commentSep = '';
        atNewline = false;
        break;
      }
      case 'newline':
        if (atNewline) {
          if (comment) comment += token.source;
          else if (!found || indicator !== 'seq-item-ind') spaceBefore = true;
        } else commentSep += token.source;
        atNewline = true;
        hasNewline = true;
        hasSpace = true;
        break;
      default:
        if (token.type !== indicator || found) bail(); // Unexpected token / a second indicator
        found = token;
        atNewline = indicator === 'seq-item-ind';
        hasSpace = false;
    }
  }
  const last = tokens[tokens.length - 1];
  const end = last ? last.offset + last.source.length : offset;
  return { found, comma, spaceBefore, comment, hasNewline, end, start: end };
}

export function resolveEnd(end: SourceToken[] | undefined, offset: number, reqSpace: boolean): { comment: string; offset: number } {
  let comment = '';
  if (end) {
    let hasSpace = false;
    let sep = '';
    for (let i = 0; i < end.length; ++i) {
      const { source, type } = end[i];
      switch (type) {
        case 'space':
          hasSpace = true;
          break;
        case 'comment': {
          if (reqSpace && !hasSpace) bail();
          const cb = source.substring(1) || ' ';
          if (!comment) comment = cb;
          else comment += sep + cb;
          sep = '';
          break;
        }
        case 'newline':
          if (comment) sep += source;
          hasSpace = true;
          break;
        default:
          bail(); // Unexpected token at node end
      }
      offset += source.length;
    }
  }
  return { comment, offset };
}

export function emptyScalarPosition(offset: number, before: SourceToken[] | undefined, pos: number | null): number {
  if (before) {
    pos ??= before.length;
    for (let i = pos - 1; i >= 0; --i) {
      let st: SourceToken | undefined = before[i];
      switch (st.type) {
        case 'space':
        case 'comment':
        case 'newline':
          offset -= st.source.length;
          continue;
      }
      st = before[++i];
      while (st?.type === 'space') {
        offset += st.source.length;
        st = before[++i];
      }
      break;
    }
  }
  return offset;
}

function containsNewline(key: Value | null | undefined): boolean {
  if (!key) return false;
  switch (key.type) {
    case 'scalar':
    case 'double-quoted-scalar':
    case 'single-quoted-scalar':
      if (key.source.includes('\n')) return true;
      if (key.end) for (let i = 0; i < key.end.length; ++i) if (key.end[i].type === 'newline') return true;
      return false;
    case 'flow-collection':
      return false; // only empty ones are built
    default:
      return true;
  }
}

/** Whether a plain scalar can resolve to anything but a string in the core schema (null, bool, int, float). */
export function maybeNotString(value: string): boolean {
  if (value === '') return true;
  // Words that start like null (`~`, `null`) or bool (`true`, `false`) but cannot be one skip the tags' patterns:
  // keys such as name, type or template are the most common plain scalars.
  switch (value.charCodeAt(0)) {
    case 126: // ~
      return value.length === 1;
    case 110: // n
    case 78: // N
      return value.length === 4 && (value.charCodeAt(1) | 0x20) === 117; // u
    case 116: // t
    case 84: // T
      return value.length === 4 && (value.charCodeAt(1) | 0x20) === 114; // r
    case 102: // f
    case 70: // F
      return value.length === 5 && (value.charCodeAt(1) | 0x20) === 97; // a
    case 43: // +
    case 45: // -
    case 46: // .
      return true;
    default: {
      const c = value.charCodeAt(0);
      return c >= 48 && c <= 57;
    }
  }
}

/** Set when a tag's resolve reports an error (one shared callback instead of a closure per scalar). */
let resolveFailed = false;
const onResolveError = (): void => {
  resolveFailed = true;
};

// The loops over tokens and items below are indexed rather than for...of: the composer mostly runs cold (start-up
// parses each text once), and unoptimized for...of goes through the iterator protocol for every element.
class FastComposer {
  private readonly tags: ScalarTag[];
  private readonly strTag: ScalarTag;

  constructor(schema: Schema) {
    this.tags = (schema.tags as unknown as ScalarTag[]).filter((t) => t.default === true && t.test);
    this.strTag = (schema as unknown as Record<symbol, ScalarTag>)[SCALAR_TAG];
  }

  composeNode(ctx: Ctx, token: Value, props: Props): Node {
    let node: Node;
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        node = this.composeScalar(ctx, token);
        break;
      case 'block-map':
        if (++ctx.depth > MAX_DEPTH) bail();
        node = this.resolveBlockMap(ctx, token);
        ctx.depth--;
        break;
      case 'block-seq':
        if (++ctx.depth > MAX_DEPTH) bail();
        node = this.resolveBlockSeq(ctx, token);
        ctx.depth--;
        break;
      case 'flow-collection':
        node = this.resolveFlowCollection(ctx, token);
        break;
    }
    if (props.spaceBefore) node.spaceBefore = true;
    if (props.comment) {
      if (token.type === 'scalar' && token.source === '') node.comment = props.comment;
      else node.commentBefore = props.comment;
    }
    return node;
  }

  composeEmptyNode(ctx: Ctx, offset: number, before: SourceToken[] | undefined, pos: number | null, props: Props): Scalar {
    const token: FlowScalar = { type: 'scalar', offset: emptyScalarPosition(offset, before, pos), indent: -1, source: '' };
    const node = this.composeScalar(ctx, token);
    if (props.spaceBefore) node.spaceBefore = true;
    if (props.comment) {
      node.comment = props.comment;
      node.range![2] = props.end;
    }
    return node;
  }

  private composeScalar(ctx: Ctx, token: FlowScalar | BlockScalar): Scalar {
    const { value, type, comment, range } = token.type === 'block-scalar' ? resolveBlockScalar(ctx, token) : resolveFlowScalar(token);
    let tag = this.strTag;
    if (token.type === 'scalar' && maybeNotString(value)) {
      for (let i = 0; i < this.tags.length; ++i) {
        const t = this.tags[i];
        if (t.test!.test(value)) {
          tag = t;
          break;
        }
      }
    }
    resolveFailed = false;
    const res = tag.resolve(value, onResolveError, ctx.options);
    if (resolveFailed) bail();
    const scalar = isScalar(res) ? res : newScalar(res);
    scalar.range = range;
    scalar.source = value;
    if (type) scalar.type = type;
    if (tag.format) scalar.format = tag.format;
    if (comment) scalar.comment = comment;
    return scalar;
  }

  private resolveBlockMap(ctx: Ctx, bm: BlockMap): YAMLMap {
    const map = newMap(ctx.schema);
    if (ctx.atRoot) ctx.atRoot = false;
    let offset = bm.offset;
    let commentEnd: number | null = null;
    for (let i = 0; i < bm.items.length; ++i) {
      const { start, key, sep, value } = bm.items[i];
      const keyProps = resolveProps(start, 'explicit-key-ind', offset, true);
      if (keyProps.found) bail();
      if (key) {
        if (key.type === 'block-seq') bail(); // BLOCK_AS_IMPLICIT_KEY
        if (key.indent !== bm.indent) bail(); // BAD_INDENT
      }
      if (!sep) {
        commentEnd = keyProps.end;
        if (keyProps.comment) {
          if (map.comment) map.comment += '\n' + keyProps.comment;
          else map.comment = keyProps.comment;
        }
        continue;
      }
      if (containsNewline(key)) bail(); // MULTILINE_IMPLICIT_KEY
      ctx.atKey = true;
      const keyStart = keyProps.end;
      const keyNode = key ? this.composeNode(ctx, key, keyProps) : this.composeEmptyNode(ctx, keyStart, start, null, keyProps);
      ctx.atKey = false;
      if (mapIncludes(map.items as Pair[], keyNode)) bail(); // DUPLICATE_KEY
      const valueProps = resolveProps(sep, 'map-value-ind', keyNode.range![2], !key || key.type === 'block-scalar');
      offset = valueProps.end;
      if (!valueProps.found) bail(); // MISSING_CHAR: implicit map keys need to be followed by map values
      if (value?.type === 'block-map' && !valueProps.hasNewline) bail(); // BLOCK_AS_IMPLICIT_KEY
      if (keyProps.start < valueProps.found.offset - 1024) bail(); // KEY_OVER_1024_CHARS
      const valueNode = value ? this.composeNode(ctx, value, valueProps) : this.composeEmptyNode(ctx, offset, sep, null, valueProps);
      offset = valueNode.range![2];
      map.items.push(newPair(keyNode, valueNode));
    }
    if (commentEnd && commentEnd < offset) bail(); // IMPOSSIBLE
    map.range = [bm.offset, offset, commentEnd ?? offset];
    return map;
  }

  private resolveBlockSeq(ctx: Ctx, bs: BlockSeq): YAMLSeq {
    const seq = newSeq(ctx.schema);
    if (ctx.atRoot) ctx.atRoot = false;
    if (ctx.atKey) ctx.atKey = false;
    let offset = bs.offset;
    let commentEnd: number | null = null;
    for (let i = 0; i < bs.items.length; ++i) {
      const { start, value } = bs.items[i];
      const props = resolveProps(start, 'seq-item-ind', offset, true);
      if (!props.found) {
        if (value) bail(); // BAD_INDENT / MISSING_CHAR
        commentEnd = props.end;
        if (props.comment) seq.comment = props.comment;
        continue;
      }
      const node = value ? this.composeNode(ctx, value, props) : this.composeEmptyNode(ctx, props.end, start, null, props);
      offset = node.range![2];
      seq.items.push(node);
    }
    seq.range = [bs.offset, offset, commentEnd ?? offset];
    return seq;
  }

  private resolveFlowCollection(ctx: Ctx, fc: FlowCollection): YAMLMap | YAMLSeq {
    const isMap = fc.start.source === '{';
    const coll = isMap ? newMap(ctx.schema) : newSeq(ctx.schema);
    coll.flow = true;
    if (ctx.atRoot) ctx.atRoot = false;
    if (ctx.atKey) ctx.atKey = false;
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; ++i) {
      const { start, key, sep, value } = fc.items[i];
      const props = resolveProps(start, 'explicit-key-ind', offset, false, true);
      if (props.found) bail();
      if (!sep && !value) {
        // A trailing comma; anything else here is yaml's "Unexpected , / empty item".
        if ((i === 0 && props.comma) || i < fc.items.length - 1 || props.comment) bail();
        offset = props.end;
        continue;
      }
      if (!isMap && containsNewline(key)) bail();
      if (i === 0 ? props.comma : !props.comma || props.comment) bail(); // Unexpected , / Missing , between items
      if (!isMap && !sep) {
        // A value of a sequence.
        const valueNode = value ? this.composeNode(ctx, value, props) : this.composeEmptyNode(ctx, props.end, sep, null, props);
        (coll as YAMLSeq).items.push(valueNode);
        offset = valueNode.range![2];
        if (isBlock(value)) bail();
        continue;
      }
      ctx.atKey = true;
      const keyStart = props.end;
      const keyNode = key ? this.composeNode(ctx, key, props) : this.composeEmptyNode(ctx, keyStart, start, null, props);
      if (isBlock(key)) bail();
      ctx.atKey = false;
      const valueProps = resolveProps(sep ?? [], 'map-value-ind', keyNode.range![2], false, true);
      if (valueProps.found) {
        if (!isMap) {
          for (const st of sep ?? []) {
            if (st === valueProps.found) break;
            if (st.type === 'newline') bail();
          }
          if (props.start < valueProps.found.offset - 1024) bail();
        }
      } else if (value) bail(); // Missing , or : between items
      const valueNode = value ? this.composeNode(ctx, value, valueProps) : valueProps.found ? this.composeEmptyNode(ctx, valueProps.end, sep, null, valueProps) : null;
      if (valueNode) {
        if (isBlock(value)) bail();
      } else if (valueProps.comment) bail();
      const pair = newPair(keyNode, valueNode);
      if (isMap) {
        if (mapIncludes(coll.items as Pair[], keyNode)) bail(); // DUPLICATE_KEY
        (coll as YAMLMap).items.push(pair);
      } else {
        const map = newMap(ctx.schema);
        map.flow = true;
        map.items.push(pair);
        const endRange = (valueNode ?? keyNode).range!;
        map.range = [keyNode.range![0], endRange[1], endRange[2]];
        (coll as YAMLSeq).items.push(map);
      }
      offset = valueNode ? valueNode.range![2] : valueProps.end;
    }
    const [ce, ...ee] = fc.end;
    if (ce?.source !== (isMap ? '}' : ']')) bail();
    const cePos = ce.offset + ce.source.length;
    if (ee.length > 0) {
      const end = resolveEnd(ee, cePos, ctx.options.strict);
      if (end.comment) coll.comment = end.comment;
      coll.range = [fc.offset, cePos, end.offset];
    } else {
      coll.range = [fc.offset, cePos, cePos];
    }
    return coll;
  }
}

const isBlock = (token: Value | null | undefined): boolean => token?.type === 'block-map' || token?.type === 'block-seq';

function mapIncludes(items: Pair[], search: Node): boolean {
  const v = isScalar(search) ? search.value : undefined;
  for (let i = 0; i < items.length; ++i) {
    const k = items[i].key;
    if (k === search || (isScalar(search) && isScalar(k) && k.value === v)) return true;
  }
  return false;
}

function resolveFlowScalar(token: FlowScalar): { value: string; type: Scalar.Type; comment: string; range: [number, number, number] } {
  const { offset, type, source, end } = token;
  let value: string;
  let style: Scalar.Type;
  switch (type) {
    case 'scalar':
      style = 'PLAIN';
      switch (source[0]) {
        case ',':
        case '%':
        case '|':
        case '>':
        case '@':
        case '`':
          bail(); // BAD_SCALAR_START
      }
      value = source.includes('\n') ? unfoldLines(source) : source;
      break;
    case 'single-quoted-scalar':
      style = 'QUOTE_SINGLE';
      if (source[source.length - 1] !== "'" || source.length === 1 || source.includes('\n')) bail();
      value = source.slice(1, -1).replace(/''/g, "'");
      break;
    case 'double-quoted-scalar':
      style = 'QUOTE_DOUBLE';
      value = doubleQuotedValue(source);
      break;
  }
  const valueEnd = offset + source.length;
  const re = resolveEnd(end, valueEnd, true);
  return { value, type: style, comment: re.comment, range: [offset, valueEnd, re.offset] };
}

/** A multi-line plain scalar's value: lines folded as yaml's unfoldLines does. */
export function unfoldLines(source: string): string {
  const line = /(.*?)\n/sy;
  let match = line.exec(source);
  if (!match) return source;
  let res = match[1].replace(/(?<![ \t])[ \t]+$/, '');
  let sep = ' ';
  let pos = line.lastIndex;
  while ((match = line.exec(source))) {
    const lm = match[1].replace(/^[ \t]+|(?<![ \t])[ \t]+$/g, '');
    if (lm === '') {
      if (sep === '\n') res += sep;
      else sep = '\n';
    } else {
      res += sep + lm;
      sep = ' ';
    }
    pos = line.lastIndex;
  }
  const last = /[ \t]*(.*)/sy;
  last.lastIndex = pos;
  match = last.exec(source);
  return res + sep + (match?.[1] ?? '');
}

const ESCAPE_CODES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', N: '\u0085', _: '\u00a0',
  L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\', '\t': '\t',
};

/** A one-line double-quoted scalar's value. */
export function doubleQuotedValue(source: string): string {
  if (source[source.length - 1] !== '"' || source.length === 1 || source.includes('\n')) bail();
  if (!source.includes('\\')) return source.slice(1, -1);
  let res = '';
  for (let i = 1; i < source.length - 1; ++i) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[++i];
      const cc = Object.hasOwn(ESCAPE_CODES, next) ? ESCAPE_CODES[next] : undefined;
      if (cc) res += cc;
      else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = source.substr(i + 1, length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) bail();
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) bail();
        res += String.fromCodePoint(code);
        i += length;
      } else bail(); // BAD_DQ_ESCAPE
    } else res += ch;
  }
  return res;
}

export function resolveBlockScalar(ctx: Pick<Ctx, 'atRoot'>, scalar: BlockScalar): { value: string; type: Scalar.Type; comment: string; range: [number, number, number] } {
  const start = scalar.offset;
  const header = parseBlockScalarHeader(scalar);
  const type: Scalar.Type = header.mode === '>' ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
  const lines = scalar.source ? splitLines(scalar.source) : [];
  let chompStart = lines.length;
  for (let i = lines.length - 1; i >= 0; --i) {
    if (lines[i][1] === '') chompStart = i;
    else break;
  }
  if (chompStart === 0) {
    const value = header.chomp === '+' && lines.length > 0 ? '\n'.repeat(Math.max(1, lines.length - 1)) : '';
    let end = start + header.length;
    if (scalar.source) end += scalar.source.length;
    return { value, type, comment: header.comment, range: [start, end, end] };
  }
  let trimIndent = scalar.indent;
  let contentStart = 0;
  for (let i = 0; i < chompStart; ++i) {
    const [indent, content] = lines[i];
    if (content === '') {
      if (indent.length > trimIndent) trimIndent = indent.length;
    } else {
      if (indent.length < trimIndent) bail(); // more-indented leading empty lines need an indentation indicator
      trimIndent = indent.length;
      contentStart = i;
      if (trimIndent === 0 && !ctx.atRoot) bail(); // Block scalar values in collections must be indented
      break;
    }
  }
  for (let i = lines.length - 1; i >= chompStart; --i) {
    if (lines[i][0].length > trimIndent) chompStart = i + 1;
  }
  let value = '';
  let sep = '';
  let prevMoreIndented = false;
  for (let i = 0; i < contentStart; ++i) value += lines[i][0].slice(trimIndent) + '\n';
  for (let i = contentStart; i < chompStart; ++i) {
    const [indent, content] = lines[i];
    if (content && indent.length < trimIndent) bail(); // less indented than the first line
    if (type === 'BLOCK_LITERAL') {
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
    } else if (indent.length > trimIndent) {
      if (sep === ' ') sep = '\n';
      else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
      value += sep + indent.slice(trimIndent) + content;
      sep = '\n';
      prevMoreIndented = true;
    } else if (content === '') {
      if (sep === '\n') value += '\n';
      else sep = '\n';
    } else {
      value += sep + content;
      sep = ' ';
      prevMoreIndented = false;
    }
  }
  switch (header.chomp) {
    case '-':
      break;
    case '+':
      for (let i = chompStart; i < lines.length; ++i) value += '\n' + lines[i][0].slice(trimIndent);
      if (value[value.length - 1] !== '\n') value += '\n';
      break;
    default:
      value += '\n';
  }
  const end = start + header.length + scalar.source.length;
  return { value, type, comment: header.comment, range: [start, end, end] };
}

function parseBlockScalarHeader({ props }: BlockScalar): { mode: string; chomp: string; comment: string; length: number } {
  const { source } = props[0];
  const mode = source[0];
  let chomp = '';
  for (let i = 1; i < source.length; ++i) {
    const ch = source[i];
    if (!chomp && (ch === '-' || ch === '+')) chomp = ch;
    else bail(); // Block scalar header includes extra characters (indentation indicators are left to yaml too)
  }
  let hasSpace = false;
  let comment = '';
  let length = source.length;
  for (let i = 1; i < props.length; ++i) {
    const token = props[i];
    switch (token.type) {
      case 'space':
        hasSpace = true;
        length += token.source.length;
        break;
      case 'newline':
        length += token.source.length;
        break;
      case 'comment':
        if (!hasSpace) bail();
        length += token.source.length;
        comment = token.source.substring(1);
        break;
      default:
        bail();
    }
  }
  return { mode, chomp, comment, length };
}

function splitLines(source: string): [string, string][] {
  const split = source.split(/\n( *)/);
  const first = split[0];
  const m = /^( *)/.exec(first);
  const line0: [string, string] = m?.[1] ? [m[1], first.slice(m[1].length)] : ['', first];
  const lines: [string, string][] = [line0];
  for (let i = 1; i < split.length; i += 2) lines.push([split[i], split[i + 1]]);
  return lines;
}

function parsePrelude(prelude: string[]): { comment: string; afterEmptyLine: boolean } {
  let comment = '';
  let atComment = false;
  let afterEmptyLine = false;
  for (const source of prelude) {
    if (source[0] === '#') {
      comment += (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') + (source.substring(1) || ' ');
      atComment = true;
      afterEmptyLine = false;
    } else {
      if (!atComment) afterEmptyLine = true;
      atComment = false;
    }
  }
  return { comment, afterEmptyLine };
}

/**
 * The Documents of `text`, equal to what `new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text), true, text.length)`
 * yields, or undefined when the text is outside the subset or yaml would report any error or warning.
 */
export function fastParse(text: string): Document.Parsed[] | undefined {
  if (text.includes('\t') || text.includes('\r')) return undefined;
  try {
    const composer = new DocumentComposer();
    const parser = new CstParser((t) => composer.next(t));
    new Lexer(text, parser).lex();
    parser.end();
    return composer.end(text.length);
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

/** yaml's Composer over top-level CST tokens, one at a time. */
class DocumentComposer {
  private readonly directives = new Composer(COMPOSE_OPTIONS).streamInfo().directives;
  private readonly docs: Document.Parsed[] = [];
  private prelude: string[] = [];
  private composer: FastComposer | undefined;

  next(token: TopToken): void {
    switch (token.type) {
      case 'document': {
        const doc = this.newDocument();
        this.composer ??= new FastComposer(doc.schema);
        const ctx: Ctx = { atKey: false, atRoot: true, options: doc.options, schema: doc.schema, depth: 0 };
        const { offset, start, value, end } = token;
        const props = resolveProps(start, 'doc-start', offset, true);
        if (props.found) {
          doc.directives.docStart = true;
          if (value && (value.type === 'block-map' || value.type === 'block-seq') && !props.hasNewline) bail();
        }
        const contents = value ? this.composer.composeNode(ctx, value, props) : this.composer.composeEmptyNode(ctx, props.end, start, null, props);
        doc.contents = contents as Document.Parsed['contents'];
        const contentEnd = contents.range![2];
        const re = resolveEnd(end, contentEnd, false);
        if (re.comment) doc.comment = re.comment;
        doc.range = [offset, contentEnd, re.offset];
        this.decorate(doc);
        this.docs.push(doc);
        return;
      }
      case 'space':
        return;
      case 'comment':
      case 'newline':
        this.prelude.push(token.source);
        return;
      default:
        bail();
    }
  }

  end(endOffset: number): Document.Parsed[] {
    if (!this.docs.length) {
      const doc = this.newDocument();
      doc.range = [0, endOffset, endOffset];
      this.decorate(doc);
      this.docs.push(doc);
    } else {
      // Comments after the last document (one that ended with its line, a scalar's) are its comment, as in yaml's
      // Composer.end (decorate with afterDoc).
      const { comment } = parsePrelude(this.prelude);
      const doc = this.docs[this.docs.length - 1];
      if (comment) doc.comment = doc.comment ? `${doc.comment}\n${comment}` : comment;
    }
    return this.docs;
  }

  private newDocument(): Document.Parsed {
    return newDocument(this.directives, this.docs[0]);
  }

  private decorate(doc: Document.Parsed): void {
    decorateDocument(doc, this.prelude);
    this.prelude = [];
  }
}

type StreamDirectives = ReturnType<Composer['streamInfo']>['directives'];

/**
 * An empty Document as yaml's Composer starts each one (`directives`: the stream's, from `Composer.streamInfo()`).
 * With `like`, an earlier Document of the same stream made here, the same fields without yaml's constructor, whose
 * option merging and new Schema (its tag list copied, its markers defined) were a tenth of composing a manifest: the
 * options are a copy of like's, the Schema is like's own (equal to a new one: nothing here or in yaml changes a Schema
 * once made; Document.clone and setSchema make new ones), the directives the stream's for this document, as yaml's.
 */
export function newDocument(directives: StreamDirectives, like?: Document.Parsed): Document.Parsed {
  // A %YAML directive may change the version, which the constructor then applies: yaml's own way.
  if (!like || directives.yaml.explicit) return new Document(undefined, Object.assign({ _directives: directives }, COMPOSE_OPTIONS)) as Document.Parsed;
  // The constructor's own fields, in its order (the NODE_TYPE marker is Document.prototype's, as for the nodes).
  const doc = Object.create(Document.prototype) as Document.Parsed;
  doc.commentBefore = null;
  doc.comment = null;
  doc.errors = [];
  doc.warnings = [];
  doc.options = { ...like.options };
  doc.directives = directives.atDocument();
  // setSchema's: the version the options give (no %YAML directive), which it set on like's directives too.
  doc.directives.yaml.version = like.directives.yaml.version;
  doc.schema = like.schema;
  doc.contents = null;
  return doc;
}

/** What yaml's Composer does to a finished Document: the comments before it (`prelude`), no errors or warnings. */
export function decorateDocument(doc: Document.Parsed, prelude: string[]): void {
  const { comment, afterEmptyLine } = parsePrelude(prelude);
  if (comment) {
    const dc = doc.contents;
    if (afterEmptyLine || doc.directives.docStart || !dc) {
      doc.commentBefore = comment;
    } else if ((dc instanceof YAMLMap || dc instanceof YAMLSeq) && !dc.flow && dc.items.length > 0) {
      let it = dc.items[0] as Node | Pair;
      if (it instanceof Pair) it = it.key as Node;
      const cb = (it as Node).commentBefore;
      (it as Node).commentBefore = cb ? `${comment}\n${cb}` : comment;
    } else {
      const cb = dc.commentBefore;
      dc.commentBefore = cb ? `${comment}\n${cb}` : comment;
    }
  }
  doc.errors = [];
  doc.warnings = [];
}
