// Build-time schema compiler: Kubernetes OpenAPI v3, CRDs (Istio, Gateway API, OpenShift Route) and OpenShift's swagger
// -> dist/schemas/<group>_<version>.json (one per group/version; $refs point into a per-file definition table) + index.json,
// and crd-base.json (ObjectMeta's definitions, for CRDs compiled at run time). Keeps only what validation, completion and
// hover need; the compiler is server/src/schema/compile.ts. Run by esbuild.mjs; usable alone: node server/schemas/build-schemas.mjs [out].
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const UP = path.join(ROOT, 'server/schemas/upstream');

// The compiler itself is server/src/schema/compile.ts, shared with the server (which compiles workspace and cluster
// CRDs at run time), and CEL rules are compiled by server/src/schema/cel.ts: bundled here by esbuild, imported from memory.
async function importTs(file) {
  const out = buildSync({ entryPoints: [path.join(ROOT, file)], bundle: true, format: 'esm', platform: 'node', write: false });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}
const { OBJECT_META, OPENAPI_PREFIX, addCrd, defRef, gvString, openApiLookup, refClosure, unitFor } = await importTs('server/src/schema/compile.ts');
const { precompileRule } = await importTs('server/src/schema/cel.ts');

/** The source name of ObjectMeta's definitions (part of their key in each unit's table). */
const CRD_BASE_SOURCE = 'k8s:api__v1_openapi.json';

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
    if (crd && crd.kind === 'CustomResourceDefinition') addCrd(units, crd, objectMeta);
  }
}

function addDeploymentConfig(units, objectMetaLookup) {
  const swagger = JSON.parse(readFileSync(path.join(UP, 'openshift/openshift-deploymentconfig-route.swagger.json'), 'utf8'));
  const lookup = openApiLookup(swagger.definitions, '#/definitions/', 'openshift');
  void objectMetaLookup;
  const unit = unitFor(units, 'apps.openshift.io/v1', 'builtin');
  unit.kinds.DeploymentConfig = { $ref: defRef(unit, '#/definitions/com.github.openshift.api.apps.v1.DeploymentConfig', lookup, true) };
}

/**
 * Every CEL rule and messageExpression of a unit, compiled (cel.ts precompileRule), by text: the server plans these
 * without parsing. Rules that do not parse are left out (the server skips them either way).
 */
function celTable(unit) {
  const texts = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'x-kubernetes-validations' && Array.isArray(x)) {
          for (const r of x) for (const t of [r?.rule, r?.messageExpression]) if (typeof t === 'string' && t) texts.add(t);
        } else walk(x);
      }
    }
  };
  walk(unit.kinds);
  walk(unit.defs);
  const table = {};
  for (const t of [...texts].sort()) {
    const c = precompileRule(t);
    if (c) table[t] = c;
  }
  return Object.keys(table).length ? table : undefined;
}

export function buildSchemas(outDir = path.join(ROOT, 'dist/schemas')) {
  const units = new Map();
  const coreSchemas = addKubernetes(units);
  const objectMeta = openApiLookup(coreSchemas, OPENAPI_PREFIX, CRD_BASE_SOURCE);
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
    const body = JSON.stringify({ gv: unit.gv, origin: unit.origin, kinds: unit.kinds, defs: unit.defs, cel: celTable(unit) });
    writeFileSync(path.join(outDir, file), body);
    bytes += body.length;
    index.groupVersions[unit.gv] = { file, origin: unit.origin, kinds: Object.keys(unit.kinds).sort() };
  }
  writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(index));
  // What the server needs to compile workspace and cluster CRDs the same way: ObjectMeta and the definitions it references.
  writeFileSync(path.join(outDir, 'crd-base.json'), JSON.stringify({ source: CRD_BASE_SOURCE, schemas: refClosure(coreSchemas, OBJECT_META) }));
  return { groupVersions: units.size, kinds: Object.values(index.groupVersions).reduce((n, g) => n + g.kinds.length, 0), bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = buildSchemas(process.argv[2]);
  console.log(`schemas: ${r.kinds} kinds in ${r.groupVersions} group/versions, ${(r.bytes / 1024).toFixed(0)} KB`);
}
