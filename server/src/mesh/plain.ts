// A YAML document as plain data, what `doc.toJS()` gives, without its per-call setup (an anchors map, a context, a
// tag-aware path per node): the index converts every document of the workspace, so this is start-up time. Only the
// common case is converted here (plain maps, sequences and scalars of yaml's own classes, string keys); anything whose
// conversion has rules of its own (anchors and aliases, merge keys, non-string keys, tagged collections such as !!set
// or !!omap, timestamps and other non-primitive scalar values) is left to toJS, so the result is always toJS's. Pure.
import { Pair, Scalar, YAMLMap, YAMLSeq, type Document } from 'yaml';

/** Returned by the converter for a node it does not convert (the whole document then goes to toJS). */
const UNSUPPORTED = Symbol('unsupported');

/** Conversions by document: the file analyzers and the mesh index both read a document as plain data. */
const converted = new WeakMap<Document.Parsed, { maxAliasCount: number; value: unknown }>();

/**
 * `doc.toJS({ maxAliasCount })`, faster for documents without anchors, aliases, merge keys or special tags. The result
 * is shared by every caller that asks for the same document (one conversion per parse): read it, never change it.
 */
export function plainOf(doc: Document.Parsed, maxAliasCount = 100): unknown {
  const known = converted.get(doc);
  if (known && known.maxAliasCount === maxAliasCount) return known.value;
  const fast = convert(doc.contents);
  const value = fast === UNSUPPORTED ? doc.toJS({ maxAliasCount }) : fast;
  converted.set(doc, { maxAliasCount, value });
  return value;
}

const SCALAR = Scalar.prototype;
const MAP = YAMLMap.prototype;
const SEQ = YAMLSeq.prototype;
const PAIR = Pair.prototype;

function convert(node: unknown): unknown {
  // A pair without a value (`key:`) has a null value node; toJS gives null.
  if (node === null) return null;
  if (typeof node !== 'object') return UNSUPPORTED;
  // Exact classes: subclasses (YAMLSet, YAMLOMap, ...) convert differently.
  const proto = Object.getPrototypeOf(node);
  if (proto === SCALAR) return scalarValue(node as Scalar);
  if (proto === MAP) {
    const m = node as YAMLMap;
    if (m.anchor) return UNSUPPORTED;
    const out: Record<string, unknown> = {};
    const items = m.items;
    for (let i = 0; i < items.length; i++) {
      const pair = items[i];
      if (Object.getPrototypeOf(pair) !== PAIR) return UNSUPPORTED;
      const key = pair.key as Scalar | null;
      // A merge key (`<<`, in YAML 1.1 or with the merge option; parsed, its value is a symbol) merges instead; other keys
      // are stringified by toJS.
      if (!key || Object.getPrototypeOf(key) !== SCALAR || key.anchor) return UNSUPPORTED;
      const k = key.value;
      if (typeof k !== 'string' || k === '<<') return UNSUPPORTED;
      // Most values are scalars: converted here, without a call to dispatch on their class.
      const v = pair.value;
      const value = v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === SCALAR ? scalarValue(v as Scalar) : convert(v);
      if (value === UNSUPPORTED) return UNSUPPORTED;
      // As yaml's addPairToJSMap: a key the object already has (a repeat, or an inherited one such as "__proto__" or
      // "constructor") is defined as an own property, never assigned through a setter. Object.prototype's only setter
      // is "__proto__"; assigning any other key (a repeat, "constructor", ...) defines the same own property.
      if (k === '__proto__') Object.defineProperty(out, k, { value, writable: true, enumerable: true, configurable: true });
      else out[k] = value;
    }
    return out;
  }
  if (proto === SEQ) {
    const q = node as YAMLSeq;
    if (q.anchor) return UNSUPPORTED;
    const out: unknown[] = [];
    const items = q.items;
    for (let i = 0; i < items.length; i++) {
      // A pair in a sequence (`[a: 1]`) becomes a one-key map in toJS: left to it.
      const value = convert(items[i]);
      if (value === UNSUPPORTED) return UNSUPPORTED;
      out.push(value);
    }
    return out;
  }
  // Aliases, pairs, tagged collections, anything else.
  return UNSUPPORTED;
}

/** toJS keeps a scalar's value as it is: primitives are copied; Dates, bigints, bytes and symbols are left to it. */
function scalarValue(s: Scalar): unknown {
  if (s.anchor) return UNSUPPORTED;
  const v = s.value;
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : UNSUPPORTED;
}
