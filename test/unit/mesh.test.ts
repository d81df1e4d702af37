// Mesh core: the workspace index (incremental per file), findings on the exact field with related locations, the CLI options.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { MeshIndex } from '../../server/src/mesh/index';
import { goSprintf } from '../../server/src/mesh/messages';
import { runMeshAnalysis, setAssumedResources } from '../../server/src/mesh/run';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
`;
const DR = (subset: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews
  subsets:
  - name: ${subset}
    labels: {version: ${subset}}
`;

test('a missing subset is reported on the subset field, related to the DestinationRule; fixing the other file clears it', () => {
  const index = new MeshIndex();
  index.setFile('file:///vs.yaml', VS);
  index.setFile('file:///dr.yaml', DR('v1'));
  const only = new Set(['virtualservice.DestinationRuleAnalyzer']);
  const f = runMeshAnalysis(index, { only })!.findings;
  assert.equal(f.length, 1);
  assert.equal(f[0].uri, 'file:///vs.yaml');
  assert.equal(f[0].friendly, 'VirtualService shop/reviews');
  assert.equal(f[0].finding.code, 'IST0101');
  assert.equal(f[0].finding.severity, 'Error');
  assert.equal(f[0].finding.message, 'Referenced host+subset in destinationrule not found: "reviews+v2"');
  assert.deepEqual(f[0].finding.range, { start: { line: 11, character: 16 }, end: { line: 11, character: 18 } });
  assert.equal(f[0].finding.related?.[0].uri, 'file:///dr.yaml');
  index.setFile('file:///dr.yaml', DR('v2'));
  assert.deepEqual(runMeshAnalysis(index, { only })!.findings, []);
  index.removeFile('file:///dr.yaml');
  assert.equal(runMeshAnalysis(index, { only })!.findings.length, 1);
});

test('namespace-less resources: friendly name without namespace, the index default namespace for lookups', () => {
  const index = new MeshIndex({ defaultNamespace: 'default' });
  index.setFile('a.yaml', VS.replace('  namespace: shop\n', ''));
  const r = index.all()[0];
  assert.equal(r.namespace, 'default');
  assert.equal(r.namespaceGiven, false);
  const f = runMeshAnalysis(index, { only: new Set(['virtualservice.DestinationHostAnalyzer']) })!.findings;
  assert.deepEqual(f.map((x) => `${x.finding.code} ${x.friendly}`), ['IST0101 VirtualService reviews']);
});

test('bad input never crashes: garbage, aliases, non-map documents, lists', () => {
  const index = new MeshIndex();
  index.setFile('x.yaml', 'a: &a [*a]\n---\n- 1\n---\nkind: VirtualService\napiVersion: networking.istio.io/v1\nspec: 3\n---\n: : :\n');
  index.setFile('l.yaml', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n  spec: {ports: [{port: 80, name: foo}]}\n');
  setAssumedResources(index);
  const res = runMeshAnalysis(index)!;
  assert.deepEqual(res.errors, []);
  assert.ok(res.findings.some((f) => f.friendly === 'Service s' && f.finding.code === 'IST0118'));
});

test('Go-style message formatting', () => {
  assert.equal(goSprintf('a %s b %q c %d %v', ['x', 'y', 3, ['p', 'q']]), 'a x b "y" c 3 [p q]');
});

test('CLI: mesh analyzers across files, friendly name in JSON, options and usage errors', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-mesh-'));
  fs.writeFileSync(path.join(d, 'vs.yaml'), VS);
  fs.writeFileSync(path.join(d, 'dr.yaml'), DR('v1'));
  let out = '';
  let err = '';
  const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s), readStdin: () => '' };
  assert.equal(runCli(['analyze', '--format', 'json', '--analyzers', 'virtualservice.DestinationRuleAnalyzer', d], io), 1, err);
  const j = JSON.parse(out);
  assert.equal(j.length, 1);
  assert.equal(j[0].file, path.join(d, 'vs.yaml'));
  assert.equal(j[0].resource.friendly, 'VirtualService shop/reviews');
  for (const bad of [['--mesh-config', path.join(d, 'nope.yaml')], ['--assume-resources', path.join(d, 'dr.yaml'), '--no-assume-resources'], ['--analyzers', 'no.Such']]) {
    assert.equal(runCli(['analyze', ...bad, d], io), 2, bad.join(' '));
  }
  fs.writeFileSync(path.join(d, 'mesh.yaml'), 'ingressControllerMode: "OFF"\n');
  out = '';
  assert.equal(runCli(['analyze', '--format', 'json', '--mesh-config', path.join(d, 'mesh.yaml'), '--no-assume-resources', '--analyzers', 'gateway.IngressGatewayPortAnalyzer', d], io), 0);
  assert.deepEqual(JSON.parse(out), []);
});
