// Build-time schema compiler: Kubernetes OpenAPI v3, CRDs (Istio, Gateway API, OpenShift Route) and OpenShift's swagger
// -> dist/schemas/<group>_<version>.json (one per group/version; $refs point into a per-file definition table) + index.json.
// Keeps only what validation, completion and hover need. Run by esbuild.mjs; usable alone: node server/schemas/build-schemas.mjs [out].
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const UP = path.join(ROOT, 'server/schemas/upstream');

/** Schema keys kept (everything else, e.g. x-kubernetes-patch-*, is dropped). */
const KEEP = new Set([
  'type', 'format', 'enum', 'required', 'nullable', 'default', 'description', 'pattern',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
  'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys',
]);
const SUB_LIST = ['oneOf', 'anyOf', 'allOf'];
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** One output file: a definition table shared by its kinds. */
class Unit {
  constructor(gv, origin) {
    this.gv = gv;
    this.origin = origin; // 'builtin' (Go types: null means absent) or 'crd' (structural schema)
    this.kinds = {};
    this.defs = [];
    this.defIndex = new Map(); // "<source>#<name>" -> index
  }
}

/** Converts one schema node; refs resolve through `lookup(ref) -> {key, schema, name}` into the unit's table. */
function convert(unit, node, lookup, builtin) {
  if (!node || typeof node !== 'object') return node;
  const wrapped = node.allOf?.length === 1 && node.allOf[0].$ref && Object.keys(node).every((k) => ['allOf', 'description', 'default'].includes(k));
  const ref = node.$ref ?? (wrapped ? node.allOf[0].$ref : undefined);
  if (ref) {
    const out = { $ref: defRef(unit, ref, lookup, builtin) };
    if (node.description) out.description = node.description;
    if (node.default !== undefined && !(typeof node.default === 'object' && node.default && !Object.keys(node.default).length)) out.default = node.default;
    return out;
  }
  const out = {};
  for (const [k, v] of Object.entries(node)) if (KEEP.has(k)) out[k] = v;
  if (node.format === 'int-or-string') {
    out['x-kubernetes-int-or-string'] = true;
    delete out.type;
    delete out.format;
  } else if (node.oneOf) {
    out.oneOf = node.oneOf.map((s) => convert(unit, s, lookup, builtin));
  }
  for (const k of SUB_LIST) if (k !== 'oneOf' && node[k]) out[k] = node[k].map((s) => convert(unit, s, lookup, builtin));
  if (node.not) out.not = convert(unit, node.not, lookup, builtin);
  if (node.properties) out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, convert(unit, v, lookup, builtin)]));
  if (node.items) out.items = convert(unit, node.items, lookup, builtin);
  if (node.additionalProperties !== undefined) {
    out.additionalProperties = typeof node.additionalProperties === 'object' ? convert(unit, node.additionalProperties, lookup, builtin) : node.additionalProperties;
  }
  const rules = node['x-kubernetes-validations'];
  if (Array.isArray(rules) && rules.length) {
    out['x-kubernetes-validations'] = rules.map((r) => pick(r, ['rule', 'message', 'messageExpression', 'reason', 'fieldPath', 'optionalOldSelf']));
  }
  if (builtin && out.type === 'object' && !out.properties && out.additionalProperties === undefined) {
    // A Go type the OpenAPI document leaves open (RawExtension, FieldsV1, ...): anything goes.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}

function pick(o, keys) {
  const r = {};
  for (const k of keys) if (o[k] !== undefined && o[k] !== '') r[k] = o[k];
  return r;
}

function defRef(unit, ref, lookup, builtin) {
  const { key, schema, name } = lookup(ref);
  const known = unit.defIndex.get(key);
  if (known !== undefined) return known;
  const idx = unit.defs.length;
  unit.defIndex.set(key, idx);
  unit.defs.push(null);
  let converted;
  if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') {
    converted = { description: schema.description, format: 'quantity' };
  } else {
    converted = convert(unit, schema, lookup, builtin);
  }
  unit.defs[idx] = converted;
  return idx;
}

function openApiLookup(schemas, prefix, source) {
  return (ref) => {
    if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref} in ${source}`);
    const name = ref.slice(prefix.length);
    const schema = schemas[name];
    if (!schema) throw new Error(`dangling $ref ${ref} in ${source}`);
    return { key: `${source}#${name}`, schema, name };
  };
}

function gvString(group, version) {
  return group ? `${group}/${version}` : version;
}

function unitFor(units, gv, origin) {
  let u = units.get(gv);
  if (!u) units.set(gv, (u = new Unit(gv, origin)));
  return u;
}

function addKubernetes(units) {
  const dir = path.join(UP, 'kubernetes/v1.35/openapi-v3');
  const coreSchemas = JSON.parse(readFileSync(path.join(dir, 'api__v1_openapi.json'), 'utf8')).components.schemas;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const schemas = JSON.parse(readFileSync(path.join(dir, file), 'utf8')).components.schemas;
    const lookup = openApiLookup(schemas, '#/components/schemas/', `k8s:${file}`);
    // api__v1_openapi.json -> v1, apis__apps__v1_openapi.json -> apps/v1 (subresource kinds of other groups are skipped)
    const fileGv = file.replace(/_openapi\.json$/, '').split('__').slice(1).join('/');
    for (const [name, schema] of Object.entries(schemas)) {
      if (name.startsWith('io.k8s.apimachinery.')) continue; // Status, DeleteOptions, WatchEvent, ...
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        if (gvk.kind.endsWith('List') || gvString(gvk.group, gvk.version) !== fileGv) continue;
        const unit = unitFor(units, gvString(gvk.group, gvk.version), 'builtin');
        unit.kinds[gvk.kind] = { $ref: defRef(unit, `#/components/schemas/${name}`, lookup, true) };
      }
    }
  }
  return coreSchemas;
}

function addCrds(units, file, objectMeta) {
  const text = readFileSync(file, 'utf8');
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS({ maxAliasCount: 100 });
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    const { group, names, scope } = crd.spec;
    for (const v of crd.spec.versions) {
      if (!v.served || !v.schema?.openAPIV3Schema) continue;
      const unit = unitFor(units, gvString(group, v.name), 'crd');
      const root = convert(unit, v.schema.openAPIV3Schema, () => { throw new Error('$ref in CRD'); }, false);
      root.properties ??= {};
      // The API server validates metadata as ObjectMeta whatever the CRD says; give it the real schema.
      const meta = root.properties.metadata;
      root.properties.metadata = { $ref: defRef(unit, `#/components/schemas/${OBJECT_META}`, objectMeta, true) };
      if (meta?.properties) root.properties.metadata.allOf = [meta];
      root.properties.apiVersion ??= { type: 'string' };
      root.properties.kind ??= { type: 'string' };
      root['x-iwb-scope'] = scope;
      unit.kinds[names.kind] = root;
    }
  }
}

function addDeploymentConfig(units, objectMetaLookup) {
  const swagger = JSON.parse(readFileSync(path.join(UP, 'openshift/openshift-deploymentconfig-route.swagger.json'), 'utf8'));
  const lookup = openApiLookup(swagger.definitions, '#/definitions/', 'openshift');
  void objectMetaLookup;
  const unit = unitFor(units, 'apps.openshift.io/v1', 'builtin');
  unit.kinds.DeploymentConfig = { $ref: defRef(unit, '#/definitions/com.github.openshift.api.apps.v1.DeploymentConfig', lookup, true) };
}

export function buildSchemas(outDir = path.join(ROOT, 'dist/schemas')) {
  const units = new Map();
  const coreSchemas = addKubernetes(units);
  const objectMeta = openApiLookup(coreSchemas, '#/components/schemas/', 'k8s:api__v1_openapi.json');
  addCrds(units, path.join(UP, 'istio/crd-all.gen.yaml'), objectMeta);
  const gw = path.join(UP, 'gateway-api/v1.6.1/standard');
  for (const f of readdirSync(gw).filter((f) => f.endsWith('.yaml')).sort()) addCrds(units, path.join(gw, f), objectMeta);
  addCrds(units, path.join(UP, 'openshift/routes.route.openshift.io.crd.yaml'), objectMeta);
  addDeploymentConfig(units, objectMeta);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const index = { format: 1, groupVersions: {} };
  let bytes = 0;
  for (const unit of [...units.values()].sort((a, b) => a.gv.localeCompare(b.gv))) {
    const file = `${unit.gv.replace(/[^A-Za-z0-9.-]/g, '_')}.json`;
    const body = JSON.stringify({ gv: unit.gv, origin: unit.origin, kinds: unit.kinds, defs: unit.defs });
    writeFileSync(path.join(outDir, file), body);
    bytes += body.length;
    index.groupVersions[unit.gv] = { file, origin: unit.origin, kinds: Object.keys(unit.kinds).sort() };
  }
  writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index));
  return { groupVersions: units.size, kinds: Object.values(index.groupVersions).reduce((n, g) => n + g.kinds.length, 0), bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = buildSchemas(process.argv[2]);
  console.log(`schemas: ${r.kinds} kinds in ${r.groupVersions} group/versions, ${(r.bytes / 1024).toFixed(0)} KB`);
}
