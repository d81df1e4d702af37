// One resource defined in several files (alternatives applied one at a time, as in Istio's bookinfo samples): references
// are satisfied by any definition, findings stay per definition in its own file, conflicts never arise between
// alternatives (silently); a resource defined twice in one file is a DuplicateResource Warning. Real files from test/fixtures/mesh.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { runCli } from '../../server/src/cli';
import { runMeshCli } from '../../server/src/mesh/cli-options';
import { GK } from '../../server/src/mesh/gvk';
import { MeshIndex } from '../../server/src/mesh/index';
import { meshConfigWith } from '../../server/src/mesh/meshconfig';
import { runMeshAnalysis, setAssumedResources } from '../../server/src/mesh/run';
import { parseYaml } from '../../server/src/yaml/parse';

const BOOKINFO = path.resolve(__dirname, '../../../test/fixtures/mesh/bookinfo');
const NET = path.join(BOOKINFO, 'networking');

function read(rel: string): string {
  return fs.readFileSync(path.join(BOOKINFO, rel), 'utf8');
}

function indexOf(files: string[], extra: Record<string, string> = {}): MeshIndex {
  const index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
  for (const f of files) index.setFile(f, read(f));
  for (const [uri, text] of Object.entries(extra)) index.setFile(uri, text);
  return index;
}

const DR_ANALYZER = new Set(['virtualservice.DestinationRuleAnalyzer']);
const DUPLICATES = new Set(['workspace.DuplicateResourceAnalyzer']);

test('a subset defined by any definition of the DestinationRule satisfies the route, whatever the file order', () => {
  // fault-injection-details-v1.yaml defines DestinationRule default/details with subset v1 only; destination-rule-all.yaml
  // and destination-rule-all-mtls.yaml define it with v1 and v2. Last-wins made the result depend on the order.
  const files = ['networking/virtual-service-details-v2.yaml', 'networking/destination-rule-all.yaml', 'networking/destination-rule-all-mtls.yaml', 'networking/fault-injection-details-v1.yaml'];
  for (const order of [files, [...files].reverse()]) {
    const f = runMeshAnalysis(indexOf(order), { only: DR_ANALYZER })!.findings;
    assert.deepEqual(f.map((x) => `${x.finding.code} ${x.finding.message}`), [], order.join(' '));
  }
  // With only the v1-only definition, the v2 route is reported, on its own file's subset field.
  const f = runMeshAnalysis(indexOf(['networking/virtual-service-details-v2.yaml', 'networking/fault-injection-details-v1.yaml']), { only: DR_ANALYZER })!.findings;
  assert.deepEqual(f.map((x) => [x.uri, x.finding.code, x.finding.message]), [
    ['networking/virtual-service-details-v2.yaml', 'IST0101', 'Referenced host+subset in destinationrule not found: "details+v2"'],
  ]);
});

test('a missing subset is related to every definition of the rule, with a fix for each', () => {
  const vs = read('networking/virtual-service-details-v2.yaml').replace('subset: v2', 'subset: v9');
  const index = indexOf(['networking/destination-rule-all.yaml', 'networking/fault-injection-details-v1.yaml'], { 'vs-v9.yaml': vs });
  const f = runMeshAnalysis(index, { only: DR_ANALYZER })!.findings;
  const mine = f.filter((x) => x.uri === 'vs-v9.yaml');
  assert.equal(mine.length, 1);
  assert.deepEqual(mine[0].finding.related?.map((r) => r.uri).sort(), ['networking/destination-rule-all.yaml', 'networking/fault-injection-details-v1.yaml']);
  assert.deepEqual(mine[0].finding.fixes?.map((x) => x.edits[0].uri).sort(), ['networking/destination-rule-all.yaml', 'networking/fault-injection-details-v1.yaml']);
  assert.ok(mine[0].finding.fixes?.every((x) => /\((destination-rule-all|fault-injection-details-v1)\.yaml\)$/.test(x.title)));
});

test('findings on a resource are computed for each of its definitions, in its own file', () => {
  // VirtualService default/details: three definitions. Only the one routing to v2 misses its subset when the only rule
  // is the v1-only one; the other definitions (v1) are fine.
  const index = indexOf(['networking/virtual-service-all-v1.yaml', 'networking/virtual-service-details-v2.yaml', 'networking/fault-injection-details-v1.yaml']);
  assert.equal(index.ofKind(GK.VirtualService).filter((r) => r.name === 'details').length, 3);
  assert.equal(index.getAll(GK.DestinationRule, 'default', 'details').length, 1);
  const f = runMeshAnalysis(index, { only: DR_ANALYZER })!.findings.filter((x) => x.friendly === 'VirtualService details');
  assert.deepEqual(f.map((x) => x.uri), ['networking/virtual-service-details-v2.yaml']);
});

test('alternatives never conflict with each other; a different resource still does', () => {
  const vsFiles = fs.readdirSync(NET).filter((f) => f.startsWith('virtual-service-')).map((f) => `networking/${f}`);
  const only = new Set(['virtualservice.ConflictingMeshGatewayHostsAnalyzer']);
  const index = indexOf(vsFiles);
  assert.ok(index.getAll(GK.VirtualService, 'default', 'reviews').length > 5);
  assert.deepEqual(runMeshAnalysis(index, { only })!.findings, []);
  const canary = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews-canary\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews}\n';
  index.setFile('canary.yaml', canary);
  const f = runMeshAnalysis(index, { only })!.findings;
  const onCanary = f.filter((x) => x.uri === 'canary.yaml');
  assert.equal(onCanary.length, 1);
  assert.equal(onCanary[0].finding.code, 'IST0109');
  // The message names each VirtualService once; the related locations are every definition of the other one.
  assert.match(onCanary[0].finding.message, /default\/reviews,default\/reviews-canary|default\/reviews-canary,default\/reviews/);
  assert.equal(onCanary[0].finding.related?.length, index.getAll(GK.VirtualService, 'default', 'reviews').length);
  // Each definition of reviews is told about the canary, in its own file.
  const onReviews = f.filter((x) => x.friendly === 'VirtualService reviews');
  assert.equal(onReviews.length, index.getAll(GK.VirtualService, 'default', 'reviews').length);
  assert.ok(onReviews.every((x) => x.finding.related?.length === 1 && x.finding.related[0].uri === 'canary.yaml'));
});

test('definitions in different files are silent alternatives; a duplicate within one file is a Warning, disable-able by code or analyzer name', () => {
  const files = ['networking/destination-rule-all.yaml', 'networking/destination-rule-all-mtls.yaml', 'networking/fault-injection-details-v1.yaml'];
  assert.deepEqual(runMeshAnalysis(indexOf(files), { only: DUPLICATES })!.findings.map((x) => x.friendly), []);
  const details = (file: string) => read(file).split(/^---\n/m).find((d) => /kind: DestinationRule\nmetadata:\n {2}name: details\n/.test(d))!;
  const text = `${details('networking/destination-rule-all.yaml')}---\n${details('networking/fault-injection-details-v1.yaml')}`;
  const parsed = [{ file: 'one.yaml', parsed: parseYaml(text) }];
  const settings = { mesh: meshConfigWith(), meshNetworks: {}, assumed: null };
  const found = (disabled: string[]) => runMeshCli(parsed, settings, undefined, { ...DEFAULT_SETTINGS, disabled }).findings.filter((x) => x.code === 'DuplicateResource');
  assert.deepEqual(found([]).map((x) => x.severity), ['Warning']);
  assert.equal(found(['DuplicateResource']).length, 0);
  assert.equal(found(['workspace.DuplicateResourceAnalyzer']).length, 0);
});

test('a resource defined twice in one file: the later definition is the one analyzed, the earlier one is reported', () => {
  // destination-rule-all.yaml's details rule (v1, v2), then fault-injection-details-v1.yaml's (v1 only), in one file.
  const details = (file: string) => read(file).split(/^---\n/m).find((d) => /kind: DestinationRule\nmetadata:\n {2}name: details\n/.test(d))!;
  const text = `${read('networking/virtual-service-details-v2.yaml')}---\n${details('networking/destination-rule-all.yaml')}---\n${details('networking/fault-injection-details-v1.yaml')}`;
  const index = indexOf([], { 'one.yaml': text });
  assert.equal(index.getAll(GK.DestinationRule, 'default', 'details').length, 1);
  assert.equal(index.shadowed().length, 1);
  const f = runMeshAnalysis(index, { only: new Set([...DR_ANALYZER, ...DUPLICATES]) })!.findings;
  assert.deepEqual(f.map((x) => x.finding.code).sort(), ['DuplicateResource', 'IST0101']);
  const dup = f.find((x) => x.finding.code === 'DuplicateResource')!;
  assert.match(dup.finding.message, /defined again later in this file/);
  assert.ok(dup.finding.range.start.line < dup.finding.related![0].range.start.line);
});

test('the assumed baseline gives way to a workspace definition of the same resource', () => {
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-system\nspec:\n  selector: {istio: ingressgateway}\n  ports:\n  - {name: http2, port: 80, targetPort: 8080, protocol: TCP}\n';
  const index = indexOf(['networking/bookinfo-gateway.yaml'], { 'ingress.yaml': svc });
  setAssumedResources(index);
  const defs = index.getAll(GK.Service, 'istio-system', 'istio-ingressgateway');
  assert.deepEqual(defs.map((r) => r.uri), ['ingress.yaml']);
  const f = runMeshAnalysis(index, { only: new Set(['gateway.IngressGatewayPortAnalyzer', ...DUPLICATES]) })!.findings;
  assert.deepEqual(f.map((x) => `${x.finding.code} ${x.friendly}`), []);
});

test('CLI over the whole bookinfo sample: no error-level finding, no missing details+v2, no noise about its alternative files', () => {
  let out = '';
  let err = '';
  runCli(['analyze', '--format', 'json', BOOKINFO], { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => '' });
  assert.equal(err, '');
  const j = JSON.parse(out) as { file: string; code: string; severity: string; message: string; resource: { friendly: string } }[];
  assert.ok(!j.some((x) => x.message.includes('details+v2')), 'details+v2 is defined by destination-rule-all.yaml');
  assert.deepEqual(j.filter((x) => x.code === 'DuplicateResource'), []);
  // Issue #4's acceptance: bookinfo as a whole workspace is a correct mesh, no finding at error level.
  assert.deepEqual(j.filter((x) => x.severity === 'Error').map((x) => `${path.relative(BOOKINFO, x.file)}: ${x.code} ${x.message}`), []);
  // What remains are istioctl's own findings (IST codes) and the per-file checks (schema, annotations, pod specs).
  console.log(`bookinfo: ${j.length} findings: ${[...new Set(j.map((x) => `${x.severity} ${x.code}`))].sort().join(', ')}`);
});

test('a missing host in a namespace the workspace defines no Service of is Information with context; in a described namespace, Istio\'s Error', () => {
  const HOSTS = new Set(['virtualservice.DestinationHostAnalyzer']);
  const vs = (ns: string, host: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: v\n  namespace: ${ns}\nspec:\n  hosts: [a.example.com]\n  http:\n  - route:\n    - destination:\n        host: ${host}\n`;
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: [{name: http, port: 80}]\n';
  const run = (text: string) => {
    const index = indexOf([], { 'vs.yaml': text, 'svc.yaml': svc });
    setAssumedResources(index);
    return runMeshAnalysis(index, { only: HOSTS })!.findings.map((x) => x.finding);
  };
  // cert-manager's solver Service in istio-system (bookinfo's certmanager-gateway.yaml): only the assumed gateway is there.
  const [solver] = run(vs('istio-system', 'cert-manager-resolver'));
  assert.equal(solver.code, 'IST0101');
  assert.equal(solver.severity, 'Info');
  assert.match(solver.message, /^Referenced host not found: "cert-manager-resolver" \(No Service of namespace istio-system is defined in the workspace/);
  // Also through an FQDN into another namespace the workspace does not describe.
  assert.equal(run(vs('shop', 'api.payments.svc.cluster.local'))[0].severity, 'Info');
  // A namespace with Services in the workspace: a typo is Istio's Error, with Istio's text.
  const [typo] = run(vs('shop', 'wbe'));
  assert.equal(typo.severity, 'Error');
  assert.equal(typo.message, 'Referenced host not found: "wbe"');
  assert.deepEqual(run(vs('shop', 'web')), []);
});
