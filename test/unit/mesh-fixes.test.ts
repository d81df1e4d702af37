// Quick fixes of mesh findings: applying each one makes its finding go away and keeps comments and the other lines.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Fix } from '../../server/src/core/types';
import type { MeshFinding } from '../../server/src/mesh/context';
import { MeshIndex } from '../../server/src/mesh/index';
import { runMeshAnalysis } from '../../server/src/mesh/run';

function offsetOf(text: string, p: { line: number; character: number }): number {
  let off = 0;
  for (let l = 0; l < p.line; l++) off = text.indexOf('\n', off) + 1;
  return off + p.character;
}

/** Applies a fix's edits to the files (edits without a uri go to `uri`). */
function apply(files: Record<string, string>, uri: string, fix: Fix): Record<string, string> {
  const out = { ...files };
  const edits = fix.edits.map((e) => ({ ...e, uri: e.uri ?? uri }));
  for (const u of new Set(edits.map((e) => e.uri))) {
    const text = out[u];
    const mine = edits.filter((e) => e.uri === u).map((e) => ({ from: offsetOf(text, e.range.start), to: offsetOf(text, e.range.end), newText: e.newText }));
    out[u] = mine.sort((a, b) => b.from - a.from).reduce((t, e) => t.slice(0, e.from) + e.newText + t.slice(e.to), text);
  }
  return out;
}

function analyze(files: Record<string, string>, analyzer: string): MeshFinding[] {
  const index = new MeshIndex();
  for (const [u, t] of Object.entries(files)) index.setFile(u, t);
  return runMeshAnalysis(index, { only: new Set([analyzer]) })!.findings;
}

function fixAndCheck(files: Record<string, string>, analyzer: string, code: string, fixIndex = 0): { fixed: Record<string, string>; fix: Fix } {
  const found = analyze(files, analyzer).filter((f) => f.finding.code === code);
  assert.equal(found.length, 1, `one ${code} before the fix`);
  const fix = found[0].finding.fixes?.[fixIndex];
  assert.ok(fix, `${code} has a fix`);
  const fixed = apply(files, found[0].uri, fix);
  assert.deepEqual(analyze(fixed, analyzer).filter((f) => f.finding.code === code), [], `no ${code} after "${fix.title}"`);
  return { fixed, fix };
}

test('IST0118: renaming the port to <protocol>-<name> clears it and keeps comments', () => {
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the front end\n  namespace: shop\nspec:\n  ports:\n  # public port\n  - name: web  # keep me\n    port: 80\n  - name: tcp-admin\n    port: 9000\n';
  const { fixed, fix } = fixAndCheck({ 'svc.yaml': svc }, 'service.PortNameAnalyzer', 'IST0118');
  assert.equal(fix.title, 'Rename port "web" to "http-web"');
  assert.equal(fix.preferred, true);
  assert.equal(fixed['svc.yaml'], svc.replace('- name: web  # keep me', '- name: http-web  # keep me'));
  // A port whose protocol the number does not tell: http and tcp are both offered.
  const other = svc.replace('port: 80\n', 'port: 7000\n');
  const f = analyze({ 's.yaml': other }, 'service.PortNameAnalyzer')[0].finding;
  assert.deepEqual(f.fixes?.map((x) => x.title), ['Rename port "web" to "http-web"', 'Rename port "web" to "tcp-web"']);
  fixAndCheck({ 's.yaml': other }, 'service.PortNameAnalyzer', 'IST0118', 1);
});

test('IST0101 subset not found: the subset is added to the DestinationRule in its own file', () => {
  const vs = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: shop\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v2\n';
  const dr = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: shop\nspec:\n  host: reviews\n  subsets:\n    # stable\n    - name: v1\n      labels:\n        version: v1 # current\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n';
  const files = { 'file:///vs.yaml': vs, 'file:///dr.yaml': dr };
  const { fixed, fix } = fixAndCheck(files, 'virtualservice.DestinationRuleAnalyzer', 'IST0101');
  assert.equal(fix.title, 'Add subset "v2" to DestinationRule shop/reviews');
  assert.equal(fix.edits[0].uri, 'file:///dr.yaml');
  assert.equal(fixed['file:///vs.yaml'], vs);
  assert.equal(fixed['file:///dr.yaml'], dr.replace('        version: v1 # current\n', '        version: v1 # current\n    - name: v2\n      labels:\n        version: v2\n'));
});

test('IST0102: adding the namespace injection label clears it, with or without existing labels', () => {
  const withLabels = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: a # owner\n';
  const { fixed } = fixAndCheck({ 'ns.yaml': withLabels }, 'injection.Analyzer', 'IST0102');
  assert.equal(fixed['ns.yaml'], `${withLabels}    istio-injection: enabled\n`);
  const bare = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop # mine\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n  labels: {istio-injection: enabled}\n';
  const r = fixAndCheck({ 'ns.yaml': bare }, 'injection.Analyzer', 'IST0102');
  assert.equal(r.fixed['ns.yaml'], bare.replace('  name: shop # mine\n', '  name: shop # mine\n  labels:\n    istio-injection: enabled\n'));
});
