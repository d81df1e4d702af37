// Workspace and cluster CRDs as schemas at run time: a CRD compiled by the bundled schemas' compiler validates its custom
// resources (required, enum, CEL, each on the right range), drives completion and hover, wins over a bundled schema of
// the same kind, and a broken CRD gets precise diagnostics on itself. Also: the compiler is the build's (the bundled
// CRDs compile at run time to exactly what dist/schemas holds), and no bundled upstream CRD has a problem.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { crdAnalyzer } from '../../server/src/analysis/crd';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { createSchemaAnalyzer } from '../../server/src/analysis/schema';
import { NEVER_CANCELLED } from '../../server/src/core/types';
import { complete } from '../../server/src/editing/completion';
import { hover } from '../../server/src/editing/hover';
import { checkCrd, compileCrds, crdDocuments, CustomSchemas, SchemaStore, SchemaValidator } from '../../server/src/schema';
import { crdBaseLookup } from '../../server/src/schema/crd';
import { parseYaml } from '../../server/src/yaml/parse';

const ROOT = path.resolve(__dirname, '../../..');
const DIR = path.join(ROOT, 'dist/schemas');
const WIDGET_CRD = fs.readFileSync(path.join(ROOT, 'test/fixtures/crds/widgets.example.com.yaml'), 'utf8');

/** A store over dist/schemas with its own run-time overlay (module singletons stay untouched). */
function storeWith(files: Record<string, string>, cluster: unknown[] = []): { store: SchemaStore; custom: CustomSchemas } {
  const store = new SchemaStore(DIR);
  const custom = new CustomSchemas(DIR);
  store.overlay = custom;
  for (const [uri, text] of Object.entries(files)) custom.set(uri, 'workspace', uri, crdDocuments(parseYaml(text)).map((d) => d.crd));
  if (cluster.length) custom.set('cluster', 'cluster', 'cluster', cluster);
  return { store, custom };
}

function validate(store: SchemaStore, text: string) {
  const parsed = parseYaml(text);
  const v = new SchemaValidator(store);
  return parsed.docs.flatMap((d) => v.validateDocument(d)).map((i) => ({ ...i, text: text.slice(i.start, i.end) }));
}

const widget = (spec: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: team\nspec:\n${spec}`;

test('a workspace CRD validates its custom resources: required, enum, CEL rule, each on the right range; a valid one is clean', () => {
  const { store } = storeWith({ 'file:///ws/crds/widget.yaml': WIDGET_CRD });
  assert.deepEqual(validate(store, widget('  size: small\n  minReplicas: 2\n  maxReplicas: 5\n  port: http\n  extra: {anything: [1, 2]}\n')), []);

  const missing = validate(store, widget('  minReplicas: 1\n'));
  assert.deepEqual(missing.map((i) => [i.code, i.message, i.text]), [['SchemaRequired', 'spec.size: Required value', 'spec']]);

  const badEnum = validate(store, widget('  size: huge\n'));
  assert.deepEqual(badEnum.map((i) => [i.code, i.message, i.text]), [
    ['SchemaEnum', 'spec.size: Unsupported value: "huge": supported values: "small", "medium", "large"', 'huge'],
  ]);

  const cel = validate(store, widget('  size: large\n  minReplicas: 4\n  maxReplicas: 2\n'));
  assert.deepEqual(cel.map((i) => [i.code, i.message, i.text]), [['SchemaCEL', 'spec: Invalid value: "object": minReplicas must not exceed maxReplicas', 'spec']]);
  // Defaults apply before the rule, as on the API server: maxReplicas defaults to 3.
  assert.equal(validate(store, widget('  size: large\n  minReplicas: 4\n')).filter((i) => i.code === 'SchemaCEL').length, 1);
  assert.deepEqual(validate(store, widget('  size: large\n  minReplicas: 3\n')), []);

  const other = validate(store, widget('  size: small\n  port: [80]\n  colour: red\n'));
  assert.deepEqual(other.map((i) => [i.code, i.text]), [['SchemaType', 'port'], ['SchemaUnknownField', 'colour']]);
  // metadata is Kubernetes' ObjectMeta, whatever the CRD says of it.
  const meta = validate(store, 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  labelz: {}\nspec:\n  size: small\n');
  assert.deepEqual(meta.map((i) => [i.code, i.text]), [['SchemaUnknownField', 'labelz']]);
  // A version that is not served has no schema; other kinds of the group are unknown.
  assert.deepEqual(validate(store, 'apiVersion: example.com/v1alpha1\nkind: Widget\nmetadata:\n  name: w\nspec: {size: 1}\n'), []);
  assert.equal(store.lookup('example.com/v1alpha1', 'Widget'), undefined);
});

test('the schema analyzer sees the run-time schemas and forgets cached results when they change', () => {
  const { store, custom } = storeWith({});
  const analyzer = createSchemaAnalyzer(store);
  const doc = parseYaml(widget('  size: huge\n'));
  const run = () => analyzeParsed('file:///ws/w.yaml', doc, NEVER_CANCELLED, { settings: DEFAULT_SETTINGS, analyzers: [analyzer] })!.map((f) => f.code);
  assert.deepEqual(run(), [], 'no schema for Widget yet');
  custom.set('file:///ws/crds/widget.yaml', 'workspace', 'crds/widget.yaml', crdDocuments(parseYaml(WIDGET_CRD)).map((d) => d.crd));
  assert.deepEqual(run(), ['SchemaEnum']);
  // The CRD now allows "huge": the same document text is validated again, not served from the cache.
  const g = custom.generation;
  custom.set('file:///ws/crds/widget.yaml', 'workspace', 'crds/widget.yaml', crdDocuments(parseYaml(WIDGET_CRD.replace('[small, medium, large]', '[small, huge]'))).map((d) => d.crd));
  assert.ok(custom.generation > g);
  assert.deepEqual(run(), []);
  // The same schemas again: nothing changes, nothing is invalidated.
  const g2 = custom.generation;
  assert.equal(custom.set('file:///ws/crds/widget.yaml', 'workspace', 'x', crdDocuments(parseYaml(WIDGET_CRD.replace('[small, medium, large]', '[small, huge]'))).map((d) => d.crd)).changed, false);
  assert.equal(custom.generation, g2);
  assert.equal(custom.delete('file:///ws/crds/widget.yaml'), true);
  assert.deepEqual(run(), []);
  assert.equal(store.lookup('example.com/v1', 'Widget'), undefined);
});

test('completion and hover use the workspace CRD (fields, required first, enum values, kinds, source of the schema)', () => {
  const { store } = storeWith({ 'file:///ws/crds/widget.yaml': WIDGET_CRD });
  const at = (marked: string) => {
    const offset = marked.indexOf('|');
    return { parsed: parseYaml(marked.replace('|', '')), offset };
  };
  const keys = (() => {
    const { parsed, offset } = at(widget('  |\n'));
    return complete(parsed, offset, store);
  })();
  assert.equal(keys[0]?.label, 'size', 'the required key first');
  assert.deepEqual(keys.map((k) => k.label).sort(), ['extra', 'maxReplicas', 'minReplicas', 'port', 'size']);
  const values = (() => {
    const { parsed, offset } = at(widget('  size: |\n'));
    return complete(parsed, offset, store).map((e) => e.label);
  })();
  assert.deepEqual(values, ['small', 'medium', 'large']);
  const kinds = (() => {
    const { parsed, offset } = at('apiVersion: example.com/v1\nkind: |\n');
    return complete(parsed, offset, store).map((e) => e.label);
  })();
  assert.deepEqual(kinds, ['Widget']);
  const { parsed, offset } = at(widget('  si|ze: small\n'));
  const h = hover(parsed, offset, store);
  assert.ok(h);
  assert.match(h.markdown, /\*\*spec\.size\*\* `string` \(required\)/);
  assert.match(h.markdown, /How big the widget is\./);
  assert.match(h.markdown, /Allowed values: `small`, `medium`, `large`/);
  assert.match(h.markdown, /Schema: CRD widgets\.example\.com, file:\/\/\/ws\/crds\/widget\.yaml/);
  assert.doesNotMatch(h.markdown, /kubernetes\.io\/docs/, 'no reference link for a custom kind');
});

test('a workspace CRD wins over the cluster and over a bundled schema of the same kind', () => {
  // A VirtualService CRD whose spec is free-form: documents the bundled schema rejects pass.
  const openVs = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: virtualservices.networking.istio.io\nspec:\n  group: networking.istio.io\n  names: {kind: VirtualService, plural: virtualservices}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            x-kubernetes-preserve-unknown-fields: true\n`;
  const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\nspec:\n  hots: [x]\n';
  assert.equal(validate(new SchemaStore(DIR), vs)[0]?.code, 'SchemaUnknownField', 'the bundled schema rejects it');
  const { store } = storeWith({ 'file:///ws/vs-crd.yaml': openVs });
  assert.deepEqual(validate(store, vs), []);
  // Other kinds of the group keep their bundled schemas.
  assert.equal(validate(store, 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  hots: x\n')[0]?.code, 'SchemaUnknownField');
  // The cluster's Widget CRD is shadowed by the workspace's; without the workspace file, it is used.
  const strictCluster = crdDocuments(parseYaml(WIDGET_CRD.replace('[small, medium, large]', '[tiny]'))).map((d) => d.crd);
  const both = storeWith({ 'file:///ws/crds/widget.yaml': WIDGET_CRD }, strictCluster);
  assert.deepEqual(validate(both.store, widget('  size: small\n')), []);
  both.custom.delete('file:///ws/crds/widget.yaml');
  assert.deepEqual(validate(both.store, widget('  size: small\n')).map((i) => i.code), ['SchemaEnum']);
  assert.match(both.custom.sourceOf('example.com/v1', 'Widget') ?? '', /cluster/);
});

/** CRD findings of a text as [message, text at the range]. */
function crdFindings(text: string): [string, string][] {
  const parsed = parseYaml(text);
  const findings = analyzeParsed('file:///ws/crd.yaml', parsed, NEVER_CANCELLED, { settings: DEFAULT_SETTINGS, analyzers: [crdAnalyzer] }) ?? [];
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
  const off = (p: { line: number; character: number }) => lineStarts[p.line] + p.character;
  return findings.map((f) => {
    assert.equal(f.code, 'CRDInvalid');
    return [f.message, text.slice(off(f.range.start), off(f.range.end))];
  });
}

test('a broken CRD gets precise diagnostics on itself and is not used as a schema', () => {
  assert.deepEqual(crdFindings(WIDGET_CRD), []);
  const broken = WIDGET_CRD
    .replace('name: widgets.example.com', 'name: widget.example.com')
    .replace('scope: Namespaced', 'scope: namespaced')
    .replace('              minReplicas:\n                type: integer\n', '              minReplicas:\n                description: no type\n')
    .replace('rule: self.minReplicas <= self.maxReplicas', 'rule: self.minReplicas <=')
    .replace('    storage: false', '    storage: true')
    .replace('              extra:\n', '              extra:\n                $ref: "#/definitions/x"\n');
  assert.deepEqual(crdFindings(broken), [
    ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group', 'widget.example.com'],
    ['spec.scope: Unsupported value: "namespaced": supported values: "Cluster", "Namespaced"', 'namespaced'],
    ['spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: "self.minReplicas <=": compilation failed: <input>:1:18: found < but expecting end of input', 'self.minReplicas <='],
    ['spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[minReplicas].type: Required value: must not be empty for specified object fields', 'minReplicas'],
    ['spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[extra].$ref: Forbidden: $ref is not supported', '$ref'],
    ['spec.versions: Invalid value: 2: must have exactly one version marked as storage version', 'versions'],
  ].sort((a, b) => broken.indexOf(a[1]) - broken.indexOf(b[1])));
  const compiled = compileCrds(crdDocuments(parseYaml(broken)).map((d) => d.crd), crdBaseLookup(JSON.parse(fs.readFileSync(path.join(DIR, 'crd-base.json'), 'utf8'))));
  assert.equal(compiled.units.length, 0);
  assert.match(compiled.skipped[0].reason, /^metadata\.name: Invalid value/);
  // Missing pieces point at the nearest key that exists.
  const bare = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\nspec:\n  group: example.com\n  names: {plural: things}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n';
  assert.deepEqual(crdFindings(bare), [
    ['spec.scope: Required value', 'spec'],
    ['spec.names.kind: Required value', 'names'],
    ['spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required', 'name'],
  ]);
  assert.deepEqual(crdFindings('apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\n'), [['spec: Required value', 'CustomResourceDefinition']]);
});

test('hostile CRDs: wrong shapes, aliases, deep nesting and junk never throw', () => {
  const head = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.b.c\n';
  const cases = [
    `${head}spec: 7\n`, `${head}spec: [1]\n`, `${head}spec:\n  versions: {a: 1}\n`, `${head}spec:\n  versions: [1, null, "x"]\n`,
    `${head}spec:\n  group: [x]\n  names: 3\n  versions:\n  - name: 3\n    schema: {openAPIV3Schema: [1]}\n`,
    `${head}spec:\n  versions:\n  - schema:\n      openAPIV3Schema:\n        type: object\n        properties: [a]\n        items: [x]\n        required: {}\n        x-kubernetes-validations: [{rule: 3}, 5, {rule: "self.?a == 1"}]\n`,
    `${head}spec: &a\n  x: *a\n`,
    `${head}spec:\n  versions:\n  - schema:\n      openAPIV3Schema:\n${Array.from({ length: 150 }, (_, i) => `${'  '.repeat(i + 4)}properties:\n${'  '.repeat(i + 5)}p:`).join('\n')} {}\n`,
    '\u0000\u0001apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n',
  ];
  for (const t of cases) {
    const findings = crdFindings(t);
    assert.ok(Array.isArray(findings));
    compileCrds(crdDocuments(parseYaml(t)).map((d) => d.crd), crdBaseLookup(undefined));
  }
  assert.ok(crdFindings(cases[5]).some(([m]) => m.includes('items: Forbidden: items must be a schema object and not an array')));
  assert.ok(!crdFindings(cases[5]).some(([m]) => m.includes('self.?a')), 'optional-field CEL syntax is not judged');
  // Too deep for YAML (the parser refuses it); from the cluster (JSON) the CRD check refuses it before the compiler recurses.
  let deep: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < 5000; i++) deep = { type: 'object', properties: { p: deep } };
  const deepCrd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'deeps.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Deep', plural: 'deeps' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: deep } }] } };
  assert.ok(checkCrd(deepCrd).some((p) => p.message.includes('nested more than 100 levels')));
  const compiledDeep = compileCrds([deepCrd], crdBaseLookup(undefined));
  assert.equal(compiledDeep.units.length, 0);
  assert.match(compiledDeep.skipped[0].reason, /nested more than 100 levels/);
  for (const v of [null, 1, 'x', [], { spec: null }]) assert.ok(Array.isArray(checkCrd(v)));
});

test('the run-time compiler is the build\'s: the bundled upstream CRDs compile to what dist/schemas holds, with no problem', () => {
  const base = crdBaseLookup(JSON.parse(fs.readFileSync(path.join(DIR, 'crd-base.json'), 'utf8')));
  const up = path.join(ROOT, 'server/schemas/upstream');
  const gw = path.join(up, 'gateway-api/v1.6.1/standard');
  const files = [path.join(up, 'istio/crd-all.gen.yaml'), ...fs.readdirSync(gw).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(gw, f)), path.join(up, 'openshift/routes.route.openshift.io.crd.yaml')];
  const crds = files.flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS({ maxAliasCount: 100 }) as unknown)).filter((o) => (o as { kind?: string })?.kind === 'CustomResourceDefinition');
  assert.ok(crds.length >= 20, `${crds.length} CRDs`);
  for (const c of crds) assert.deepEqual(checkCrd(c), [], (c as { metadata: { name: string } }).metadata.name);
  const t0 = performance.now();
  const compiled = compileCrds(crds, base);
  const ms = performance.now() - t0;
  assert.deepEqual(compiled.skipped, []);
  // Same group/versions, kinds and definition tables as the build wrote (the build compiles the same files in the same order).
  let compared = 0;
  for (const unit of compiled.units) {
    const built = JSON.parse(fs.readFileSync(path.join(DIR, `${unit.gv.replace(/[^A-Za-z0-9.-]/g, '_')}.json`), 'utf8'));
    // The build also stores its CEL rules compiled (cel-precompiled.test.ts checks them); run-time CRDs parse theirs.
    delete built.cel;
    assert.equal(JSON.stringify(unit), JSON.stringify(built), unit.gv);
    compared++;
  }
  assert.ok(compared >= 10);
  console.log(`compiled ${crds.length} upstream CRDs (${compiled.kinds.length} kinds, ${compared} group/versions) at run time in ${ms.toFixed(0)} ms, identical to dist/schemas`);
});
