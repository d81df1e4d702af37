// Find references over Istio's bookinfo sample (test/fixtures/mesh/bookinfo): Service <-> hosts, Gateway <-> gateways
// entries, subset <-> destinations, pod labels <-> selectors. Each returned location is checked by the text it covers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { MeshIndex } from '../../server/src/mesh/index';
import { referencesAt, type ReferenceTarget } from '../../server/src/mesh/references';

const BOOKINFO = path.resolve(__dirname, '../../../test/fixtures/mesh/bookinfo');
const NET = fs.readdirSync(path.join(BOOKINFO, 'networking')).map((f) => `networking/${f}`);
const APP = 'platform/kube/bookinfo.yaml';

function workspace(files: string[], extra: Record<string, string> = {}): { index: MeshIndex; text: (uri: string) => string } {
  const texts = new Map<string, string>();
  const index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
  for (const f of files) texts.set(f, fs.readFileSync(path.join(BOOKINFO, f), 'utf8'));
  for (const [u, t] of Object.entries(extra)) texts.set(u, t);
  for (const [u, t] of texts) index.setFile(u, t);
  return { index, text: (u) => texts.get(u)! };
}

/** Offset of the n-th (0-based) occurrence of needle in text, plus `into` characters. */
function offsetOf(text: string, needle: string, n = 0, into = 1): number {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `"${needle}" #${n} not found`);
  }
  return i + into;
}

/** "file:line text" of each target, the text being what its range covers. */
function shown(text: (uri: string) => string, targets: ReferenceTarget[]): string[] {
  return targets.map((t) => {
    const line = text(t.uri).split('\n')[t.range.start.line];
    return `${t.uri}:${t.range.start.line + 1} ${line.slice(t.range.start.character, t.range.end.character)}`;
  });
}

function files(targets: ReferenceTarget[]): string[] {
  return [...new Set(targets.map((t) => t.uri))].sort();
}

test('on a Service name: every VirtualService host/destination and DestinationRule host resolving to it', () => {
  const ws = workspace([APP, ...NET]);
  const at = offsetOf(ws.text(APP), 'name: reviews\n', 0, 6);
  const refs = referencesAt(ws.index, APP, at, false);
  const s = shown(ws.text, refs);
  assert.ok(s.length > 10, s.join('\n'));
  assert.ok(s.every((x) => x.endsWith(' reviews')), s.join('\n'));
  // The DestinationRules of the three rule files and the VirtualServices routing to reviews (also from ratings files).
  for (const f of ['networking/destination-rule-all.yaml', 'networking/destination-rule-all-mtls.yaml', 'networking/destination-rule-reviews.yaml', 'networking/virtual-service-reviews-v3.yaml', 'networking/virtual-service-ratings-db.yaml']) {
    assert.ok(files(refs).includes(f), f);
  }
  // Nothing about other services, nor the declaration unless asked for.
  assert.ok(!files(refs).includes(APP));
  const withDecl = shown(ws.text, referencesAt(ws.index, APP, at, true));
  assert.deepEqual(withDecl.filter((x) => x.startsWith(APP)), [`${APP}:137 reviews`]);
  // The same set from a DestinationRule's host, and from a VirtualService destination host.
  const dr = 'networking/destination-rule-reviews.yaml';
  const fromDr = referencesAt(ws.index, dr, offsetOf(ws.text(dr), 'host: reviews', 0, 7), false);
  assert.deepEqual(shown(ws.text, fromDr).sort(), s.sort());
  const vs = 'networking/virtual-service-reviews-v3.yaml';
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, vs, offsetOf(ws.text(vs), 'host: reviews', 0, 7), false)).sort(), s.sort());
});

test('on a Gateway name: the VirtualService gateways entries naming it', () => {
  const gwFile = 'networking/bookinfo-gateway.yaml';
  const extra = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: other\n  namespace: shop\nspec:\n  hosts: ["*"]\n  gateways: [bookinfo-gateway, default/bookinfo-gateway]\n  http:\n  - match:\n    - gateways: [default/bookinfo-gateway]\n    route:\n    - destination: {host: productpage.default.svc.cluster.local}\n';
  const ws = workspace([gwFile], { 'other.yaml': extra });
  const at = offsetOf(ws.text(gwFile), 'name: bookinfo-gateway', 0, 8);
  // shop/bookinfo-gateway (a short name in namespace shop) is another gateway; default/bookinfo-gateway is this one.
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, gwFile, at, false)), [
    `${gwFile}:26 bookinfo-gateway`,
    'other.yaml:8 default/bookinfo-gateway',
    'other.yaml:11 default/bookinfo-gateway',
  ]);
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, gwFile, at, true))[0], `${gwFile}:4 bookinfo-gateway`);
  // From a gateways entry: the same references.
  const fromEntry = referencesAt(ws.index, 'other.yaml', offsetOf(extra, 'default/bookinfo-gateway]', 0, 3), false);
  assert.equal(fromEntry.length, 3);
});

test('on a DestinationRule subset: every destination using that subset of that host', () => {
  const ws = workspace(NET);
  const dr = 'networking/destination-rule-all.yaml';
  const text = ws.text(dr);
  // The subset v3 of the reviews rule (the first "name: v3" of the file).
  const at = offsetOf(text, 'name: v3', 0, 6);
  const refs = referencesAt(ws.index, dr, at, false);
  assert.deepEqual(files(refs), [
    'networking/virtual-service-ratings-db.yaml', 'networking/virtual-service-ratings-mysql-vm.yaml', 'networking/virtual-service-ratings-mysql.yaml',
    'networking/virtual-service-reviews-50-v3.yaml', 'networking/virtual-service-reviews-jason-v2-v3.yaml', 'networking/virtual-service-reviews-v2-v3.yaml',
    'networking/virtual-service-reviews-v3.yaml',
  ]);
  assert.ok(shown(ws.text, refs).every((x) => x.endsWith(' v3')));
  // With the declarations: subset v3 of each rule for reviews (destination-rule-all, -all-mtls, destination-rule-reviews).
  const decl = referencesAt(ws.index, dr, at, true).filter((t) => t.uri.includes('destination-rule'));
  assert.deepEqual(files(decl), ['networking/destination-rule-all-mtls.yaml', 'networking/destination-rule-all.yaml', 'networking/destination-rule-reviews.yaml']);
  // The ratings subset v2 is another symbol: no reviews destination among its references.
  const ratingsV2 = offsetOf(text, 'name: v2', 2, 6);
  assert.ok(referencesAt(ws.index, dr, ratingsV2, false).every((t) => !t.uri.includes('reviews')));
  // From a destination's subset: the same set.
  const vs = 'networking/virtual-service-reviews-v3.yaml';
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, vs, offsetOf(ws.text(vs), 'subset: v3', 0, 9), false)).sort(), shown(ws.text, refs).sort());
});

test('on a pod label of a workload: the selectors that select it and use that label', () => {
  const policy = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: reviews-only\n  namespace: default\nspec:\n  selector:\n    matchLabels:\n      app: reviews\n      version: v1\n---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: other-ns\n  namespace: shop\nspec:\n  workloadSelector:\n    labels: {app: reviews}\n';
  const ws = workspace([APP, 'networking/destination-rule-all.yaml'], { 'policy.yaml': policy });
  const text = ws.text(APP);
  // reviews-v1's template label "version: v1" (its 3rd "version: v1" after "name: reviews-v1").
  const base = text.indexOf('name: reviews-v1');
  const versionAt = text.indexOf('version: v1', text.indexOf('template:', base)) + 2;
  const s = shown(ws.text, referencesAt(ws.index, APP, versionAt, false));
  // The reviews v1 subset (not ratings', details' or productpage's v1: their Services select other pods) and the policy.
  assert.deepEqual(s.sort(), ['networking/destination-rule-all.yaml:21 v1', 'policy.yaml:10 v1']);
  // "app: reviews": the Service's selector and the policy; not the Sidecar of namespace shop.
  const appAt = text.indexOf('app: reviews', text.indexOf('template:', base)) + 2;
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, APP, appAt, false)), [`${APP}:146 reviews`, 'policy.yaml:9 reviews']);
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, APP, appAt, true))[0], `${APP}:171 reviews`);
});

test('on a selector label: the pod labels it selects', () => {
  const ws = workspace([APP, 'networking/destination-rule-all.yaml']);
  const text = ws.text(APP);
  // The reviews Service's selector "app: reviews" (line 146): the three reviews Deployments' template labels.
  const at = offsetOf(text, 'app: reviews', 1, 1);
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, APP, at, false)), [`${APP}:171 reviews`, `${APP}:211 reviews`, `${APP}:251 reviews`]);
  // The reviews rule's subset v2 labels: reviews-v2 only.
  const dr = 'networking/destination-rule-all.yaml';
  const v2 = ws.text(dr).indexOf('version: v2') + 2;
  assert.deepEqual(shown(ws.text, referencesAt(ws.index, dr, v2, false)), [`${APP}:212 v2`]);
});

test('alternatives: references reach every definition; nothing at all for unrelated positions and bad input', () => {
  const ws = workspace([APP, 'platform/kube/bookinfo-psa.yaml', 'networking/destination-rule-all.yaml']);
  const dr = 'networking/destination-rule-all.yaml';
  const decl = referencesAt(ws.index, dr, offsetOf(ws.text(dr), 'host: details', 0, 7), true);
  // Service details is defined in both bookinfo.yaml and bookinfo-psa.yaml.
  assert.deepEqual(shown(ws.text, decl).filter((x) => x.startsWith('platform/')).map((x) => x.replace(/:\d+ /, ' ')), [`${APP} details`, 'platform/kube/bookinfo-psa.yaml details']);
  assert.deepEqual(referencesAt(ws.index, dr, offsetOf(ws.text(dr), 'apiVersion', 0, 2), true), []);
  assert.deepEqual(referencesAt(ws.index, 'nope.yaml', 0, true), []);
  const bad = new MeshIndex();
  bad.setFile('x.yaml', 'a: &a [*a]\n---\n- 1\n---\nkind: VirtualService\napiVersion: networking.istio.io/v1\nspec: {hosts: [{x: 1}], gateways: 3}\n');
  for (let o = 0; o < 120; o++) assert.ok(Array.isArray(referencesAt(bad, 'x.yaml', o, true)));
});
