// Targeted schema validation tests: each names the behaviour of the API server it checks.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { createSchemaAnalyzer } from '../../server/src/analysis/schema';
import { NEVER_CANCELLED } from '../../server/src/core/types';
import { knownKinds, schemaAt, SchemaStore, SchemaValidator, type SchemaIssue } from '../../server/src/schema';
import { parseYaml } from '../../server/src/yaml/parse';

const DIR = path.resolve(__dirname, '../../../dist/schemas');
const store = new SchemaStore(DIR);
const validator = new SchemaValidator(store);

function check(text: string): (SchemaIssue & { text: string })[] {
  const parsed = parseYaml(text);
  return parsed.docs.flatMap((d) => validator.validateDocument(d)).map((i) => ({ ...i, text: text.slice(i.start, i.end) }));
}

const VS = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
${http}`;

test('unknown field: did-you-mean from the allowed keys, range on the key', () => {
  const issues = check(VS('  - route:\n    - destination:\n        hots: reviews\n'));
  const unknown = issues.filter((i) => i.code === 'SchemaUnknownField');
  assert.equal(unknown.length, 1, JSON.stringify(issues));
  assert.equal(unknown[0].message, 'unknown field "spec.http[0].route[0].destination.hots" (did you mean "host"?)');
  assert.equal(unknown[0].text, 'hots');
  // A Warning, as the API server's default field validation (Warn) treats it; severityOverrides can raise it.
  assert.equal(unknown[0].severity, 'Warning');
  // host is required in a Destination and is missing now.
  assert.ok(issues.some((i) => i.code === 'SchemaRequired' && i.message === 'spec.http[0].route[0].destination.host: Required value'));
});

test('unknown field far from every allowed key gets no suggestion', () => {
  const [i] = check(VS('  - route:\n    - destination:\n        host: reviews\n      zzzzzzzzzz: 1\n'));
  assert.equal(i.message, 'unknown field "spec.http[0].route[0].zzzzzzzzzz"');
});

test('wrong type on a built-in type points at the value', () => {
  const issues = check('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: eighty\n');
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0].code, 'SchemaType');
  assert.equal(issues[0].text, 'eighty');
  assert.match(issues[0].message, /^spec\.ports\[0\]\.port: Invalid value: "string": spec\.ports\[0\]\.port in body must be of type integer/);
});

test('YAML 1.1 booleans are booleans to the API server (env value: on)', () => {
  const pod = (v: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    env:\n    - name: X\n      value: ${v}\n`;
  assert.equal(check(pod('on'))[0]?.code, 'SchemaType');
  assert.deepEqual(check(pod('"on"')), []);
  assert.deepEqual(check(pod('onward')), []);
});

test('missing required fields point at the parent key', () => {
  const issues = check('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 1\n');
  assert.deepEqual(issues.map((i) => [i.message, i.text]).sort(), [['spec.selector: Required value', 'spec'], ['spec.template: Required value', 'spec']]);
});

test('enum: Unsupported value with the supported ones', () => {
  const [i] = check('apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: p\nspec:\n  mtls:\n    mode: STRICTER\n');
  assert.equal(i.code, 'SchemaEnum');
  assert.equal(i.text, 'STRICTER');
  assert.equal(i.message, 'spec.mtls.mode: Unsupported value: "STRICTER": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"');
});

test('int-or-string accepts both and nothing else', () => {
  const svc = (t: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    targetPort: ${t}\n`;
  assert.deepEqual(check(svc('8080')), []);
  assert.deepEqual(check(svc('http')), []);
  const [i] = check(svc('[1]'));
  assert.equal(i.code, 'SchemaType');
  assert.match(i.message, /must be of type integer or string/);
});

test('CEL rule on a VirtualService: the rule message, on the value', () => {
  const issues = check(VS('  - timeout: 0.5ms\n    route:\n    - destination:\n        host: reviews\n'));
  assert.equal(issues.length, 1, JSON.stringify(issues));
  assert.equal(issues[0].code, 'SchemaCEL');
  assert.equal(issues[0].text, '0.5ms');
  assert.equal(issues[0].message, 'spec.http[0].timeout: Invalid value: "string": must be a valid duration greater than 1ms');
  assert.deepEqual(check(VS('  - timeout: 1.5s\n    route:\n    - destination:\n        host: reviews\n')), []);
});

test('CEL rule on a DestinationRule, and Kubernetes library functions (url)', () => {
  const dr = (t: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: d\nspec:\n  host: r\n  trafficPolicy:\n    connectionPool:\n      tcp:\n        connectTimeout: ${t}\n`;
  assert.deepEqual(check(dr('250ms')), []);
  const issues = check(dr('0s'));
  assert.deepEqual(issues.map((i) => [i.code, i.text, i.message]), [
    ['SchemaCEL', '0s', 'spec.trafficPolicy.connectionPool.tcp.connectTimeout: Invalid value: "string": must be a valid duration greater than 1ms'],
  ]);
  const wasm = (url: string) => `apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: w\nspec:\n  url: ${url}\n`;
  assert.deepEqual(check(wasm('oci://ghcr.io/x/y:1')), []);
  assert.ok(check(wasm('ftp://x/y')).some((i) => i.code === 'SchemaCEL' && /url must have schema one of/.test(i.message)));
});

test('x-kubernetes-preserve-unknown-fields: anything goes below it', () => {
  const text = `apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: e
spec:
  configPatches:
  - applyTo: HTTP_FILTER
    patch:
      operation: INSERT_BEFORE
      value:
        name: anything
        typed_config: {"@type": x, deeply: {nested: [1, true, null]}}
`;
  assert.deepEqual(check(text), []);
});

test('metadata.name follows the kind\'s rule (Service: DNS-1035 label)', () => {
  const [i] = check('apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec: {}\n');
  assert.equal(i.code, 'SchemaMetadata');
  assert.equal(i.text, '1web');
  assert.match(i.message, /^metadata\.name: Invalid value: "1web": a DNS-1035 label/);
  assert.deepEqual(check('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1web.example\n'), []);
});

test('list-type map duplicates: an error on CRDs, a warning on built-in types', () => {
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n  - port: 80\n    protocol: TCP\n';
  const [w] = check(svc);
  assert.equal(w.code, 'SchemaDuplicate');
  assert.equal(w.severity, 'Warning');
  assert.match(w.message, /^spec\.ports\[1\]: Duplicate value: map\[string\]interface \{\}\{"port":80, "protocol":"TCP"\}/);
});

test('go-yaml reads [001:db8::] as a string, as the API server does', () => {
  const se = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: s\nspec:\n  hosts: [a.example]\n  addresses: [1.2.3.4, 2001:db8::]\n  resolution: STATIC\n  ports: [{number: 80, name: http, protocol: HTTP}]\n';
  assert.deepEqual(check(se), []);
});

test('unknown kinds, unknown apiVersions and non-Kubernetes YAML produce nothing', () => {
  assert.deepEqual(check('apiVersion: v1\nkind: Frobnicator\nspec: {x: 1}\n'), []);
  assert.deepEqual(check('apiVersion: example.com/v1\nkind: Thing\nspec: {x: 1}\n'), []);
  assert.deepEqual(check('name: ci\non: [push]\njobs: {}\n'), []);
  assert.deepEqual(check('- 1\n- 2\n'), []);
  assert.deepEqual(check('just a scalar\n'), []);
});

test('hostile input: an alias bomb is bounded, never expanded without limit', () => {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', 'x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]'];
  for (let i = 1; i < 30; i++) lines.push(`x${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const t0 = performance.now();
  const issues = check(`${lines.join('\n')}\n`);
  assert.ok(performance.now() - t0 < 2000, 'bounded time');
  assert.ok(issues.every((i) => i.code === 'SchemaUnknownField'), JSON.stringify(issues.slice(0, 3)));
  // Aliases inside validated data resolve to their anchors.
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l {app: a}\nspec:\n  containers:\n  - name: c\n    image: i\n    env:\n    - &e {name: A, value: "1"}\n    - *e\n';
  assert.deepEqual(check(pod).filter((i) => i.severity === 'Error'), []);
});

test('null: absent on built-in types, a type error on CRDs unless nullable', () => {
  assert.deepEqual(check('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n'), []);
  const [i] = check('apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: p\nspec:\n  mtls:\n    mode:\n');
  assert.equal(i?.code, 'SchemaType');
});

test('the analyzer reports findings with source istio-workbench, and schema queries work', () => {
  const parsed = parseYaml(VS('  - route:\n    - destination:\n        hots: reviews\n'));
  const findings = analyzeParsed('x.yaml', parsed, NEVER_CANCELLED, { analyzers: [createSchemaAnalyzer(DIR)] }) ?? [];
  assert.ok(findings.length >= 1);
  assert.ok(findings.every((f) => f.source === 'istio-workbench' && f.resource?.kind === 'VirtualService'));
  const unknown = findings.find((f) => f.code === 'SchemaUnknownField')!;
  assert.deepEqual(unknown.range, { start: { line: 9, character: 8 }, end: { line: 9, character: 12 } });
  assert.deepEqual(createSchemaAnalyzer(undefined).analyze({ uri: 'x', parsed, settings: DEFAULT_SETTINGS }, NEVER_CANCELLED), []);

  const kinds = knownKinds(store);
  for (const k of ['networking.istio.io/v1 VirtualService', 'apps/v1 Deployment', 'v1 Service', 'gateway.networking.k8s.io/v1 HTTPRoute', 'apps.openshift.io/v1 DeploymentConfig', 'route.openshift.io/v1 Route']) {
    assert.ok(kinds.some((x) => `${x.apiVersion} ${x.kind}` === k), k);
  }
  const dest = schemaAt(store, { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' }, ['spec', 'http', 0, 'route', 0, 'destination']);
  assert.ok(dest && dest.required.includes('host') && dest.properties.some((p) => p.name === 'subset'));
  const mode = schemaAt(store, { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication' }, ['spec', 'mtls', 'mode']);
  assert.deepEqual(mode?.enum, ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);
  assert.match(schemaAt(store, { apiVersion: 'v1', kind: 'Pod' }, ['spec', 'containers', 0, 'image'])?.description ?? '', /Container image name/);
  assert.ok(schemaAt(store, { apiVersion: 'v1', kind: 'Pod' }, ['metadata', 'labels', 'app'])?.type === 'string');
  assert.equal(schemaAt(store, { apiVersion: 'v1', kind: 'Pod' }, ['spec', 'nope']), undefined);
});
