// The schema compiler shared by build time and run time: OpenAPI v3 / CRD structural schemas -> the compact form the
// store loads (one unit per group/version: kinds plus a definition table their $refs index). The build
// (server/schemas/build-schemas.mjs) compiles the bundled Kubernetes, Istio, Gateway API and OpenShift schemas with it;
// the server compiles workspace and cluster CRDs with the same functions. Pure and import-free (the build script loads
// this file through esbuild). Throws on malformed input: callers check CRDs first (crd.ts) or catch.

/** A JSON value as it comes from upstream files, YAML or the API server. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Schema keys kept (everything else, e.g. x-kubernetes-patch-*, is dropped). */
const KEEP = new Set([
  'type', 'format', 'enum', 'required', 'nullable', 'default', 'description', 'pattern',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
  'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
]);
const SUB_LIST = ['oneOf', 'anyOf', 'allOf'];
const RULE_KEYS = ['rule', 'message', 'messageExpression', 'reason', 'fieldPath', 'optionalOldSelf'];

/** The definition ObjectMeta resolves to: the API server validates metadata as ObjectMeta whatever a CRD says. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const OPENAPI_PREFIX = '#/components/schemas/';

export type Origin = 'builtin' | 'crd';

/** One output unit (group/version): a definition table shared by its kinds. */
export class Unit {
  readonly kinds: Record<string, JsonObject> = {};
  readonly defs: (JsonObject | null)[] = [];
  /** "<source>#<name>" -> index in defs. */
  readonly defIndex = new Map<string, number>();
  constructor(readonly gv: string, readonly origin: Origin) {}

  /** The unit as the store reads it (dist/schemas/<gv>.json). */
  toJSON(): { gv: string; origin: Origin; kinds: Record<string, JsonObject>; defs: (JsonObject | null)[] } {
    return { gv: this.gv, origin: this.origin, kinds: this.kinds, defs: this.defs };
  }
}

/** Resolves a $ref to a definition: its table key, its schema and its name. */
export type Lookup = (ref: string) => { key: string; schema: JsonObject; name: string };

function isObject(v: unknown): v is JsonObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Converts one schema node; refs resolve through `lookup` into the unit's table. `builtin`: a Go type (null means absent). */
export function convert(unit: Unit, node: Json | undefined, lookup: Lookup, builtin: boolean): Json | undefined {
  if (!isObject(node)) return node;
  const allOf = node.allOf;
  const wrapped = Array.isArray(allOf) && allOf.length === 1 && isObject(allOf[0]) && typeof allOf[0].$ref === 'string' &&
    Object.keys(node).every((k) => ['allOf', 'description', 'default'].includes(k));
  const ref = typeof node.$ref === 'string' ? node.$ref : wrapped ? ((allOf as JsonObject[])[0].$ref as string) : undefined;
  if (ref) {
    const out: JsonObject = { $ref: defRef(unit, ref, lookup, builtin) };
    if (node.description) out.description = node.description;
    if (node.default !== undefined && !(isObject(node.default) && !Object.keys(node.default).length)) out.default = node.default;
    return out;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) if (KEEP.has(k)) out[k] = v;
  if (node.format === 'int-or-string') {
    out['x-kubernetes-int-or-string'] = true;
    delete out.type;
    delete out.format;
  } else if (Array.isArray(node.oneOf)) {
    out.oneOf = node.oneOf.map((s) => convert(unit, s, lookup, builtin) ?? null);
  }
  for (const k of SUB_LIST) {
    const list = node[k];
    if (k !== 'oneOf' && Array.isArray(list)) out[k] = list.map((s) => convert(unit, s, lookup, builtin) ?? null);
  }
  if (node.not) out.not = convert(unit, node.not, lookup, builtin) ?? null;
  if (isObject(node.properties)) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, convert(unit, v, lookup, builtin) ?? null]));
  }
  if (node.items) out.items = convert(unit, node.items, lookup, builtin) ?? null;
  if (node.additionalProperties !== undefined) {
    out.additionalProperties = isObject(node.additionalProperties) ? convert(unit, node.additionalProperties, lookup, builtin) ?? null : node.additionalProperties;
  }
  const rules = node['x-kubernetes-validations'];
  if (Array.isArray(rules) && rules.length) out['x-kubernetes-validations'] = rules.map((r) => pick(r, RULE_KEYS));
  if (builtin && out.type === 'object' && !out.properties && out.additionalProperties === undefined) {
    // A Go type the OpenAPI document leaves open (RawExtension, FieldsV1, ...): anything goes.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}

function pick(o: Json, keys: string[]): JsonObject {
  const r: JsonObject = {};
  if (!isObject(o)) return r;
  for (const k of keys) if (o[k] !== undefined && o[k] !== '') r[k] = o[k];
  return r;
}

/** The table index of a referenced definition, converting it on first use. */
export function defRef(unit: Unit, ref: string, lookup: Lookup, builtin: boolean): number {
  const { key, schema, name } = lookup(ref);
  const known = unit.defIndex.get(key);
  if (known !== undefined) return known;
  const idx = unit.defs.length;
  unit.defIndex.set(key, idx);
  unit.defs.push(null);
  let converted: JsonObject;
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    converted = { description: schema.description ?? null, format: 'quantity' };
    if (converted.description === null) delete converted.description;
  } else {
    converted = convert(unit, schema, lookup, builtin) as JsonObject;
  }
  unit.defs[idx] = converted;
  return idx;
}

/** $refs of one OpenAPI document ("#/components/schemas/<name>" or "#/definitions/<name>"). */
export function openApiLookup(schemas: Record<string, JsonObject>, prefix: string, source: string): Lookup {
  return (ref) => {
    if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref} in ${source}`);
    const name = ref.slice(prefix.length);
    const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
    if (!schema) throw new Error(`dangling $ref ${ref} in ${source}`);
    return { key: `${source}#${name}`, schema, name };
  };
}

/** The definitions `name` needs (itself and every $ref reachable from it), unchanged: what run-time CRDs need of Kubernetes. */
export function refClosure(schemas: Record<string, JsonObject>, name: string, prefix = OPENAPI_PREFIX): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  const visit = (n: string): void => {
    if (Object.hasOwn(out, n) || !Object.hasOwn(schemas, n)) return;
    out[n] = schemas[n];
    const walk = (v: Json): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObject(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string' && x.startsWith(prefix)) visit(x.slice(prefix.length));
          else walk(x);
        }
      }
    };
    walk(schemas[n]);
  };
  visit(name);
  return out;
}

export function gvString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function unitFor(units: Map<string, Unit>, gv: string, origin: Origin): Unit {
  let u = units.get(gv);
  if (!u) units.set(gv, (u = new Unit(gv, origin)));
  return u;
}

/**
 * Adds every served version of one CustomResourceDefinition object (apiextensions.k8s.io/v1) to `units`: its
 * openAPIV3Schema as the kind's root, metadata as Kubernetes' ObjectMeta (through `objectMeta`) plus what the CRD
 * says of it. Returns the group/versions it added to. Throws on a CRD without group, kind or versions.
 */
export function addCrd(units: Map<string, Unit>, crd: JsonObject, objectMeta: Lookup): string[] {
  const spec = crd.spec as JsonObject;
  const group = spec.group as string;
  const names = spec.names as JsonObject;
  const added: string[] = [];
  for (const v of spec.versions as JsonObject[]) {
    const schema = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (!v.served || !isObject(schema)) continue;
    const gv = gvString(group, v.name as string);
    const unit = unitFor(units, gv, 'crd');
    const root = convert(unit, schema, () => { throw new Error('$ref in CRD'); }, false) as JsonObject;
    const props = (root.properties ??= {}) as JsonObject;
    const meta = props.metadata;
    const metaRef: JsonObject = { $ref: defRef(unit, `${OPENAPI_PREFIX}${OBJECT_META}`, objectMeta, true) };
    if (isObject(meta) && meta.properties) metaRef.allOf = [meta];
    props.metadata = metaRef;
    props.apiVersion ??= { type: 'string' };
    props.kind ??= { type: 'string' };
    if (spec.scope !== undefined) root['x-iwb-scope'] = spec.scope;
    unit.kinds[names.kind as string] = root;
    added.push(gv);
  }
  return added;
}
