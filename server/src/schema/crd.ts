// CustomResourceDefinitions (apiextensions.k8s.io/v1) as schemas at run time: the checks the API server makes before it
// accepts a CRD (the parts schema compilation relies on, with its messages), the location of each problem in the
// CRD's YAML, and compilation of the CRDs that pass through compile.ts, the compiler the bundled schemas use. Pure.
import { parse as parseCel } from '@bufbuild/cel';
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Severity } from '../core/types';
import type { ParsedDocument, ParsedFile } from '../yaml/parse';
import { boundedMemo } from '../core/memo';
import { addCrd, gvString, OBJECT_META, OPENAPI_PREFIX, openApiLookup, Unit, type Json, type JsonObject, type Lookup } from './compile';

export const CRD_API_VERSION = 'apiextensions.k8s.io/v1';
export const CRD_KIND = 'CustomResourceDefinition';

/** A path of keys and indexes into a CRD object. */
export type CrdPath = readonly (string | number)[];

export interface CrdProblem {
  path: CrdPath;
  /** Where the problem points: the key at `path` (or the nearest one that exists) or its value. */
  on: 'key' | 'value';
  severity: Severity;
  message: string;
}

/** Schema nesting deeper than this is refused (real CRDs stay far below; the compiler recurses). */
export const MAX_SCHEMA_DEPTH = 100;
/** Schema nodes checked per CRD at most. */
const MAX_SCHEMA_NODES = 200_000;

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
/** YAML 1.1 true (what kubectl's decoder reads from `served: yes`). */
const YAML11_TRUE = /^(y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/;

function isObject(v: unknown): v is JsonObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && YAML11_TRUE.test(v));
}

export function isCrdDocument(r: { apiVersion: string | null; kind: string | null } | null): boolean {
  return r?.apiVersion === CRD_API_VERSION && r.kind === CRD_KIND;
}

/** A field path as the API server writes it: spec.versions[0].schema.openAPIV3Schema.properties[spec].type. */
export function fieldPath(path: CrdPath): string {
  let out = '';
  let propertyName = false;
  for (const seg of path) {
    if (typeof seg === 'number' || propertyName) {
      out += `[${seg}]`;
      propertyName = false;
    } else {
      out += out ? `.${seg}` : seg;
      propertyName = seg === 'properties';
    }
  }
  return out;
}

/** A value as a message shows it: JSON, cut short (a wrong value can be a whole subtree). */
function quote(v: unknown): string {
  const s = JSON.stringify(v === undefined ? null : v) ?? 'null';
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Problems by CRD object: the server checks the cluster's CRDs in chunks before compiling them, which checks them too. */
const checked = new WeakMap<object, readonly CrdProblem[]>();

/** The API server's checks of one CRD object that schema compilation depends on (the result must not be changed). */
export function checkCrd(crd: unknown): readonly CrdProblem[] {
  if (!isObject(crd)) return [];
  let out = checked.get(crd);
  if (!out) {
    out = checkUncached(crd);
    checked.set(crd, out);
  }
  return out;
}

function checkUncached(crd: JsonObject): CrdProblem[] {
  const out: CrdProblem[] = [];
  const err = (path: CrdPath, detail: string, on: 'key' | 'value' = 'value') => out.push({ path, on, severity: 'Error', message: `${fieldPath(path)}: ${detail}` });
  const spec = crd.spec;
  if (!isObject(spec)) {
    err(['spec'], spec === undefined || spec === null ? 'Required value' : `Invalid value: ${quote(spec)}: must be an object`);
    return out;
  }
  const group = spec.group;
  const groupOk = typeof group === 'string' && group !== '';
  if (!groupOk) err(['spec', 'group'], group === undefined || group === null || group === '' ? 'Required value' : `Invalid value: ${quote(group)}: must be a string`);
  else if (!group.includes('.')) err(['spec', 'group'], `Invalid value: ${quote(group)}: should be a domain with at least one dot`);
  const names = spec.names;
  let plural: string | undefined;
  if (!isObject(names)) {
    err(['spec', 'names'], names === undefined || names === null ? 'Required value' : `Invalid value: ${quote(names)}: must be an object`);
  } else {
    for (const field of ['plural', 'singular', 'kind', 'listKind'] as const) {
      const v = names[field];
      const required = field === 'plural' || field === 'kind';
      if (v === undefined || v === '' || v === null) {
        if (required) err(['spec', 'names', field], 'Required value');
        continue;
      }
      if (typeof v !== 'string') {
        err(['spec', 'names', field], `Invalid value: ${quote(v)}: must be a string`);
        continue;
      }
      const label = field === 'kind' || field === 'listKind' ? v.toLowerCase() : v;
      if (!DNS1035.test(label)) err(['spec', 'names', field], `Invalid value: ${quote(v)}: ${DNS1035_MSG}`);
      else if (field === 'plural') plural = v;
    }
  }
  const meta = crd.metadata;
  const name = isObject(meta) ? meta.name : undefined;
  if (plural && groupOk && typeof name === 'string' && name !== `${plural}.${group}`) {
    err(['metadata', 'name'], `Invalid value: ${quote(name)}: must be spec.names.plural+"."+spec.group`);
  }
  const scope = spec.scope;
  if (scope === undefined || scope === null) err(['spec', 'scope'], 'Required value');
  else if (scope !== 'Cluster' && scope !== 'Namespaced') err(['spec', 'scope'], `Unsupported value: ${quote(scope)}: supported values: "Cluster", "Namespaced"`);
  const versions = spec.versions;
  if (!Array.isArray(versions) || versions.length === 0) {
    err(['spec', 'versions'], versions === undefined || versions === null || Array.isArray(versions) ? 'Required value: must have at least one version' : `Invalid value: ${quote(versions)}: must be a list`);
    return out;
  }
  const seen = new Set<string>();
  let storage = 0;
  const budget = { left: MAX_SCHEMA_NODES };
  versions.forEach((v, i) => {
    const at: CrdPath = ['spec', 'versions', i];
    if (!isObject(v)) {
      err(at, `Invalid value: ${quote(v)}: must be an object`);
      return;
    }
    if (typeof v.name !== 'string' || v.name === '') err([...at, 'name'], v.name === undefined || v.name === null || v.name === '' ? 'Required value' : `Invalid value: ${quote(v.name)}: must be a string`);
    else if (!DNS1035.test(v.name)) err([...at, 'name'], `Invalid value: ${quote(v.name)}: ${DNS1035_MSG}`);
    else if (seen.has(v.name)) err([...at, 'name'], `Duplicate value: ${quote(v.name)}`);
    else seen.add(v.name);
    if (isTrue(v.storage)) storage++;
    const schema = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    const schemaPath: CrdPath = [...at, 'schema', 'openAPIV3Schema'];
    if (schema === undefined || schema === null) err(schemaPath, 'Required value: schemas are required');
    else checkSchema(schema, schemaPath.reduce<Link>((up, seg) => ({ up, seg }), undefined), { err, budget }, 0, true, false);
  });
  if (budget.left < 0) err(['spec', 'versions'], `Forbidden: the schemas have more than ${MAX_SCHEMA_NODES} nodes`, 'key');
  if (storage !== 1) err(['spec', 'versions'], `Invalid value: ${storage}: must have exactly one version marked as storage version`, 'key');
  return out;
}

interface Walk {
  err: (path: CrdPath, detail: string, on?: 'key' | 'value') => void;
  budget: { left: number };
}

/** A path built as the walk descends, turned into an array only for a problem (most schemas have none). */
type Link = { up: Link; seg: string | number } | undefined;

function pathOf(link: Link, ...more: (string | number)[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (let n = link; n; n = n.up) out.push(n.seg);
  return out.reverse().concat(more);
}

/** Whether a schema node may leave `type` out (structural schemas: int-or-string and preserve-unknown-fields nodes). */
function untypedOk(v: JsonObject): boolean {
  return isTrue(v['x-kubernetes-int-or-string']) || isTrue(v['x-kubernetes-preserve-unknown-fields']);
}

/**
 * One schema node. `junction`: inside allOf/anyOf/oneOf/not, where structural schemas need no types. A null keyword is an
 * absent one (Go's JSON decoding): `anyOf: null` is what some generators write.
 */
function checkSchema(s: Json, link: Link, w: Walk, depth: number, root: boolean, junction: boolean): void {
  if (--w.budget.left < 0) return;
  if (!isObject(s)) {
    w.err(pathOf(link), `Invalid value: ${quote(Array.isArray(s) ? 'array' : s === null ? 'null' : typeof s)}: must be a schema object`);
    return;
  }
  if (depth > MAX_SCHEMA_DEPTH) {
    w.err(pathOf(link), `Forbidden: schemas nested more than ${MAX_SCHEMA_DEPTH} levels deep are not supported`, 'key');
    return;
  }
  const get = (k: string): Json | undefined => (s[k] === null ? undefined : s[k]);
  if (get('$ref') !== undefined) w.err(pathOf(link, '$ref'), 'Forbidden: $ref is not supported', 'key');
  const type = get('type');
  if (type !== undefined && (typeof type !== 'string' || !TYPES.includes(type))) {
    w.err(pathOf(link, 'type'), `Unsupported value: ${quote(type)}: supported values: ${TYPES.map((t) => `"${t}"`).join(', ')}`);
  }
  if (root) {
    if (type === undefined) w.err(pathOf(link, 'type'), 'Required value: must not be empty at the root');
    else if (type !== 'object' && TYPES.includes(String(type))) w.err(pathOf(link, 'type'), `Invalid value: ${quote(type)}: must be object at the root`);
  }
  const child = (v: Json, childLink: Link, what: string | undefined, inJunction: boolean) => {
    if (what && !inJunction && isObject(v) && (v.type === undefined || v.type === null) && !untypedOk(v)) {
      w.err(pathOf(childLink, 'type'), `Required value: must not be empty for specified ${what}`, 'key');
    }
    checkSchema(v, childLink, w, depth + 1, false, inJunction);
  };
  const properties = get('properties');
  if (properties !== undefined) {
    if (!isObject(properties)) w.err(pathOf(link, 'properties'), `Invalid value: ${quote(properties)}: must be an object`);
    else {
      const propsLink: Link = { up: link, seg: 'properties' };
      for (const [k, v] of Object.entries(properties)) child(v, { up: propsLink, seg: k }, 'object fields', junction);
    }
  }
  const additional = get('additionalProperties');
  if (additional !== undefined) {
    if (isObject(properties) && additional !== false) {
      w.err(pathOf(link, 'additionalProperties'), 'Forbidden: additionalProperties and properties are mutual exclusive', 'key');
    } else if (isObject(additional)) {
      child(additional, { up: link, seg: 'additionalProperties' }, 'object fields', junction);
    } else if (typeof additional !== 'boolean') {
      w.err(pathOf(link, 'additionalProperties'), `Invalid value: ${quote(additional)}: must be a schema object or a boolean`);
    }
  }
  const items = get('items');
  if (items !== undefined) {
    if (Array.isArray(items)) w.err(pathOf(link, 'items'), 'Forbidden: items must be a schema object and not an array', 'key');
    else child(items, { up: link, seg: 'items' }, 'array items', junction);
  }
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = get(k);
    if (list === undefined) continue;
    if (!Array.isArray(list)) w.err(pathOf(link, k), `Invalid value: ${quote(list)}: must be a list of schemas`);
    else {
      const listLink: Link = { up: link, seg: k };
      list.forEach((b, i) => child(b, { up: listLink, seg: i }, undefined, true));
    }
  }
  const not = get('not');
  if (not !== undefined) child(not, { up: link, seg: 'not' }, undefined, true);
  const required = get('required');
  if (required !== undefined && (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))) {
    w.err(pathOf(link, 'required'), `Invalid value: ${quote(required)}: must be a list of strings`);
  }
  const enumValues = get('enum');
  if (enumValues !== undefined && !Array.isArray(enumValues)) w.err(pathOf(link, 'enum'), `Invalid value: ${quote(enumValues)}: must be a list`);
  const mapKeys = get('x-kubernetes-list-map-keys');
  if (get('x-kubernetes-list-type') === 'map' && !(Array.isArray(mapKeys) && mapKeys.length)) {
    w.err(pathOf(link, 'x-kubernetes-list-type'), 'Required value: x-kubernetes-list-map-keys must not be empty if x-kubernetes-list-type is map', 'key');
  }
  const rules = get('x-kubernetes-validations');
  if (rules !== undefined) {
    if (!Array.isArray(rules)) w.err(pathOf(link, 'x-kubernetes-validations'), `Invalid value: ${quote(rules)}: must be a list of rules`);
    else rules.forEach((r, i) => checkRule(r, pathOf(link, 'x-kubernetes-validations', i), w));
  }
}

function checkRule(r: Json, path: CrdPath, w: Walk): void {
  if (!isObject(r)) {
    w.err(path, `Invalid value: ${quote(r)}: must be an object`);
    return;
  }
  if (typeof r.rule !== 'string' || r.rule.trim() === '') {
    w.err([...path, 'rule'], r.rule === undefined || r.rule === null || typeof r.rule === 'string' ? 'Required value' : `Invalid value: ${quote(r.rule)}: must be a string`);
  } else {
    const e = celSyntaxError(r.rule);
    if (e) w.err([...path, 'rule'], `Invalid value: ${quote(r.rule)}: compilation failed: ${e}`);
  }
  if (typeof r.messageExpression === 'string' && r.messageExpression.trim()) {
    const e = celSyntaxError(r.messageExpression);
    if (e) w.err([...path, 'messageExpression'], `Invalid value: ${quote(r.messageExpression)}: compilation failed: ${e}`);
  }
}

/**
 * The parser's message for a CEL expression that does not parse; undefined when it parses or uses syntax we cannot
 * judge. Memoised by expression (parsing costs about a millisecond; a CRD file is checked again on every edit).
 */
const celSyntaxError = boundedMemo((expr: string): string | undefined => {
  try {
    parseCel(expr);
    return undefined;
  } catch (e) {
    // Optional field selection (self.?x, m[?k]) is valid Kubernetes CEL that @bufbuild/cel does not parse: not a finding.
    return /\.\?|\[\?/.test(expr) ? undefined : e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}, 10_000);

// ---- Locations in YAML ----

type Span = [number, number];

function spanOf(n: Node | null | undefined): Span | undefined {
  const r = n?.range;
  return r ? [r[0], Math.max(r[0], r[1])] : undefined;
}

/** A sequence item: a mapping up to the end of its first key, else the item. */
function itemSpan(item: Node | null | undefined): Span | undefined {
  if (isMap(item) && item.items.length) {
    const first = spanOf(item.items[0].key as Node);
    const start = item.range?.[0];
    if (first && start !== undefined) return [start, first[1]];
  }
  return spanOf(item);
}

/**
 * Offsets of a problem in the CRD's document: the key (or value) at `path`; when the path goes past what the document
 * has, the key of the deepest part that exists (a missing `spec.scope` points at `spec`), the document's `kind` at worst.
 */
export function locate(pd: ParsedDocument, path: CrdPath, on: 'key' | 'value'): Span {
  const root = pd.doc.contents as Node | null;
  const kindValue = isMap(root) ? spanOf(root.get('kind', true) as Node) : undefined;
  let fallback: Span = kindValue ?? [pd.start, Math.min(pd.start + 1, pd.end)];
  let node: Node | null = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = (node.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return fallback;
      const keySpan = spanOf(pair.key as Node) ?? fallback;
      const value = (pair.value as Node | null) ?? null;
      if (last) return on === 'key' ? keySpan : isScalar(value) || !value ? spanOf(value) ?? keySpan : keySpan;
      fallback = keySpan;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      const item = node.items[seg] as Node | null;
      const span = itemSpan(item) ?? fallback;
      if (last) return on === 'value' && isScalar(item) ? spanOf(item) ?? span : span;
      fallback = span;
      node = item;
    } else {
      return fallback;
    }
  }
  return fallback;
}

/** A CRD document (apiVersion apiextensions.k8s.io/v1) as an object; undefined for other documents and those with YAML errors. */
export function crdOf(pd: ParsedDocument): { crd: unknown } | undefined {
  if (!isCrdDocument(pd.resource) || pd.doc.errors.length) return undefined;
  try {
    return { crd: pd.doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    return undefined; // Alias bombs and the like: the document is not a usable CRD.
  }
}

/** The CRD documents of a file as objects (see crdOf). */
export function crdDocuments(parsed: ParsedFile): { pd: ParsedDocument; crd: unknown }[] {
  const out: { pd: ParsedDocument; crd: unknown }[] = [];
  for (const pd of parsed.docs) {
    const c = crdOf(pd);
    if (c) out.push({ pd, crd: c.crd });
  }
  return out;
}

// ---- Compilation ----

/** A kind a CRD defines (one per served version). */
export interface DefinedKind {
  apiVersion: string;
  kind: string;
  /** The CRD's name (plural.group). */
  crd: string;
}

export interface CompiledCrds {
  units: Unit[];
  kinds: DefinedKind[];
  /** CRDs left out, with the first reason. */
  skipped: { crd: string; reason: string }[];
}

/** The lookup of ObjectMeta's definitions from dist/schemas/crd-base.json (written by the build); a free-form object without it. */
export function crdBaseLookup(base: unknown): Lookup {
  if (isObject(base) && typeof base.source === 'string' && isObject(base.schemas) && isObject(base.schemas[OBJECT_META])) {
    return openApiLookup(base.schemas as Record<string, JsonObject>, OPENAPI_PREFIX, base.source);
  }
  const open: JsonObject = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return () => ({ key: 'fallback#ObjectMeta', schema: open, name: OBJECT_META });
}

function crdName(crd: unknown): string {
  const m = isObject(crd) && isObject(crd.metadata) ? crd.metadata.name : undefined;
  return typeof m === 'string' && m ? m : '(unnamed CRD)';
}

/**
 * Compiles CRD objects into units (one per group/version). A CRD with an error-level problem is skipped, as the API server
 * would refuse it; of two CRDs defining the same group/version/kind, the first wins.
 */
export function compileCrds(crds: readonly unknown[], base: Lookup): CompiledCrds {
  const units = new Map<string, Unit>();
  const kinds: DefinedKind[] = [];
  const skipped: { crd: string; reason: string }[] = [];
  for (const crd of crds) {
    if (!isObject(crd) || crd.kind !== CRD_KIND) continue;
    const name = crdName(crd);
    const problem = checkCrd(crd).find((p) => p.severity === 'Error');
    if (problem) {
      skipped.push({ crd: name, reason: problem.message });
      continue;
    }
    const spec = crd.spec as JsonObject;
    const kind = (spec.names as JsonObject).kind as string;
    const served = (spec.versions as JsonObject[]).filter((v) => isTrue(v.served)).map((v) => gvString(spec.group as string, v.name as string));
    const taken = served.find((gv) => { const u = units.get(gv); return !!u && Object.hasOwn(u.kinds, kind); });
    if (taken) {
      skipped.push({ crd: name, reason: `${taken} ${kind} is already defined by another CRD` });
      continue;
    }
    const normalized = { ...crd, spec: { ...spec, versions: (spec.versions as JsonObject[]).map((v) => ({ ...v, served: isTrue(v.served) })) } };
    try {
      addCrd(units, normalized, base);
    } catch (e) {
      // Not expected after the checks; the kinds this CRD added go again (unused definitions do no harm).
      for (const gv of served) if (units.has(gv)) delete units.get(gv)!.kinds[kind];
      skipped.push({ crd: name, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    for (const gv of served) kinds.push({ apiVersion: gv, kind, crd: name });
  }
  return { units: [...units.values()].filter((u) => Object.keys(u.kinds).length), kinds, skipped };
}
