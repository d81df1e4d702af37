// The direct YAML front end: yaml Documents composed straight from the text, in one pass, for the block-style YAML most
// Kubernetes files are written in. No tokens, no CST: it reads a line at a time and builds the nodes that
// `new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text))` builds (the same classes, values, scalar styles,
// ranges, comments, commentBefore and spaceBefore), reproducing where yaml's Parser would have put each comment and
// blank line. Only comments and blank lines become token objects (SourceToken, for the same resolveProps/resolveEnd as
// fast.ts), and only when there are any.
//
// The subset: block mappings with one-line plain or quoted keys, block sequences (compact `- key: value` and `- - x`
// included), plain scalars (continued on more indented lines too), one-line quoted scalars, literal and folded block
// scalars without an indentation indicator, flow collections of scalars on one line, empty values and empty documents,
// comments and blank lines in the usual places, `---` markers. Anything else (multi-line quoted scalars, nested or
// multi-line flow collections, empty flow keys or values, anchors, tags, aliases, explicit keys, directives, `...`, a
// comment more indented than its collection right after a scalar, comments after an empty value, a scalar document,
// an indented root) and anything yaml would report an error or a warning on makes it return undefined, and parseYaml
// tries fastParse, then yaml.
// test/unit/yaml-fast.test.ts checks it against yaml on every YAML file we have, mutations and generated documents.
// Pure; never throws.
import { Composer, isScalar, type Document, type Node, type Pair, type Scalar, type Schema, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  BAIL, bail, COMPOSE_OPTIONS, decorateDocument, doubleQuotedValue, emptyScalarPosition, maybeNotString, newDocument, newMap, newPair,
  newScalar, newSeq, resolveBlockScalar, resolveEnd, resolveProps, SCALAR_TAG, spaces, unfoldLines, type BlockScalar, type ScalarTag,
  type SourceToken,
} from './fast';

/** Collections nested deeper than this are left to the other front ends. */
const MAX_DEPTH = 90;

/** Set when a tag's resolve reports an error (one shared callback instead of a closure per scalar). */
let resolveFailed = false;
const onResolveError = (): void => {
  resolveFailed = true;
};

const NOT_AT_ROOT = { atRoot: false };

const tok = (type: SourceToken['type'], offset: number, indent: number, source: string): SourceToken => ({ type, offset, indent, source });

/** Whether every comment among `tokens` is indented less than `indent` (trailing comments then belong to the parent). */
function commentsBelow(tokens: SourceToken[], indent: number): boolean {
  for (let i = 0; i < tokens.length; ++i) if (tokens[i].type === 'comment' && tokens[i].indent >= indent) return false;
  return true;
}

/** The indentation of the first comment among `tokens`, or -1. */
function firstCommentIndent(tokens: SourceToken[]): number {
  for (let i = 0; i < tokens.length; ++i) if (tokens[i].type === 'comment') return tokens[i].indent;
  return -1;
}

/**
 * The Documents of `text`, equal to what `new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text), true, text.length)`
 * yields, or undefined when the text is outside this front end's subset (or yaml would report any error or warning).
 */
export function directParse(text: string): Document.Parsed[] | undefined {
  if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new DirectComposer(text).documents();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

// Loops are indexed and characters read as codes: this code mostly runs cold (start-up parses each text once).
class DirectComposer {
  private readonly buf: string;
  private readonly len: number;
  private pos = 0;
  /** After readTrivia: the indentation of the next content line, or -1 at the end of the text or at a `---` marker. */
  private k = -1;
  /** After readTrivia: the next line is a `---` marker. */
  private marker = false;
  /** After readTrivia: the comment and blank lines read (with the next content line's indentation), or null if none. */
  private pending: SourceToken[] | null = null;
  private depth = 0;
  /** The items of the collections being composed, innermost last (see items()). */
  private readonly stack: unknown[] = [];
  private sp = 0;
  private schema!: Schema;
  private options!: Document['options'];
  private tags!: ScalarTag[];
  private strTag!: ScalarTag;
  /** Set by lineTail: the comment at the end of the line just read. */
  private tailComment = '';

  constructor(text: string) {
    this.buf = text;
    this.len = text.length;
  }

  documents(): Document.Parsed[] {
    const docs: Document.Parsed[] = [];
    // The stream's directives, which each Document copies (and refers to in its options), one per text as in yaml.
    const directives = new Composer(COMPOSE_OPTIONS).streamInfo().directives;
    this.readTrivia();
    let prelude: string[] = [];
    if (this.pending) {
      for (let i = 0; i < this.pending.length; ++i) {
        const t = this.pending[i];
        if (t.type !== 'space') prelude.push(t.source);
      }
    }
    if (this.k === -1 && !this.marker) bail(); // no document
    for (;;) {
      const doc = newDocument(directives, docs[0]);
      if (!this.tags) {
        this.tags = (doc.schema.tags as unknown as ScalarTag[]).filter((t) => t.default === true && t.test);
        this.strTag = (doc.schema as unknown as Record<symbol, ScalarTag>)[SCALAR_TAG];
      }
      this.schema = doc.schema;
      this.options = doc.options;
      const offset = this.pos;
      let start: SourceToken[] | null = null;
      if (this.marker) {
        doc.directives.docStart = true;
        start = [tok('doc-start', offset, 0, '---')];
        this.pos += 3;
        this.restOfLine(start);
        this.readTrivia();
        if (this.pending) for (let i = 0; i < this.pending.length; ++i) start.push(this.pending[i]);
      }
      if (this.k === -1 && start) {
        // `---` and nothing else (up to the next `---` or the end): the contents are an empty scalar after the marker.
        const props = resolveProps(start, 'doc-start', offset, true);
        const empty = this.emptyScalar(emptyScalarPosition(props.end, start, null));
        if (props.spaceBefore) empty.spaceBefore = true;
        if (props.comment) {
          empty.comment = props.comment;
          empty.range![2] = props.end;
        }
        doc.contents = empty as Document.Parsed['contents'];
        doc.range = [offset, empty.range![2], empty.range![2]];
        decorateDocument(doc, prelude);
        prelude = [];
        docs.push(doc);
        if (!this.marker) return docs;
        continue;
      }
      if (this.k !== 0) bail(); // an indented root, or a scalar
      const root = this.blockNode(0);
      if (!this.atEnd()) bail(); // content after the root collection that is not part of it
      if (start) {
        const props = resolveProps(start, 'doc-start', offset, true);
        if (props.spaceBefore) root.spaceBefore = true;
        if (props.comment) root.commentBefore = props.comment;
      }
      doc.contents = root as Document.Parsed['contents'];
      const contentEnd = root.range![2];
      const re = resolveEnd(this.pending ?? undefined, contentEnd, false);
      if (re.comment) doc.comment = re.comment;
      doc.range = [offset, contentEnd, re.offset];
      decorateDocument(doc, prelude);
      prelude = [];
      docs.push(doc);
      if (!this.marker) return docs;
    }
  }

  /** Whether readTrivia stopped at the end of the text or at a `---` marker (rather than at content). */
  private atEnd(): boolean {
    return this.k === -1;
  }

  /** The tokens after a `-` or a `---` on a line with nothing else: spaces, a comment, the newline. */
  private restOfLine(into: SourceToken[]): void {
    const { buf } = this;
    let p = this.pos;
    while (buf.charCodeAt(p) === 32) p++;
    if (p > this.pos) into.push(tok('space', this.pos, 0, spaces(p - this.pos)));
    const c = buf.charCodeAt(p);
    if (c === 35) {
      if (p === this.pos) bail();
      const e = this.lineEnd(p);
      into.push(tok('comment', p, 0, buf.slice(p, e)));
      p = e;
    } else if (p < this.len && c !== 10) bail(); // content on the same line
    if (p < this.len) into.push(tok('newline', p, 0, '\n'));
    this.pos = p < this.len ? p + 1 : p;
  }

  private lineEnd(p: number): number {
    const nl = this.buf.indexOf('\n', p);
    return nl === -1 ? this.len : nl;
  }

  /**
   * From a line start, reads comment and blank lines up to the next content line; leaves pos at that line's content
   * (after its indentation) and sets k, marker and pending.
   */
  private readTrivia(): void {
    const { buf, len } = this;
    let p = this.pos;
    let toks: SourceToken[] | null = null;
    for (;;) {
      let q = p;
      while (buf.charCodeAt(q) === 32) q++;
      const c = buf.charCodeAt(q);
      if (q >= len) {
        if (q > p) (toks ??= []).push(tok('space', p, 0, spaces(q - p)));
        this.k = -1;
        this.marker = false;
        this.pos = len;
        this.pending = toks;
        return;
      }
      if (c !== 10 && c !== 35) {
        if (q === p && (c === 45 || c === 46) && buf.charCodeAt(p + 1) === c && buf.charCodeAt(p + 2) === c) {
          const after = buf.charCodeAt(p + 3);
          if (p + 3 >= len || after === 32 || after === 10) {
            if (c === 46) bail(); // `...`
            this.k = -1;
            this.marker = true;
            this.pos = p;
            this.pending = toks;
            return;
          }
        }
        if (toks && q > p) toks.push(tok('space', p, 0, spaces(q - p)));
        this.k = q - p;
        this.marker = false;
        this.pos = q;
        this.pending = toks;
        return;
      }
      toks ??= [];
      if (q > p) toks.push(tok('space', p, 0, spaces(q - p)));
      if (c === 35) {
        const e = this.lineEnd(q);
        toks.push(tok('comment', q, q - p, buf.slice(q, e)));
        q = e;
      }
      if (q < len) {
        toks.push(tok('newline', q, 0, '\n'));
        q++;
      }
      p = q;
    }
  }

  private isSeqIndicator(p: number): boolean {
    if (this.buf.charCodeAt(p) !== 45) return false;
    const c = this.buf.charCodeAt(p + 1);
    return p + 1 >= this.len || c === 32 || c === 10;
  }

  /** A block mapping or sequence whose first line's content is at pos, at column `indent`. */
  private blockNode(indent: number): YAMLMap | YAMLSeq {
    return this.isSeqIndicator(this.pos) ? this.blockSeq(indent) : this.blockMap(indent);
  }

  private blockMap(indent: number): YAMLMap {
    if (++this.depth > MAX_DEPTH) bail();
    const base = this.sp;
    const mapStart = this.pos;
    let offset = mapStart;
    let start: SourceToken[] | null = null;
    for (;;) {
      const keyStart = this.pos;
      const key = this.key();
      if (start) {
        const kp = resolveProps(start, 'explicit-key-ind', offset, true);
        if (kp.spaceBefore) key.spaceBefore = true;
        if (kp.comment) key.commentBefore = kp.comment;
      }
      if (this.includesKey(base, key)) bail(); // DUPLICATE_KEY
      if (this.pos - keyStart > 1000) bail(); // KEY_OVER_1024_CHARS
      this.pos++; // the `:`
      const value = this.mapValue(indent, key.range![2]);
      this.stack[this.sp++] = newPair(key, value);
      offset = value.range![2];
      if (this.k === indent && !this.isSeqIndicator(this.pos)) {
        start = this.pending;
        continue;
      }
      if (this.k >= indent) bail(); // more indented (a continuation or an error), or a sequence at the mapping's indentation
      break;
    }
    return this.close(newMap(this.schema, this.items(base)), mapStart, offset, indent, 'explicit-key-ind');
  }

  private blockSeq(indent: number): YAMLSeq {
    if (++this.depth > MAX_DEPTH) bail();
    const { buf } = this;
    const base = this.sp;
    const seqStart = this.pos;
    let offset = seqStart;
    let start: SourceToken[] | null = null;
    for (;;) {
      const dash = this.pos;
      let p = dash + 1;
      while (buf.charCodeAt(p) === 32) p++;
      const c = buf.charCodeAt(p);
      let node: Node;
      if (p >= this.len || c === 10 || c === 35) {
        // Nothing after the `-` on its line: the value (if any) is on the next lines.
        const toks = start ?? [];
        toks.push(tok('seq-item-ind', dash, indent, '-'));
        this.pos = dash + 1;
        this.restOfLine(toks);
        this.readTrivia();
        if (this.k > indent && !this.marker) {
          if (this.pending) for (let i = 0; i < this.pending.length; ++i) toks.push(this.pending[i]);
          node = this.blockNode(this.k);
          const props = resolveProps(toks, 'seq-item-ind', offset, true);
          if (props.spaceBefore) node.spaceBefore = true;
          if (props.comment) node.commentBefore = props.comment;
        } else {
          if (this.pending) bail(); // comments or blank lines after an empty item
          this.pushIndentation(toks);
          const props = resolveProps(toks, 'seq-item-ind', offset, true);
          node = this.emptyScalar(dash + 1 + this.spacesAt(dash + 1));
          if (props.spaceBefore) node.spaceBefore = true;
          if (props.comment) {
            node.comment = props.comment;
            node.range![2] = props.end;
          }
        }
      } else {
        this.pos = p;
        const col = indent + (p - dash);
        if (c === 45 && this.isSeqIndicator(p)) node = this.blockSeq(col);
        else if (this.isKey(p)) node = this.blockMap(col);
        else node = this.inlineValue(indent);
        if (start) {
          start.push(tok('seq-item-ind', dash, indent, '-'));
          if (p > dash + 1) start.push(tok('space', dash + 1, indent + 1, spaces(p - dash - 1)));
          const props = resolveProps(start, 'seq-item-ind', offset, true);
          if (props.spaceBefore) node.spaceBefore = true;
          if (props.comment) node.commentBefore = props.comment;
        }
      }
      this.stack[this.sp++] = node;
      offset = node.range![2];
      if (this.k === indent && this.isSeqIndicator(this.pos)) {
        start = this.pending;
        continue;
      }
      if (this.k > indent) bail();
      break;
    }
    return this.close(newSeq(this.schema, this.items(base)), seqStart, offset, indent, 'seq-item-ind');
  }

  /**
   * Ends a block collection at `offset`. Comments pending at its indentation or deeper end the collection (its comment)
   * rather than start what follows, as in yaml's Parser.
   */
  private close<T extends YAMLMap | YAMLSeq>(coll: T, start: number, offset: number, indent: number, indicator: Parameters<typeof resolveProps>[1]): T {
    let commentEnd = offset;
    const trailing = this.pending;
    if (trailing && indent > 0 && !commentsBelow(trailing, indent)) {
      const props = resolveProps(trailing, indicator, offset, true);
      commentEnd = props.end;
      if (props.comment) coll.comment = props.comment;
      this.pending = null;
    }
    coll.range = [start, offset, commentEnd];
    this.depth--;
    return coll;
  }

  /** The next content line's indentation, which yaml's Parser puts in the tokens of the item before it. */
  private pushIndentation(into: SourceToken[]): void {
    if (this.k > 0) into.push(tok('space', this.pos - this.k, 0, spaces(this.k)));
  }

  private spacesAt(p: number): number {
    let q = p;
    while (this.buf.charCodeAt(q) === 32) q++;
    return q - p;
  }

  /** Whether a mapping key (a one-line plain or quoted scalar followed by `:` and white space) starts at p. */
  private isKey(p: number): boolean {
    const { buf } = this;
    const c = buf.charCodeAt(p);
    let colon: number;
    if (c === 34 || c === 39) {
      const close = this.quoteEnd(p);
      colon = close + 1;
      if (buf.charCodeAt(colon) !== 58) return false;
    } else {
      if (!this.plainStart(p)) return false;
      this.plainEnd(p);
      if (this.stop !== STOP_COLON) return false;
      colon = this.stopAt;
    }
    const n = buf.charCodeAt(colon + 1);
    return colon + 1 >= this.len || n === 32 || n === 10;
  }

  /** The key at pos, composed; leaves pos at its `:`. */
  private key(): Scalar {
    const { buf } = this;
    const p = this.pos;
    const c = buf.charCodeAt(p);
    let node: Scalar;
    let end: number;
    if (c === 34 || c === 39) {
      end = this.quoteEnd(p) + 1;
      node = this.quoted(p, end);
    } else {
      if (!this.plainStart(p)) bail();
      end = this.plainEnd(p);
      if (this.stop !== STOP_COLON || this.stopAt !== end) bail(); // not a key, or white space before the `:`
      node = this.scalar(buf.slice(p, end), true, 'PLAIN', p, end, end);
    }
    if (buf.charCodeAt(end) !== 58) bail();
    const n = buf.charCodeAt(end + 1);
    if (end + 1 < this.len && n !== 32 && n !== 10) bail();
    this.pos = end;
    return node;
  }

  /** The value after a mapping's `:` (pos just after it), for a mapping at column `indent`. */
  private mapValue(indent: number, keyEnd: number): Node {
    const { buf } = this;
    const colon = this.pos - 1;
    let p = this.pos;
    while (buf.charCodeAt(p) === 32) p++;
    const c = buf.charCodeAt(p);
    if (p < this.len && c !== 10 && c !== 35) {
      this.pos = p;
      return this.inlineValue(indent);
    }
    // Nothing more on the key's line: a block collection on the next lines, or an empty value.
    let sep: SourceToken[] | null = null;
    if (c === 35) {
      sep = [tok('map-value-ind', colon, indent, ':')];
      this.restOfLine(sep);
    } else this.pos = p < this.len ? p + 1 : p;
    this.readTrivia();
    const k = this.k;
    if (!this.marker && (k > indent || (k === indent && this.isSeqIndicator(this.pos)))) {
      const before = this.pending;
      const node = this.blockNode(k);
      // The comments and blank lines between the key and the collection are its props, as in yaml's sep.
      if (sep || before) {
        const all = sep ?? [tok('map-value-ind', colon, indent, ':'), tok('newline', p, 0, '\n')];
        if (before) for (let i = 0; i < before.length; ++i) all.push(before[i]);
        const props = resolveProps(all, 'map-value-ind', keyEnd, false);
        if (props.spaceBefore) node.spaceBefore = true;
        if (props.comment) node.commentBefore = props.comment;
      }
      return node;
    }
    if (this.pending) bail(); // comments or blank lines after an empty value
    const node = this.emptyScalar(p);
    if (sep) {
      this.pushIndentation(sep);
      const props = resolveProps(sep, 'map-value-ind', keyEnd, false);
      if (props.comment) {
        node.comment = props.comment;
        node.range![2] = props.end;
      }
    }
    return node;
  }

  /** A scalar or empty flow collection on the current line (pos at its first character), then the rest of the line. */
  private inlineValue(indent: number): Node {
    const { buf } = this;
    const p = this.pos;
    const c = buf.charCodeAt(p);
    let node: Node;
    switch (c) {
      case 34: // "
      case 39: {
        // '
        const end = this.quoteEnd(p) + 1;
        node = this.quoted(p, end);
        this.pos = end;
        const tailEnd = this.lineTail();
        if (this.tailComment) node.comment = this.tailComment;
        node.range![2] = tailEnd;
        break;
      }
      case 124: // |
      case 62: // >
        node = this.blockScalar(indent);
        this.readTrivia();
        return node;
      case 123: // {
      case 91: {
        // [
        const coll = this.flowCollection(p, c === 123);
        const closeEnd = this.pos;
        const tailEnd = this.lineTail();
        if (this.tailComment) coll.comment = this.tailComment;
        coll.range = [p, closeEnd, tailEnd];
        node = coll;
        break;
      }
      default: {
        if (!this.plainStart(p)) bail();
        const end = this.plainLinesEnd(p, indent + 1);
        if (this.stop === STOP_COLON) bail(); // `a: b: c`, a key where a value belongs, or a multi-line key
        this.pos = end;
        const tailEnd = this.lineTail();
        const source = buf.slice(p, end);
        node = this.scalar(this.multiLine ? unfoldLines(source) : source, true, 'PLAIN', p, end, tailEnd);
        if (this.tailComment) node.comment = this.tailComment;
      }
    }
    this.readTrivia();
    // A comment more indented than the collection right after a scalar would be part of the scalar's end.
    if (this.pending && firstCommentIndent(this.pending) > indent) bail();
    return node;
  }

  /**
   * A flow collection of scalars on one line (pos at its `{` or `[`, left after its closing bracket): no nested
   * collections, no empty keys or values, no pairs in sequences.
   */
  private flowCollection(p: number, isMap: boolean): YAMLMap | YAMLSeq {
    const { buf } = this;
    const base = this.sp;
    const close = isMap ? 125 : 93;
    let i = p + 1;
    for (;;) {
      while (buf.charCodeAt(i) === 32) i++;
      if (buf.charCodeAt(i) === close) break;
      const node = this.flowScalar(i);
      i = this.pos;
      if (isMap) {
        let j = node.range![1];
        while (buf.charCodeAt(j) === 32) j++;
        if (buf.charCodeAt(j) !== 58) bail(); // a key without a value
        const n = buf.charCodeAt(j + 1);
        const quotedKey = node.type !== 'PLAIN';
        if (!(quotedKey || n === 32 || n === 44 || n === 93 || n === 125)) bail();
        if (n !== 32 && !quotedKey) bail(); // `{a:}` and the like: empty values
        j++;
        while (buf.charCodeAt(j) === 32) j++;
        const vc = buf.charCodeAt(j);
        if (vc === 44 || vc === close) bail(); // an empty value
        node.range![2] = node.range![1]; // a key's range ends at the key (the spaces after it belong to the separator)
        const value = this.flowScalar(j);
        if (this.includesKey(base, node)) bail(); // DUPLICATE_KEY
        this.stack[this.sp++] = newPair(node, value);
        i = this.pos;
      } else {
        if (buf.charCodeAt(i) === 58) bail(); // a pair in a sequence
        this.stack[this.sp++] = node;
      }
      const c = buf.charCodeAt(i);
      if (c === 44) {
        i++;
        while (buf.charCodeAt(i) === 32) i++;
        if (buf.charCodeAt(i) === 44) bail(); // an empty item
        continue;
      }
      if (c !== close) bail();
      break;
    }
    this.pos = i + 1;
    const coll = isMap ? newMap(this.schema, this.items(base)) : newSeq(this.schema, this.items(base));
    coll.flow = true;
    return coll;
  }

  /**
   * The items of the collection whose first item is at `base` of the stack, in an array of their exact length (an
   * array grown by push keeps room for 17; most collections have one to four items), popped off the stack.
   */
  private items(base: number): unknown[] {
    const items = this.stack.slice(base, this.sp);
    this.sp = base;
    return items;
  }

  /** Whether the collection whose pairs start at `base` of the stack has a key equal to `key` (yaml's uniqueKeys). */
  private includesKey(base: number, key: Scalar): boolean {
    const v = key.value;
    for (let i = base; i < this.sp; ++i) {
      const k = (this.stack[i] as Pair<Scalar>).key;
      if (k.value === v) return true;
    }
    return false;
  }

  /** A scalar inside a flow collection at p; its range takes in the spaces after it. Leaves pos after them. */
  private flowScalar(p: number): Scalar {
    const { buf, len } = this;
    const c = buf.charCodeAt(p);
    let node: Scalar;
    let end: number;
    if (c === 34 || c === 39) {
      end = this.quoteEnd(p) + 1;
      node = this.quoted(p, end);
    } else {
      switch (c) {
        case 35: case 123: case 125: case 91: case 93: case 42: case 124: case 62: case 33: case 38: case 44: case 37:
        case 64: case 96: case 10: // # { } [ ] * | > ! & , % @ ` newline
          bail();
      }
      if (p >= len) bail();
      if (c === 45 || c === 63 || c === 58) {
        // An indicator when followed by white space or a flow indicator.
        const n = buf.charCodeAt(p + 1);
        if (p + 1 >= len || n === 32 || n === 10 || n === 44 || n === 91 || n === 93 || n === 123 || n === 125) bail();
      }
      end = p;
      let i = p;
      for (; i < len; ++i) {
        const ch = buf.charCodeAt(i);
        if (ch === 58) {
          const n = buf.charCodeAt(i + 1);
          if (i + 1 >= len || n === 32 || n === 10 || n === 44 || n === 91 || n === 93 || n === 123 || n === 125) break;
          end = i + 1;
        } else if (ch === 32) {
          const n = buf.charCodeAt(i + 1);
          if (n === 35 || n === 44 || n === 91 || n === 93 || n === 123 || n === 125) break;
        } else if (ch === 10) bail(); // over several lines
        else if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
        else end = i + 1;
      }
      node = this.scalar(buf.slice(p, end), true, 'PLAIN', p, end, end);
    }
    let q = end;
    while (buf.charCodeAt(q) === 32) q++;
    const n = buf.charCodeAt(q);
    if (n === 35 || n === 10 || q >= len) bail(); // a comment or the line's end inside the collection
    node.range![2] = q;
    this.pos = q;
    return node;
  }

  /** After a value: spaces, a comment, the newline. Returns the offset after them; sets tailComment. */
  private lineTail(): number {
    const { buf } = this;
    let p = this.pos;
    while (buf.charCodeAt(p) === 32) p++;
    let c = buf.charCodeAt(p);
    this.tailComment = '';
    if (c === 35) {
      if (p === this.pos) bail(); // a comment must follow white space
      const e = this.lineEnd(p);
      this.tailComment = buf.slice(p + 1, e) || ' ';
      p = e;
      c = buf.charCodeAt(p);
    }
    if (p < this.len) {
      if (c !== 10) bail(); // more content on the line
      p++;
    }
    this.pos = p;
    return p;
  }

  private stop = 0;
  private stopAt = 0;

  /** Whether a plain scalar may start at p (block context). */
  private plainStart(p: number): boolean {
    const c = this.buf.charCodeAt(p);
    switch (c) {
      case 35: case 123: case 125: case 91: case 93: case 42: case 34: case 39: case 124: case 62: case 33: case 38:
      case 44: case 37: case 64: case 96: case 63: case 58: // # { } [ ] * " ' | > ! & , % @ ` ? :
        return false;
      case 45: // - (an indicator when followed by white space)
        return !this.isSeqIndicator(p);
      default:
        return p < this.len && c !== 10 && c !== 32;
    }
  }

  /** The end of a one-line plain scalar from p; sets stop (why it ended) and stopAt. */
  private plainEnd(p: number): number {
    const { buf, len } = this;
    let end = p;
    let i = p;
    for (; i < len; ++i) {
      const c = buf.charCodeAt(i);
      if (c === 58) {
        const n = buf.charCodeAt(i + 1);
        if (i + 1 >= len || n === 32 || n === 10) {
          this.stop = STOP_COLON;
          this.stopAt = i;
          return end;
        }
        end = i + 1;
      } else if (c === 32) {
        if (buf.charCodeAt(i + 1) === 35) break;
      } else if (c === 10) break;
      else end = i + 1;
    }
    this.stop = STOP_LINE;
    this.stopAt = i;
    return end;
  }

  /** Set by plainLinesEnd: the scalar continues on other lines. */
  private multiLine = false;

  /**
   * The end of a plain scalar from p that continues on the lines after it indented at least `minIndent` (blank lines
   * between them included), as yaml's Lexer reads it: it ends before a comment, a less indented line or the end.
   */
  private plainLinesEnd(p: number, minIndent: number): number {
    const { buf, len } = this;
    let end = this.plainEnd(p);
    this.multiLine = false;
    while (this.stop === STOP_LINE && buf.charCodeAt(this.stopAt) === 10) {
      let q = this.stopAt + 1;
      let ind = 0;
      for (;;) {
        while (buf.charCodeAt(q + ind) === 32) ind++;
        if (buf.charCodeAt(q + ind) !== 10) break;
        q += ind + 1; // a blank line
        ind = 0;
      }
      const c = buf.charCodeAt(q + ind);
      if (q + ind >= len || ind < minIndent || c === 35) break;
      const e = this.plainEnd(q + ind);
      if (this.stop === STOP_COLON) return e; // the caller bails
      if (e > q + ind) end = e;
      this.multiLine = true;
    }
    return end;
  }

  /** The offset of the quote closing the quoted scalar at p, on its line (multi-line or unterminated: bail). */
  private quoteEnd(p: number): number {
    const { buf } = this;
    const quote = buf[p];
    const lineEnd = this.lineEnd(p);
    let end = buf.indexOf(quote, p + 1);
    if (quote === "'") {
      while (end !== -1 && end < lineEnd && buf.charCodeAt(end + 1) === 39) end = buf.indexOf("'", end + 2);
    } else {
      while (end !== -1 && end < lineEnd) {
        let n = 0;
        while (buf.charCodeAt(end - 1 - n) === 92) n += 1;
        if (n % 2 === 0) break;
        end = buf.indexOf('"', end + 1);
      }
    }
    if (end === -1 || end >= lineEnd) bail();
    return end;
  }

  /** The quoted scalar from p to end (after its closing quote), range ending at end. */
  private quoted(p: number, end: number): Scalar {
    const source = this.buf.slice(p, end);
    if (this.buf.charCodeAt(p) === 39) return this.scalar(source.slice(1, -1).replace(/''/g, "'"), false, 'QUOTE_SINGLE', p, end, end);
    return this.scalar(doubleQuotedValue(source), false, 'QUOTE_DOUBLE', p, end, end);
  }

  private emptyScalar(p: number): Scalar {
    return this.scalar('', true, 'PLAIN', p, p, p);
  }

  private scalar(value: string, plain: boolean, type: Scalar.Type, start: number, end: number, rangeEnd: number): Scalar {
    let tag = this.strTag;
    if (plain && maybeNotString(value)) {
      const { tags } = this;
      for (let i = 0; i < tags.length; ++i) {
        const t = tags[i];
        if (t.test!.test(value)) {
          tag = t;
          break;
        }
      }
    }
    resolveFailed = false;
    const res = tag.resolve(value, onResolveError, this.options);
    if (resolveFailed) bail();
    const scalar = isScalar(res) ? res : newScalar(res);
    scalar.range = [start, end, rangeEnd];
    scalar.source = value;
    scalar.type = type;
    if (tag.format) scalar.format = tag.format;
    return scalar;
  }

  /** A literal or folded block scalar at pos, the value of an item of a collection at column `indent`. */
  private blockScalar(indent: number): Scalar {
    const { buf, len } = this;
    const start = this.pos;
    let h = start + 1;
    let keep = false;
    const ch = buf.charCodeAt(h);
    if (ch === 43 || ch === 45) {
      keep = ch === 43;
      h++;
    }
    const hc = buf.charCodeAt(h);
    if (h < len && hc !== 32 && hc !== 10) bail(); // an indentation indicator, or more
    const props: SourceToken[] = [tok('block-scalar-header', start, indent, buf.slice(start, h))];
    this.pos = h;
    this.restOfLine(props);
    if (props[props.length - 1].type !== 'newline') bail(); // a header at the end of the text
    // yaml's Lexer: the lines of the scalar (indentNext is the collection's column + 1).
    let indentNext = indent + 1;
    const from = this.pos;
    let nl = from - 1;
    let ind = 0;
    for (let i = from; i < len; ++i) {
      const c = buf.charCodeAt(i);
      if (c === 32) ind += 1;
      else if (c === 10) {
        nl = i;
        ind = 0;
      } else break;
    }
    if (ind >= indentNext) {
      indentNext = ind;
      do {
        const o = nl + 1;
        let i2 = 0;
        let c2 = buf.charCodeAt(o);
        while (c2 === 32) c2 = buf.charCodeAt(++i2 + o);
        if (!(c2 === 10 || i2 >= indentNext)) break;
        nl = buf.indexOf('\n', o + i2);
      } while (nl !== -1);
      if (nl === -1) nl = len;
    }
    if (!keep) {
      for (;;) {
        let i = nl - 1;
        let c = buf.charCodeAt(i);
        const lastChar = i;
        while (c === 32) c = buf.charCodeAt(--i);
        if (c === 10 && i >= from && i + 1 + ind > lastChar) nl = i;
        else break;
      }
    }
    const source = buf.slice(from, nl + 1);
    this.pos = from + source.length;
    const bs: BlockScalar = { type: 'block-scalar', offset: start, indent, props, source };
    const { value, type, comment, range } = resolveBlockScalar(NOT_AT_ROOT, bs);
    const tag = this.strTag;
    resolveFailed = false;
    const res = tag.resolve(value, onResolveError, this.options);
    if (resolveFailed) bail();
    const scalar = isScalar(res) ? res : newScalar(res);
    scalar.range = range;
    scalar.source = value;
    scalar.type = type;
    if (tag.format) scalar.format = tag.format;
    if (comment) scalar.comment = comment;
    return scalar;
  }
}

/** Why plainEnd stopped: at the line's end (or a comment), or at a `:` indicator. */
const STOP_LINE: number = 0;
const STOP_COLON: number = 1;
