// Completion and hover from the compiled schemas (dist/schemas, built by npm run build).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { complete } from '../../server/src/editing/completion';
import { completionContext } from '../../server/src/editing/cursor';
import { hover, referenceUrl } from '../../server/src/editing/hover';
import { SchemaStore } from '../../server/src/schema';
import { parseYaml } from '../../server/src/yaml/parse';

const store = new SchemaStore(path.resolve(__dirname, '../../../dist/schemas'));

/** Text with a "|" marking the cursor. */
function at(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
const completeAt = (marked: string) => {
  const { text, offset } = at(marked);
  return complete(parseYaml(text), offset, store);
};
const labels = (marked: string) => completeAt(marked).map((e) => e.label);

const VS = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n';

test('cursor context: key path through mappings and sequences, existing siblings, partial words', () => {
  const { text, offset } = at(`${VS}  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        ho|\n`);
  const ctx = completionContext(text, offset);
  assert.deepEqual(ctx && { mode: ctx.mode, path: ctx.path, prefix: ctx.prefix }, { mode: 'key', path: ['spec', 'http', 0, 'route', 0, 'destination'], prefix: 'ho' });
  const second = at(`${VS}  hosts: [reviews]\n  |\n`);
  const c2 = completionContext(second.text, second.offset);
  assert.ok(c2 && c2.mode === 'key');
  assert.deepEqual(c2.path, ['spec']);
  assert.deepEqual(c2.existing, ['hosts']);
  assert.equal(completionContext('a: b # comment |', 'a: b # comment '.length), undefined);
});

test('key completion: schema properties, required first, existing keys left out', () => {
  const spec = labels(`${VS}  hosts: [reviews]\n  |\n`);
  for (const k of ['http', 'tcp', 'tls', 'gateways', 'exportTo']) assert.ok(spec.includes(k), k);
  assert.ok(!spec.includes('hosts'));
  const dest = completeAt(`${VS}  http:\n  - route:\n    - destination:\n        |\n`);
  assert.equal(dest[0]?.label, 'host', 'the required key comes first');
  assert.ok(dest.find((e) => e.label === 'subset'));
  const meta = labels('apiVersion: v1\nkind: Service\nmetadata:\n  |\n');
  assert.ok(meta.includes('labels') && meta.includes('namespace'));
  const obj = completeAt(`${VS}  |\n`).find((e) => e.label === 'http');
  assert.equal(obj?.insertText, 'http:\n  - $0', 'arrays open a sequence item at the right indentation');
});

test('value completion: enums, booleans, apiVersion/kind pairs', () => {
  const pa = labels('apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: x\nspec:\n  mtls:\n    mode: |\n');
  assert.deepEqual([...pa].sort(), ['DISABLE', 'PERMISSIVE', 'STRICT', 'UNSET'].sort());
  const kinds = labels('apiVersion: networking.istio.io/v1\nkind: |\n');
  assert.ok(kinds.includes('VirtualService') && kinds.includes('DestinationRule') && !kinds.includes('Deployment'));
  const versions = labels('apiVersion: |\nkind: Deployment\n');
  assert.deepEqual(versions, ['apps/v1']);
  const bool = labels(`${VS}  http:\n  - route:\n    - destination:\n        host: a\n    retries:\n      retryRemoteLocalities: |\n`);
  assert.deepEqual(bool, ['true', 'false']);
});

test('an empty document offers apiVersion, kind and Istio skeletons', () => {
  const entries = completeAt('|');
  const l = entries.map((e) => e.label);
  assert.ok(l.includes('apiVersion') && l.includes('kind'));
  const vs = entries.find((e) => e.label === 'Istio VirtualService');
  assert.ok(vs?.snippet);
  assert.ok(l.includes('Deployment (apps/v1)'));
  // Every skeleton, with its placeholders filled by their defaults, is a valid resource of a known kind.
  for (const s of entries.filter((e) => e.kind === 'snippet')) {
    const filled = s.insertText.replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
    const doc = parseYaml(filled);
    assert.deepEqual(doc.problems, [], s.label);
    const r = doc.docs[0].resource!;
    assert.ok(store.lookup(r.apiVersion!, r.kind!), `${s.label}: ${r.apiVersion} ${r.kind} has a schema`);
  }
});

test('hover: description, type, required, allowed values and a reference link', () => {
  const { text, offset } = at(`${VS}  ho|sts: [reviews]\n`);
  const h = hover(parseYaml(text), offset, store);
  assert.ok(h);
  assert.match(h.markdown, /^\*\*spec\.hosts\*\* `array`/);
  assert.match(h.markdown, /destination hosts/i);
  assert.match(h.markdown, /\[VirtualService reference\]\(https:\/\/istio\.io\/latest\/docs\/reference\/config\/networking\/virtual-service\/\)/);
  assert.equal(text.slice(h.start, h.end), 'hosts');
  const mode = at('apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nspec:\n  mtls:\n    mode: STR|ICT\n');
  const hm = hover(parseYaml(mode.text), mode.offset, store);
  assert.match(hm!.markdown, /Allowed values: .*`STRICT`/);
  const port = at('apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - po|rt: 80\n');
  assert.match(hover(parseYaml(port.text), port.offset, store)!.markdown, /^\*\*spec\.ports\[0\]\.port\*\* `integer, int32` \(required\)/);
  assert.equal(hover(parseYaml('a: |b\n'.replace('|', '')), 3, store), undefined, 'no hover outside Kubernetes objects');
});

test('reference links', () => {
  assert.equal(referenceUrl('apps/v1', 'Deployment'), 'https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.35/#deployment-v1-apps');
  assert.equal(referenceUrl('v1', 'Pod'), 'https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.35/#pod-v1-core');
  assert.equal(referenceUrl('networking.k8s.io/v1', 'Ingress'), 'https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.35/#ingress-v1-networking-k8s-io');
  assert.equal(referenceUrl('security.istio.io/v1', 'AuthorizationPolicy'), 'https://istio.io/latest/docs/reference/config/security/authorization-policy/');
});

test('hover on a removed API version (the seed\'s extensions/v1beta1 Deployment) describes the field from its replacement', () => {
  const { text, offset } = at('apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: composer\nspec:\n  repl|icas: 1\n  template:\n    spec:\n      containers:\n      - name: c\n        image: x:1\n');
  const h = hover(parseYaml(text), offset, store);
  assert.ok(h);
  assert.match(h.markdown, /^\*\*spec\.replicas\*\* `integer, int32`/);
  assert.match(h.markdown, /_extensions\/v1beta1 was removed in Kubernetes 1\.16: described from apps\/v1\._/);
  assert.match(h.markdown, /deployment-v1-apps/);
  const kind = at('apiVersion: extensions/v1beta1\nkind: Ingr|ess\n');
  assert.match(hover(parseYaml(kind.text), kind.offset, store)!.markdown, /^\*\*Ingress\*\* `extensions\/v1beta1`[\s\S]*described from networking\.k8s\.io\/v1/);
  // A field the replacement no longer has gets no hover rather than a wrong one.
  const gone = at('apiVersion: extensions/v1beta1\nkind: Ingress\nspec:\n  backend:\n    serviceN|ame: web\n');
  assert.equal(hover(parseYaml(gone.text), gone.offset, store), undefined);
});
