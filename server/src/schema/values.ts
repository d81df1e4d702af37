// YAML AST helpers for validation: value kinds as the API server sees them (YAML 1.1 booleans, as sigs.k8s.io/yaml
// decodes them), alias resolution, and conversion to CEL values typed by the schema. Pure.
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node, type YAMLMap } from 'yaml';
import type { Footprint } from './cel';
import type { SchemaFile, SchemaNode } from './store';

export type ValueKind = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

/** Plain scalars that YAML 1.1 (go-yaml v2, used by kubectl and the API server) reads as booleans. */
const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** A shared work budget per document: aliases can make a small text expand exponentially, so every visit costs one. */
export interface Budget {
  left: number;
}

export function deref(doc: Document.Parsed, node: unknown, budget: Budget): Node | null {
  let n = node;
  if (isAlias(n)) {
    for (let hops = 0; isAlias(n) && hops < 100; hops++) {
      if (--budget.left < 0) return null;
      n = n.resolve(doc) ?? null;
    }
    if (isAlias(n)) return null;
  }
  return isMap(n) ? goYamlPlain(n) ?? n : ((n as Node | null) ?? null);
}

const plainOfMap = new WeakMap<YAMLMap, Scalar>();

/**
 * In a flow sequence, YAML 1.2 reads `[001:db8::]` as a one-pair mapping (":" before "]" separates a key), while
 * go-yaml v2 (YAML 1.1, which the API server's decoder uses) reads the plain scalar "001:db8::". Follow go-yaml.
 */
function goYamlPlain(map: YAMLMap): Scalar | undefined {
  if (!map.flow || map.items.length !== 1 || !map.range) return undefined;
  const { key, value } = map.items[0];
  // The composer gives such an implicit one-pair mapping its key's start; a written {...} starts at its "{".
  if (!isScalar(key) || key.type !== 'PLAIN' || !key.range || key.range[0] !== map.range[0] || key.range[1] + 1 !== map.range[1]) return undefined;
  if (!isScalar(value) || value.value !== null || value.source !== '') return undefined;
  let s = plainOfMap.get(map);
  if (!s) {
    s = new Scalar(`${key.source}:`);
    s.type = 'PLAIN';
    s.range = map.range;
    plainOfMap.set(map, s);
  }
  return s;
}

export function scalarValue(node: Scalar): unknown {
  const v = node.value;
  if (typeof v === 'string' && v.length <= 5 && node.type === 'PLAIN' && YAML11_BOOL.test(v)) return /^[yYoO]/.test(v) && v.toLowerCase() !== 'off';
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return node.source ?? '';
  return v;
}

export function kindOf(node: Node | null): ValueKind {
  if (node === null) return 'null';
  if (isMap(node)) return 'object';
  if (isSeq(node)) return 'array';
  if (isScalar(node)) return valueKind(scalarValue(node));
  return 'null';
}

export function valueKind(v: unknown): ValueKind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : 'string';
}

/** Converts a node to a CEL value, typed by its schema (integer -> int, number -> double) and defaulted as the API server does. */
export class CelConverter {
  private readonly memo = new Map<Node, Map<SchemaNode, unknown>>();
  constructor(private readonly doc: Document.Parsed, private readonly file: SchemaFile, private readonly budget: Budget) {}

  convert(raw: unknown, schema: SchemaNode | undefined): unknown {
    const node = deref(this.doc, raw, this.budget);
    if (node === null) return null;
    const s = schema ? this.file.resolve(schema) : undefined;
    const key = schema ?? DYN;
    let bySchema = this.memo.get(node);
    if (bySchema?.has(key)) return bySchema.get(key);
    if (--this.budget.left < 0) return null;
    const v = this.build(node, s);
    if (!bySchema) this.memo.set(node, (bySchema = new Map()));
    bySchema.set(key, v);
    return v;
  }

  /**
   * The map `raw` converted to the part a CEL rule reads (its Footprint): what convert() gives for those keys, with
   * `true` for values the rule never reads (it only tests or iterates the keys). Not remembered: the rule's outcome is
   * (CelRules.evaluate). Returns undefined when `raw` is not a map.
   */
  project(raw: unknown, schema: SchemaNode, part: Footprint): Map<string, unknown> | undefined {
    const node = deref(this.doc, raw, this.budget);
    if (!isMap(node)) return undefined;
    return this.buildMap(node, this.file.resolve(schema), part);
  }

  private build(node: Node, s: SchemaNode | undefined): unknown {
    if (isMap(node)) return this.buildMap(node, s, undefined);
    if (isSeq(node)) return node.items.map((it) => this.convert(it, s?.items));
    if (isScalar(node)) return this.scalar(scalarValue(node), s);
    return null;
  }

  private buildMap(node: YAMLMap, s: SchemaNode | undefined, part: Footprint | undefined): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const props = s?.properties;
    const ap = s?.additionalProperties;
    const open = !s || s['x-kubernetes-preserve-unknown-fields'] || (!props && ap === undefined);
    const embedded = s?.['x-kubernetes-embedded-resource'];
    const items = node.items;
    for (let i = 0; i < items.length; i++) {
      const pair = items[i];
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (k === undefined) continue;
      const wanted = part?.fields.get(k);
      if (part && !part.keys && wanted === undefined) continue;
      const child = props && Object.hasOwn(props, k) ? props[k] : typeof ap === 'object' ? ap : undefined;
      if (!child && !open && !ap && !(embedded && EMBEDDED_KEYS.has(k))) continue; // pruned
      const childNode = deref(this.doc, pair.value, this.budget);
      if (childNode === null || kindOf(childNode) === 'null') {
        if (child && this.file.resolve(child).nullable) out.set(k, null);
        continue;
      }
      out.set(k, part && !wanted ? true : this.convert(childNode, child));
    }
    if (props) {
      for (const [k, ps] of this.defaultsOf(props)) {
        const wanted = part?.fields.get(k);
        if (part && !part.keys && wanted === undefined) continue;
        if (!out.has(k)) out.set(k, part && !wanted ? true : this.fromJson(ps.default, ps));
      }
    }
    return out;
  }

  /** The properties with a default (resolved), read once per schema: most objects have none, and many properties. */
  private defaultsOf(props: Record<string, SchemaNode>): [string, SchemaNode][] {
    let byProps = defaultsCache.get(this.file);
    if (!byProps) defaultsCache.set(this.file, (byProps = new WeakMap()));
    let d = byProps.get(props);
    if (!d) {
      d = [];
      for (const k of Object.keys(props)) {
        const ps = this.file.resolve(props[k]);
        if (ps.default !== undefined) d.push([k, ps]);
      }
      byProps.set(props, d);
    }
    return d;
  }

  private scalar(v: unknown, s: SchemaNode | undefined): unknown {
    if (typeof v === 'number') {
      if (s?.type === 'number' || !Number.isInteger(v)) return v;
      return BigInt(v);
    }
    return v;
  }

  /** Schema defaults are JSON; convert them like document values. */
  fromJson(v: unknown, s: SchemaNode | undefined): unknown {
    if (Array.isArray(v)) return v.map((x) => this.fromJson(x, s?.items ? this.file.resolve(s.items) : undefined));
    if (v && typeof v === 'object') {
      const out = new Map<string, unknown>();
      for (const [k, x] of Object.entries(v)) {
        const c = s?.properties?.[k] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
        out.set(k, this.fromJson(x, c ? this.file.resolve(c) : undefined));
      }
      return out;
    }
    return this.scalar(v, s);
  }
}

const DYN: SchemaNode = {};
/** Per file and `properties` object: its defaulted properties (resolved through that file). */
const defaultsCache = new WeakMap<SchemaFile, WeakMap<Record<string, SchemaNode>, [string, SchemaNode][]>>();
export const EMBEDDED_KEYS = new Set(['apiVersion', 'kind', 'metadata']);
