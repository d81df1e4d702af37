// Validates one YAML document against its apiVersion/kind's schema, the way the API server does on create with
// strict field validation: structural checks, unknown fields, list-type uniqueness, ObjectMeta rules and the CRDs'
// x-kubernetes-validations (CEL). Returns offsets into the file text; never throws on any document. Pure.
import { isMap, isScalar, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Cancellation, Severity } from '../core/types';
import type { ParsedDocument } from '../yaml/parse';
import { CelRules } from './cel';
import { integerFormatOk, stringFormatOk } from './formats';
import { validateMetadata } from './metadata';
import { didYouMean } from './suggest';
import type { SchemaFile, SchemaNode, SchemaStore } from './store';
import { CelConverter, deref, EMBEDDED_KEYS, kindOf, scalarValue, valueKind, type Budget, type ValueKind } from './values';

export type SchemaCode =
  | 'SchemaUnknownField' | 'SchemaType' | 'SchemaRequired' | 'SchemaEnum' | 'SchemaFormat' | 'SchemaPattern'
  | 'SchemaRange' | 'SchemaLength' | 'SchemaDuplicate' | 'SchemaOneOf' | 'SchemaCEL' | 'SchemaMetadata';

export interface SchemaIssue {
  /** Offsets into the file text, end exclusive. */
  start: number;
  end: number;
  severity: Severity;
  code: SchemaCode;
  message: string;
}

/** Work units per document (node visits, alias hops, CEL conversions): far above any real manifest. */
export const DOCUMENT_BUDGET = 500_000;

type Span = [number, number];

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * yaml's node type tags, what its isScalar/isMap/isSeq read (registered symbols: the same for any copy of the package).
 * The walk reads a value's tag once (typeOf) instead of calling several of those tests on it.
 */
const NODE_TYPE = Symbol.for('yaml.node.type');
const SCALAR = Symbol.for('yaml.scalar');
const MAP = Symbol.for('yaml.map');
const SEQ = Symbol.for('yaml.seq');

/** isScalar(v) is typeOf(v) === SCALAR, isMap(v) typeOf(v) === MAP, isSeq(v) typeOf(v) === SEQ. */
function typeOf(v: unknown): symbol | undefined {
  return v !== null && typeof v === 'object' ? (v as { [NODE_TYPE]?: symbol })[NODE_TYPE] : undefined;
}

/**
 * What the walk reads of a schema node, resolved and read once into one fixed shape: schema nodes are JSON objects of
 * many shapes, and reading the same few keys from each of them on every visit is most of a walk's cost.
 */
class Compiled {
  readonly type: string | undefined;
  readonly nullable: boolean;
  /** enum, format, lengths, pattern or numeric bounds: scalar() has something to check. */
  readonly scalarChecks: boolean;
  /**
   * properties as a Map: schema nodes come in hundreds of shapes, so a keyed read of the JSON object is a megamorphic
   * lookup (the walk's single most expensive line); a Map reads the same way for all of them.
   */
  readonly props: Map<string, SchemaNode> | undefined;
  readonly ap: SchemaNode | boolean | undefined;
  /** Unknown fields allowed (preserve-unknown-fields or additionalProperties: true). */
  readonly open: boolean;
  readonly embedded: boolean;
  readonly combinators: boolean;
  readonly cel: boolean;
  /** required, minProperties or maxProperties. */
  readonly objectCounts: boolean;
  /** minProperties or maxProperties. */
  readonly propertyCounts: boolean;
  /** minItems, maxItems, a list type or uniqueItems. */
  readonly arrayChecks: boolean;
  branchKeys: ReadonlySet<string> | undefined;
  /**
   * How the clean-subtree memo fares at this node: values under some schema nodes repeat across documents (resources,
   * probes, ports), under others never (metadata, hosts); the memo stops trying (copying their source) where it misses.
   */
  memoHits = 0;
  memoMisses = 0;
  /** The schema file the memo's entries for this node were made with (a subtree's issues depend on it too). */
  memoFile: SchemaFile | undefined;

  constructor(readonly s: SchemaNode) {
    this.type = typeName(s);
    this.nullable = !!s.nullable;
    this.scalarChecks = s.enum !== undefined || s.format !== undefined || s.minLength !== undefined || s.maxLength !== undefined ||
      s.pattern !== undefined || s.minimum !== undefined || s.maximum !== undefined || !!s.multipleOf;
    this.props = s.properties ? new Map(Object.entries(s.properties)) : undefined;
    this.ap = s.additionalProperties;
    this.open = !!s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties === true;
    this.embedded = !!s['x-kubernetes-embedded-resource'];
    this.combinators = !!(s.allOf || s.oneOf || s.anyOf || s.not);
    this.cel = !!s['x-kubernetes-validations'];
    this.propertyCounts = s.minProperties !== undefined || s.maxProperties !== undefined;
    this.objectCounts = s.required !== undefined || this.propertyCounts;
    this.arrayChecks = s.minItems !== undefined || s.maxItems !== undefined || s['x-kubernetes-list-type'] !== undefined || !!s.uniqueItems;
  }
}

interface Walk {
  doc: Document.Parsed;
  file: SchemaFile;
  out: SchemaIssue[];
  budget: Budget;
  /** Unknown-field checks and CEL rules run on the real schema, not inside oneOf/anyOf/not branches. */
  strict: boolean;
  cel: CelConverter;
  /** SchemaType issues reported on this walk so far (CEL rules of a value with a type error are not evaluated). */
  typeErrors: number;
  /** The path to the visited value: keys and item indexes, with their kinds (PROP, ENTRY, ITEM). */
  segs: (string | number)[];
  segKinds: number[];
  /**
   * Only whether there is an issue matters (matches()): the walk stops at the first one, and the issues most common
   * there (a branch's required field, a nested oneOf) are recorded without being worded.
   */
  counting: boolean;
  /**
   * The file text, when subtrees may be looked up in (and added to) the validator's clean-subtree memo: a document of a
   * text without directives or parse errors, walked by validateCached.
   */
  text: string | undefined;
  /** Subtrees the memo answered for. */
  memoHits: number;
}

/** A Walk, always made here: one object shape for documents' walks and matches()' scratch walks alike. */
function newWalk(
  doc: Document.Parsed, file: SchemaFile, budget: Budget, strict: boolean, cel: CelConverter, segs: (string | number)[], segKinds: number[],
  counting: boolean, text: string | undefined,
): Walk {
  return { doc, file, out: [], budget, strict, cel, typeErrors: 0, segs, segKinds, counting, text, memoHits: 0 };
}

/** What a counting walk records instead of a worded issue (never shown: matches() reads only how many there are). */
const COUNTED: SchemaIssue = { start: 0, end: 0, severity: 'Error', code: 'SchemaOneOf', message: '' };

/** Characters of document source the result cache keeps (its keys are copies, so old file texts are not kept alive). */
const CACHE_CHARS = 8_000_000;

/** Characters of subtree source the clean-subtree memo keeps (its keys are copies too); it is emptied when full. */
const MEMO_CHARS = 2_000_000;
/** Block collections this short are walked faster than they are looked up; this long rarely repeat. */
const MEMO_MIN = 24;
const MEMO_MAX = 4_000;
/** Source the memo never keeps: aliases (`*`, a value from outside the subtree) and tags (`!`, a value's type). */
const NOT_MEMOIZABLE = /[*!]/;
/** Misses after which the memo gives up on a schema node (each hit buys 4 more tries). */
const MEMO_TRIES = 16;

export class SchemaValidator {
  private readonly patterns = new Map<string, RegExp | null>();
  /** Schema node (as referenced, before $ref resolution) -> its compiled form. */
  private readonly compiledOf = new WeakMap<SchemaNode, Compiled>();
  /** Document source (from its first token, "---" included, to its end) -> its issues, offsets relative to that start. */
  private readonly results = new Map<string, SchemaIssue[]>();
  private cachedChars = 0;
  /**
   * Clean subtrees: per compiled schema node, the source of block collections (from the start of their first line, so
   * their column is part of it) that validated against it without an issue, with the budget the walk used. A subtree's
   * issues are a function of that source and schema alone when it has no aliases or tags and its document no directives
   * or parse errors (the same conditions as the result cache, subtree by subtree): documents repeat the same subtrees
   * (resources, probes, ports, selectors, ...) far more often than the same whole text.
   */
  private readonly clean = new Map<Compiled, Map<string, number>>();
  private cleanChars = 0;
  private directivesOf: { text: string; has: boolean } | undefined;
  constructor(readonly store: SchemaStore, private readonly rules = new CelRules()) {}

  /**
   * validateDocument, remembered by the document's exact source: a document that did not change (in an edited file, or
   * anywhere else) gets the issues it had, moved to where it now starts. The issues are a function of that source alone
   * (the schemas never change), except for directives (%YAML, %TAG), which live before "---": files with any are not cached.
   */
  validateCached(pd: ParsedDocument, text: string, token?: Cancellation): SchemaIssue[] {
    // Most files have no "%" at all: indexOf (a plain scan) answers for them before the regular expression runs.
    if (this.directivesOf?.text !== text) this.directivesOf = { text, has: text.includes('%') && /^%/m.test(text) };
    const from = pd.doc.range[0];
    const to = pd.doc.range[2];
    if (this.directivesOf.has || !(from >= 0 && to >= from && to <= text.length)) return this.validateDocument(pd, token);
    const key = text.slice(from, to);
    const hit = this.results.get(key);
    if (hit) {
      this.results.delete(key);
      this.results.set(key, hit);
      return hit.map((i) => ({ ...i, start: i.start + from, end: i.end + from }));
    }
    const issues = this.validateDocument(pd, token, pd.doc.errors.length ? undefined : text);
    if (token?.isCancellationRequested || key.length > CACHE_CHARS / 4) return issues;
    this.results.set(detached(key), issues.map((i) => ({ ...i, start: i.start - from, end: i.end - from })));
    this.cachedChars += key.length;
    for (const k of this.results.keys()) {
      if (this.cachedChars <= CACHE_CHARS) break;
      this.results.delete(k);
      this.cachedChars -= k.length;
    }
    return issues;
  }

  /** @param text the file text, to use the clean-subtree memo (only for a text without directives, a document without errors). */
  validateDocument(pd: ParsedDocument, token?: Cancellation, text?: string): SchemaIssue[] {
    const root = pd.doc.contents;
    const apiVersion = pd.resource?.apiVersion;
    const kind = pd.resource?.kind;
    if (!isMap(root) || !apiVersion || !kind || token?.isCancellationRequested) return [];
    const found = this.store.lookup(apiVersion, kind);
    if (!found) return [];
    const budget: Budget = { left: DOCUMENT_BUDGET };
    const w = newWalk(pd.doc, found.file, budget, true, new CelConverter(pd.doc, found.file, budget), [], [], false, text);
    const kindPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
    const anchor = spanOf(kindPair?.value as Node | undefined) ?? spanOf(root.items[0]?.key as Node | undefined) ?? [pd.start, pd.start + 1];
    this.node(w, root, found.root, anchor[0], anchor[1]);
    // A remembered subtree costs at least the budget its walk would (CEL conversions of an enclosing rule may cost more
    // than after the walk's own): a document that ran out with the memo's help is validated again without it, so a
    // document runs out exactly where it always did.
    if (budget.left < 0 && w.memoHits) return this.validateDocument(pd, token);
    if (budget.left >= 0) validateMetadata(root, apiVersion, kind, found.file.builtin, w.out);
    return w.out;
  }

  /** Issues point at [from, to) (to is raised to from when smaller). */
  private report(w: Walk, from: number, to: number, code: SchemaCode, message: string, severity: Severity = 'Error'): void {
    w.out.push({ start: from, end: Math.max(to, from), code, message, severity });
    if (code === 'SchemaType') w.typeErrors++;
  }

  private compile(file: SchemaFile, schema: SchemaNode): Compiled {
    const c = new Compiled(file.resolve(schema));
    this.compiledOf.set(schema, c);
    return c;
  }

  /**
   * Validates `raw` against `schema`; [a0, a1) is where problems about the whole value point (its key). The value's
   * path is w.segs (the caller pushes it): spans and paths are plain numbers and a stack, not objects and strings
   * made for every value, since almost every value is valid and they are only read to word an issue.
   */
  private node(w: Walk, raw: unknown, schema: SchemaNode, a0: number, a1: number): void {
    if (--w.budget.left < 0 || (w.counting && w.out.length)) return;
    // Most values are scalars, which deref returns as they are (as it does sequences): they skip its alias and mapping checks.
    let type = typeOf(raw);
    if (type !== SCALAR && type !== SEQ) type = typeOf((raw = deref(w.doc, raw, w.budget)));
    const scalar = type === SCALAR;
    const node = raw as Node | null;
    const c = this.compiledOf.get(schema) ?? this.compile(w.file, schema);
    // kindOf(node), with the scalar's value kept and each node type tested once.
    let kind: ValueKind = 'null';
    let value: unknown;
    if (scalar) kind = valueKind((value = scalarValue(node as Scalar)));
    else if (type === MAP) kind = 'object';
    else if (type === SEQ) kind = 'array';
    // A scalar's issues point at the scalar; a collection's at its key.
    const r = scalar ? (node as Scalar).range : undefined;
    const at0 = r ? r[0] : a0;
    const at1 = r ? Math.max(r[0], r[1]) : a1;
    if (kind === 'null') {
      const type = c.type;
      if (w.file.builtin || c.nullable || !type) return;
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaType', `${p}: Invalid value: "null": ${p} in body must be of type ${type}: "null"`);
      return;
    }
    // The root is left out: whole documents are the result cache's.
    if (!scalar && w.text !== undefined && w.strict && !w.counting && w.segs.length && c.memoMisses <= MEMO_TRIES + 4 * c.memoHits &&
      (c.memoFile ??= w.file) === w.file && !(node as YAMLMap | YAMLSeq).flow && node!.tag === undefined) {
      const nr = node!.range;
      if (nr && nr[1] - nr[0] >= MEMO_MIN && nr[1] - nr[0] <= MEMO_MAX) {
        this.memoized(w, node!, kind, c, schema, at0, at1, w.text.slice(w.text.lastIndexOf('\n', nr[0] - 1) + 1, nr[1]));
        return;
      }
    }
    this.visit(w, node, scalar, kind, value, c, schema, at0, at1);
  }

  /**
   * visit() through the clean-subtree memo: a subtree known clean adds nothing and costs the budget its walk used (at
   * least what walking it would cost here: see validateDocument for a document that runs out).
   */
  private memoized(w: Walk, node: Node, kind: ValueKind, c: Compiled, schema: SchemaNode, at0: number, at1: number, key: string): void {
    let known = this.clean.get(c);
    const cost = known?.get(key);
    if (cost !== undefined) {
      w.budget.left -= cost;
      w.memoHits++;
      c.memoHits++;
      return;
    }
    c.memoMisses++;
    const left = w.budget.left;
    const issues = w.out.length;
    this.visit(w, node, false, kind, undefined, c, schema, at0, at1);
    if (w.out.length !== issues || w.budget.left < 0 || NOT_MEMOIZABLE.test(key)) return;
    if (this.cleanChars + key.length > MEMO_CHARS) {
      this.clean.clear();
      this.cleanChars = 0;
      known = undefined;
    }
    if (!known) this.clean.set(c, (known = new Map()));
    known.set(detached(key), left - w.budget.left);
    this.cleanChars += key.length;
  }

  /** The checks of one value (node() once the value is dereferenced and its schema compiled). */
  private visit(w: Walk, node: Node | null, scalar: boolean, kind: ValueKind, value: unknown, c: Compiled, schema: SchemaNode, at0: number, at1: number): void {
    const s = c.s;
    const typeErrorsBefore = w.typeErrors;
    if (c.type !== undefined && c.type !== kind && !this.typeOk(w, c.type, kind, at0, at1)) return;
    if (scalar) {
      if (c.scalarChecks) this.scalar(w, s, value, kind, at0, at1);
    } else if (kind === 'object') this.object(w, node as YAMLMap, c, at0, at1);
    else if (kind === 'array') this.array(w, node as YAMLSeq, s, c.arrayChecks, at0, at1);
    if (c.combinators) this.combinators(w, node, s, at0, at1);
    if (c.cel && w.strict && w.typeErrors === typeErrorsBefore) this.celRules(w, node, schema, s, at0, at1);
  }

  private typeOk(w: Walk, type: string | undefined, kind: ValueKind, at0: number, at1: number): boolean {
    if (!type) return true;
    const ok = type === kind || (type === 'number' && kind === 'integer') ||
      (type === 'int-or-string' && (kind === 'integer' || kind === 'string')) ||
      (type === 'quantity' && (kind === 'integer' || kind === 'number' || kind === 'string'));
    if (!ok) {
      const p = shownPath(w);
      const shown = type === 'quantity' ? 'string' : type === 'int-or-string' ? 'integer or string' : type;
      this.report(w, at0, at1, 'SchemaType', `${p}: Invalid value: "${kind}": ${p} in body must be of type ${shown}: "${kind}"`);
    }
    return ok;
  }

  private scalar(w: Walk, s: SchemaNode, v: unknown, kind: ValueKind, at0: number, at1: number): void {
    if (s.enum && s.enum.indexOf(v) < 0) {
      const allowed = s.enum.map((e) => JSON.stringify(e)).join(', ');
      this.report(w, at0, at1, 'SchemaEnum', `${shownPath(w)}: Unsupported value: ${JSON.stringify(v)}: supported values: ${allowed}`);
    }
    if (typeof v === 'string') this.string(w, s, v, at0, at1);
    else if (typeof v === 'number') this.number(w, s, v, kind, at0, at1);
  }

  private string(w: Walk, s: SchemaNode, v: string, at0: number, at1: number): void {
    if (s.format && !stringFormatOk(s.format, v)) {
      const p = shownPath(w);
      const shown = JSON.stringify(v);
      const msg = s.format === 'quantity'
        ? "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        : `${p} in body must be of type ${s.format}: ${shown}`;
      this.report(w, at0, at1, 'SchemaFormat', `${p}: Invalid value: ${shown}: ${msg}`);
    }
    const len = s.minLength !== undefined || s.maxLength !== undefined ? codePoints(v) : 0;
    if (s.minLength !== undefined && len < s.minLength) {
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaLength', `${p}: Invalid value: ${JSON.stringify(v)}: ${p} in body should be at least ${s.minLength} chars long`);
    }
    if (s.maxLength !== undefined && len > s.maxLength) {
      this.report(w, at0, at1, 'SchemaLength', `${shownPath(w)}: Too long: may not be more than ${s.maxLength} bytes`);
    }
    if (s.pattern) {
      const re = this.pattern(s.pattern);
      if (re && !re.test(v)) {
        const p = shownPath(w);
        this.report(w, at0, at1, 'SchemaPattern', `${p}: Invalid value: ${JSON.stringify(v)}: ${p} in body should match '${s.pattern}'`);
      }
    }
  }

  private pattern(src: string): RegExp | null {
    let re = this.patterns.get(src);
    if (re === undefined) {
      try {
        re = new RegExp(src.replace(/\(\?P</g, '(?<'), 'u');
      } catch {
        try {
          re = new RegExp(src);
        } catch {
          re = null; // RE2 syntax JavaScript cannot read: skip rather than guess.
        }
      }
      this.patterns.set(src, re);
    }
    return re;
  }

  private number(w: Walk, s: SchemaNode, v: number, kind: ValueKind, at0: number, at1: number): void {
    if (s.format && kind === 'integer' && !integerFormatOk(s.format, v)) {
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaFormat', `${p}: Invalid value: ${v}: ${p} in body must be of type ${s.format}: "${v}"`);
    }
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      const p = shownPath(w);
      const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      this.report(w, at0, at1, 'SchemaRange', `${p}: Invalid value: ${v}: ${p} in body should be ${rel} ${s.minimum}`);
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      const p = shownPath(w);
      const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      this.report(w, at0, at1, 'SchemaRange', `${p}: Invalid value: ${v}: ${p} in body should be ${rel} ${s.maximum}`);
    }
    if (s.multipleOf && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) {
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaRange', `${p}: Invalid value: ${v}: ${p} in body should be a multiple of ${s.multipleOf}`);
    }
  }

  private object(w: Walk, map: YAMLMap, c: Compiled, at0: number, at1: number): void {
    const { s, props, ap, open } = c;
    const branchKeys = c.combinators ? (c.branchKeys ??= branchProperties(w.file, s)) : NO_KEYS;
    // Distinct keys are only counted for min/maxProperties (rare); required fields are looked up afterwards.
    const present = c.propertyCounts ? new Set<string>() : undefined;
    const items = map.items as Pair[];
    for (let i = 0; i < items.length; i++) {
      const pair = items[i];
      const keyNode = pair.key as Scalar | null;
      if (typeOf(keyNode) !== SCALAR) continue;
      const key = String(keyNode!.value);
      present?.add(key);
      // Problems about the value point at its key.
      const r = keyNode!.range;
      const k0 = r ? r[0] : at0;
      const k1 = r ? Math.max(r[0], r[1]) : at1;
      const child = props?.get(key);
      if (child || typeof ap === 'object') {
        w.segs.push(key);
        w.segKinds.push(child ? PROP : ENTRY);
        this.node(w, pair.value ?? null, child ?? (ap as SchemaNode), k0, k1);
        w.segs.pop();
        w.segKinds.pop();
      } else if (!open && w.strict && !branchKeys.has(key) && !(c.embedded && EMBEDDED_KEYS.has(key))) {
        this.unknownField(w, key, k0, k1, s, branchKeys);
      }
    }
    if (!c.objectCounts) return;
    for (const r of s.required ?? []) {
      if (present ? present.has(r) : hasKey(items, r)) continue;
      const rp = props?.get(r);
      const rs = rp ? w.file.resolve(rp) : undefined;
      if (rs?.default !== undefined) continue;
      if (w.counting) {
        w.out.push(COUNTED);
        return;
      }
      const path = pathOf(w);
      this.report(w, at0, at1, 'SchemaRequired', `${path ? `${path}.${r}` : r}: Required value`);
    }
    if (!present) return;
    if (s.minProperties !== undefined && present.size < s.minProperties) {
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaLength', `${p}: Invalid value: ${present.size}: ${p} in body should have at least ${s.minProperties} properties`);
    }
    if (s.maxProperties !== undefined && present.size > s.maxProperties) {
      this.report(w, at0, at1, 'SchemaLength', `${shownPath(w)}: Too many: ${present.size}: must have at most ${s.maxProperties} items`);
    }
  }

  private unknownField(w: Walk, key: string, at0: number, at1: number, s: SchemaNode, branchKeys: ReadonlySet<string>): void {
    const path = pathOf(w);
    const full = path ? `${path}.${key}` : key;
    const allowed = [...Object.keys(s.properties ?? {}), ...branchKeys];
    const guess = didYouMean(key, allowed);
    // A Warning, as the API server's own default field validation (`Warn`) treats it: the field is dropped. kubectl's
    // strict mode rejects it; raise it with istioWorkbench.analysis.severityOverrides {"SchemaUnknownField": "Error"}.
    this.report(w, at0, at1, 'SchemaUnknownField', `unknown field "${full}"${guess ? ` (did you mean "${guess}"?)` : ''}`, 'Warning');
  }

  private array(w: Walk, seq: YAMLSeq, s: SchemaNode, checks: boolean, at0: number, at1: number): void {
    const n = seq.items.length;
    const items = s.items;
    if (items) {
      for (let i = 0; i < n; i++) {
        const item = seq.items[i] as Node | null;
        // The item's span (itemSpan), inline: a scalar itself; a mapping up to the end of its first key.
        let i0 = at0;
        let i1 = at1;
        const first = typeOf(item) === MAP && (item as YAMLMap).items.length ? ((item as YAMLMap).items[0].key as Node | null)?.range : undefined;
        const ir = item?.range;
        if (first && ir) {
          i0 = ir[0];
          i1 = Math.max(first[0], first[1]);
        } else if (ir) {
          i0 = ir[0];
          i1 = Math.max(ir[0], ir[1]);
        }
        w.segs.push(i);
        w.segKinds.push(ITEM);
        this.node(w, item, items, i0, i1);
        w.segs.pop();
        w.segKinds.pop();
      }
    }
    if (!checks) return;
    if (s.minItems !== undefined && n < s.minItems) {
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaLength', `${p}: Invalid value: ${n}: ${p} in body should have at least ${s.minItems} items`);
    }
    if (s.maxItems !== undefined && n > s.maxItems) this.report(w, at0, at1, 'SchemaLength', `${shownPath(w)}: Too many: ${n}: must have at most ${s.maxItems} items`);
    const listType = s['x-kubernetes-list-type'];
    // A duplicate needs two items.
    if ((listType === 'set' || listType === 'map' || s.uniqueItems) && n > 1) this.duplicates(w, seq, s, at0, at1);
  }

  /** list-type set/map (and uniqueItems): each element, or each element's key fields, must be unique. */
  private duplicates(w: Walk, seq: YAMLSeq, s: SchemaNode, at0: number, at1: number): void {
    const keys = s['x-kubernetes-list-type'] === 'map' ? s['x-kubernetes-list-map-keys'] ?? [] : undefined;
    const itemSchema = s.items ? w.file.resolve(s.items) : undefined;
    const seen = new Set<string>();
    seq.items.forEach((raw, i) => {
      const item = deref(w.doc, raw, w.budget);
      let id: string | undefined;
      let parts: [string, unknown][] | undefined;
      if (keys) {
        if (!isMap(item)) return;
        parts = keys.map((k) => {
          const v = deref(w.doc, item.get(k, true), w.budget);
          const ks = itemSchema?.properties?.[k] ? w.file.resolve(itemSchema.properties[k]) : undefined;
          return [k, v && isScalar(v) ? scalarValue(v) : ks?.default];
        });
        id = JSON.stringify(parts);
      } else {
        if (!isScalar(item)) return;
        id = JSON.stringify(scalarValue(item));
      }
      if (seen.has(id)) {
        const shown = parts
          ? `map[string]interface {}{${parts.filter(([, v]) => v !== undefined).map(([k, v]) => `"${k}":${JSON.stringify(v)}`).join(', ')}}`
          : id;
        const [from, to] = itemSpan(raw as Node | null) ?? [at0, at1];
        // Built-in types accept some duplicates on create (only server-side apply rejects them): warn there.
        this.report(w, from, to, 'SchemaDuplicate', `${shownPath(w)}[${i}]: Duplicate value: ${shown}`, w.file.builtin ? 'Warning' : 'Error');
      }
      seen.add(id);
    });
  }

  /** oneOf/anyOf/allOf/not as Istio's and Gateway API's schemas use them (branches mostly say which fields are set). */
  private combinators(w: Walk, node: Node | null, s: SchemaNode, at0: number, at1: number): void {
    if (s.allOf) {
      const strict = w.strict;
      w.strict = false;
      for (const b of s.allOf) this.node(w, node, b, at0, at1);
      w.strict = strict;
    }
    if (s.oneOf) {
      const matching = s.oneOf.filter((b) => this.matches(w, node, b));
      if (matching.length !== 1 && w.counting) w.out.push(COUNTED);
      else if (matching.length !== 1) {
        const p = shownPath(w);
        const fields = matching.flatMap((b) => w.file.resolve(b).required ?? []);
        const hint = matching.length > 1 && fields.length > 1 ? `: only one of ${fields.map((f) => `"${f}"`).join(', ')} may be set` : '';
        const found = matching.length > 1 ? `. Found ${matching.length} valid alternatives` : '';
        this.report(w, at0, at1, 'SchemaOneOf', `${p}: Invalid value: "${kindOf(node)}": ${p} in body must validate one and only one schema (oneOf)${found}${hint}`);
      }
    }
    if (s.anyOf && !s.anyOf.some((b) => this.matches(w, node, b))) {
      if (w.counting) {
        w.out.push(COUNTED);
        return;
      }
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaOneOf', `${p}: Invalid value: "${kindOf(node)}": ${p} in body must validate at least one schema (anyOf)`);
    }
    if (s.not && this.matches(w, node, s.not)) {
      if (w.counting) {
        w.out.push(COUNTED);
        return;
      }
      const p = shownPath(w);
      this.report(w, at0, at1, 'SchemaOneOf', `${p}: Invalid value: "${kindOf(node)}": ${p} in body must not validate the schema (not)`);
    }
  }

  /**
   * Whether `node` satisfies `branch` alone. Only the number of issues is read, never their text or place, so the walk
   * shares the path stack (pushes and pops balance) and starts at an empty span.
   */
  private matches(w: Walk, node: Node | null, branch: SchemaNode): boolean {
    const scratch = newWalk(w.doc, w.file, w.budget, false, w.cel, w.segs, w.segKinds, true, undefined);
    this.node(scratch, node, branch, 0, 0);
    return scratch.out.length === 0;
  }

  private celRules(w: Walk, node: Node | null, schema: SchemaNode, s: SchemaNode, at0: number, at1: number): void {
    let whole: unknown;
    let converted = false;
    const wholeSelf = (): unknown => {
      if (!converted) {
        whole = w.cel.convert(node, schema);
        converted = true;
      }
      return whole;
    };
    for (const rule of s['x-kubernetes-validations'] ?? []) {
      if (!rule.rule || CelRules.usesOldSelf(rule.rule) || w.budget.left < 0) continue;
      // A rule that reads only some fields of `self` gets only those converted (and is remembered by them alone).
      const fields = this.rules.footprint(rule.rule);
      const self = (fields && w.cel.project(node, schema, fields)) ?? wholeSelf();
      if (w.budget.left < 0) return;
      const outcome = this.rules.evaluate(rule.rule, self);
      if (outcome.kind === 'pass' || outcome.kind === 'skip') continue;
      const p = shownPath(w);
      const ruleText = (rule.message ?? rule.rule).trim();
      const fieldPath = rule.fieldPath ? `${p === '<root>' ? '' : p}${rule.fieldPath.startsWith('.') || rule.fieldPath.startsWith('[') ? '' : '.'}${rule.fieldPath}` : p;
      const type = typeName(s) ?? 'object';
      let detail: string;
      if (outcome.kind === 'error') {
        detail = `Invalid value: "${type}": ${outcome.message} evaluating rule: ${ruleText}`;
      } else {
        const msg = (rule.messageExpression && this.rules.message(rule.messageExpression, wholeSelf())) || rule.message?.trim() || `failed rule: ${rule.rule.trim()}`;
        detail = reasonText(rule.reason, type, msg);
      }
      this.report(w, at0, at1, 'SchemaCEL', `${fieldPath.replace(/^\./, '')}: ${detail}`);
    }
  }
}

/** [...v].length without the array: UTF-16 units, a surrogate pair counted once (a lone surrogate counts as one). */
function codePoints(v: string): number {
  let n = v.length;
  for (let i = 0; i < v.length - 1; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Whether a mapping has the key `name` (as object() reads keys: scalar keys, as strings). */
function hasKey(items: Pair[], name: string): boolean {
  for (let i = 0; i < items.length; i++) {
    const k = items[i].key;
    if (isScalar(k) && String(k.value) === name) return true;
  }
  return false;
}

/** Path segment kinds: a property (`a.b`), an additionalProperties entry (`a[b]`), a list item (`a[0]`). */
const PROP = 0;
const ENTRY = 1;
const ITEM = 2;

/** The visited value's path as the API server words it ("" at the root). */
function pathOf(w: Walk): string {
  let path = '';
  for (let i = 0; i < w.segs.length; i++) {
    const seg = w.segs[i];
    path = w.segKinds[i] === PROP ? (path ? `${path}.${seg}` : String(seg)) : `${path || '<root>'}[${seg}]`;
  }
  return path;
}

/** pathOf, with the root shown as "<root>". */
function shownPath(w: Walk): string {
  return pathOf(w) || '<root>';
}

/**
 * A copy of `s` that does not keep a larger string alive (V8 makes slices views of their parent): prepending a character
 * makes a concatenation that slice() has to flatten into a new string; the result is a view of that copy only.
 */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

function reasonText(reason: string | undefined, type: string, msg: string): string {
  switch (reason) {
    case 'FieldValueForbidden': return `Forbidden: ${msg}`;
    case 'FieldValueRequired': return `Required value: ${msg}`;
    case 'FieldValueDuplicate': return `Duplicate value: ${msg}`;
    default: return `Invalid value: "${type}": ${msg}`;
  }
}

function typeName(s: SchemaNode): string | undefined {
  if (s['x-kubernetes-int-or-string']) return 'int-or-string';
  if (s.format === 'quantity' && !s.type) return 'quantity';
  if (s.type) return s.type;
  if (s.properties || typeof s.additionalProperties === 'object') return 'object';
  return undefined;
}

/** Property names the oneOf/anyOf/allOf branches mention (structural schemas declare them on the main schema too). */
export function branchProperties(file: SchemaFile, s: SchemaNode): Set<string> {
  const out = new Set<string>();
  const visit = (list: SchemaNode[] | undefined, depth: number) => {
    for (const b of list ?? []) {
      const r = file.resolve(b);
      for (const k of Object.keys(r.properties ?? {})) out.add(k);
      if (depth < 4) {
        visit(r.allOf, depth + 1);
        visit(r.anyOf, depth + 1);
        visit(r.oneOf, depth + 1);
      }
    }
  };
  visit(s.allOf, 0);
  visit(s.anyOf, 0);
  visit(s.oneOf, 0);
  return out;
}

function spanOf(node: Node | null | undefined): Span | undefined {
  const r = node?.range;
  return r ? [r[0], Math.max(r[0], r[1])] : undefined;
}

/** A sequence item's span: a scalar itself; a mapping up to the end of its first key (not the whole item). */
function itemSpan(item: Node | null): Span | undefined {
  if (isMap(item) && item.items.length) {
    const first = spanOf(item.items[0].key as Node);
    const start = item.range?.[0];
    if (first && start !== undefined) return [start, first[1]];
  }
  return spanOf(item);
}
