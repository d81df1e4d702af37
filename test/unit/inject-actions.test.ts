// The editor's injection operations (server/src/inject/actions.ts): which actions apply, and that their edits are
// minimal: the file still parses, every comment is kept, other documents are byte-identical, the schema accepts it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { schemaAnalyzer } from '../../server/src/analysis/schema';
import { NEVER_CANCELLED } from '../../server/src/core/types';
import { bundledConfig, injectManifest } from '../../server/src/inject';
import { injectionActions, injectionPreview, workloadOf, workloadsOf, type InjectionAction, type InjectionActionKind } from '../../server/src/inject/actions';
import { injectionHover } from '../../server/src/inject/hover';
import { applyEdits } from '../../server/src/inject/textPatch';
import { parseYaml } from '../../server/src/yaml/parse';

const cfg = bundledConfig();
const DEMO = path.join(__dirname, '../../../test/demo-workspace');
const BOOKINFO = fs.readFileSync(path.join(DEMO, 'bookinfo/platform/bookinfo.yaml'), 'utf8');
const COMPOSER = fs.readFileSync(path.join(DEMO, 'hyperledger/composer.yaml'), 'utf8');

const SHOP = `# the shop namespace
apiVersion: v1
kind: Namespace
metadata:
  name: shop # injection not enabled yet
---
# web front end
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web} # flow labels
    spec:
      containers:
      # the application
      - name: web
        image: nginx
        ports:
        - containerPort: 8080 # http
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
# trailing comment of the Deployment
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports:
  - port: 80 # the service port
    targetPort: 8080
  selector:
    app: web
`;

const comments = (text: string) => text.split('\n').map((l) => /#.*$/.exec(l)?.[0]).filter((c): c is string => !!c && !c.includes('"'));

function docTexts(text: string): string[] {
  return parseYaml(text).docs.map((d) => text.slice(d.start, d.end));
}

/** Applies one action and checks what every injection edit must keep. Returns the new text. */
function applyChecked(text: string, index: number, kind: InjectionActionKind): string {
  const actions = injectionActions(text, parseYaml(text), index, cfg);
  const action = actions.find((a: InjectionAction) => a.kind === kind);
  assert.ok(action, `${kind} offered among ${actions.map((a) => a.kind).join(', ')}`);
  const out = applyEdits(text, action.edits);
  for (const d of parseAllDocuments(out)) assert.deepEqual(d.errors.map((e) => e.message), [], `${kind}: the result parses`);
  const kept = comments(out);
  for (const c of comments(text)) assert.ok(kept.includes(c), `${kind}: comment "${c}" kept`);
  const before = docTexts(text);
  const after = docTexts(out);
  assert.equal(after.length, before.length, `${kind}: same number of documents`);
  const edited = kind === 'enableNamespace' ? before.findIndex((t) => /kind: Namespace/.test(t)) : index;
  before.forEach((t, i) => { if (i !== edited) assert.equal(after[i], t, `${kind}: document ${i} untouched`); });
  const parsed = parseYaml(out);
  const errors = schemaAnalyzer.analyze({ uri: 'file:///t.yaml', parsed, settings: DEFAULT_SETTINGS }, NEVER_CANCELLED).filter((f) => f.severity === 'Error');
  assert.deepEqual(errors.map((f) => `${f.code}: ${f.message}`), [], `${kind}: schema-valid`);
  return out;
}

/** A value with empty maps, lists and nulls dropped (Go's typed encoding adds them). */
function dropEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropEmpty);
  if (v && typeof v === 'object') {
    const o = Object.entries(v).map(([k, x]) => [k, dropEmpty(x)] as const).filter(([, x]) => !(x === null || (typeof x === 'object' && Object.keys(x as object).length === 0)));
    return Object.fromEntries(o);
  }
  return v;
}

/** The pod template of document `index`, with empty values dropped. */
function podOf(text: string, index: number): unknown {
  const w = workloadOf(parseYaml(text), index);
  assert.ok(w);
  return dropEmpty((w.value.spec as { template: unknown }).template);
}

test('workloads: only documents with a pod template, with their injection state', () => {
  assert.deepEqual(workloadsOf(parseYaml(SHOP)).map((w) => [w.index, w.kind, w.name, w.state]), [[1, 'Deployment', 'web', 'none']]);
  assert.deepEqual(workloadsOf(parseYaml(COMPOSER)).map((w) => [w.index, w.state]), [[1, 'legacy']]);
  assert.equal(workloadsOf(parseYaml(BOOKINFO)).length, 6);
});

test('an uninjected workload is offered enable, the namespace label and inline injection', () => {
  const kinds = injectionActions(SHOP, parseYaml(SHOP), 1, cfg).map((a) => a.kind);
  assert.deepEqual(kinds, ['enable', 'enableNamespace', 'inline']);
  assert.deepEqual(injectionActions(SHOP, parseYaml(SHOP), 2, cfg), [], 'nothing on a Service');
});

test('enable sidecar injection adds the label to flow-style pod labels, nothing else', () => {
  const out = applyChecked(SHOP, 1, 'enable');
  assert.match(out, /labels: \{app: web, sidecar\.istio\.io\/inject: "true"\} # flow labels/);
  assert.equal(out.length - SHOP.length, ', sidecar.istio.io/inject: "true"'.length);
  assert.ok(!injectionActions(out, parseYaml(out), 1, cfg).some((a) => a.kind === 'enable'), 'not offered twice');
});

test('enable sidecar injection on block labels, on a pod template without labels, and over inject: "false"', () => {
  const bookinfo = applyChecked(BOOKINFO, 13, 'enable');
  assert.match(bookinfo, / {6}labels:\n {8}app: productpage\n {8}version: v1\n {8}sidecar\.istio\.io\/inject: "true"\n {4}spec:/);
  const noLabels = SHOP.replace('      labels: {app: web} # flow labels\n', '      annotations: {a: b}\n');
  assert.match(applyChecked(noLabels, 1, 'enable'), / {6}annotations: \{a: b\}\n {6}labels:\n {8}sidecar\.istio\.io\/inject: "true"\n/);
  const disabled = SHOP.replace('{app: web} # flow', '{app: web, sidecar.istio.io/inject: "false"} # flow');
  assert.match(applyChecked(disabled, 1, 'enable'), /sidecar\.istio\.io\/inject: "true"\} # flow/);
});

test('the namespace label goes on the Namespace document of the file', () => {
  const out = applyChecked(SHOP, 1, 'enableNamespace');
  assert.match(out, /metadata:\n {2}name: shop # injection not enabled yet\n {2}labels:\n {4}istio-injection: enabled\n---/);
});

test('inject inline: the injected workload, as a minimal edit (comments inside the document kept too)', () => {
  const out = applyChecked(SHOP, 1, 'inline');
  const w = workloadOf(parseYaml(out), 1)!;
  assert.equal(w.state, 'injected');
  const expected = injectManifest(docTexts(SHOP)[1], cfg).objects[0] as { spec: { template: unknown } };
  assert.deepEqual(podOf(out, 1), dropEmpty(expected.spec.template));
  assert.match(out, /# the application\n {6}- name: web/);
  // Applying it again: the workload is injected with the current template, nothing to re-inject.
  assert.deepEqual(injectionActions(out, parseYaml(out), 1, cfg).map((a) => a.kind), ['remove']);
});

test('remove injected sidecar restores the workload as it was before injection', () => {
  const injected = applyChecked(SHOP, 1, 'inline');
  const removed = applyChecked(injected, 1, 'remove');
  assert.equal(workloadOf(parseYaml(removed), 1)!.state, 'none');
  assert.deepEqual(podOf(removed, 1), podOf(SHOP, 1));
  const bookinfo = applyChecked(applyChecked(BOOKINFO, 13, 'inline'), 13, 'remove');
  assert.deepEqual(podOf(bookinfo, 13), podOf(BOOKINFO, 13), 'prometheus annotations and probes restored');
});

test('a legacy Istio 0.2.7 sidecar (seed composer.yaml) can be removed or re-injected with the current template', () => {
  const kinds = injectionActions(COMPOSER, parseYaml(COMPOSER), 1, cfg).map((a) => a.kind);
  assert.deepEqual(kinds, ['remove', 'reinject']);
  const removed = applyChecked(COMPOSER, 1, 'remove');
  assert.doesNotMatch(removed, /0\.2\.7|istio-proxy|istio-init|enable-core-dump|istio-certs/);
  assert.equal(workloadOf(parseYaml(removed), 1)!.state, 'none');
  const reinjected = applyChecked(COMPOSER, 1, 'reinject');
  assert.doesNotMatch(reinjected, /0\.2\.7/);
  assert.equal(workloadOf(parseYaml(reinjected), 1)!.state, 'injected');
  assert.match(reinjected, /COMPOSER_CONFIG\n {10}value: \|\n/, 'the block scalar of the app container is untouched');
});

test('a stale injection (other proxy image) is offered re-injection', () => {
  const injected = applyChecked(SHOP, 1, 'inline');
  const stale = injected.replace(/proxyv2:[\w.-]+/g, 'proxyv2:1.0.0');
  assert.deepEqual(injectionActions(stale, parseYaml(stale), 1, cfg).map((a) => a.kind), ['remove', 'reinject']);
  const out = applyChecked(stale, 1, 'reinject');
  assert.doesNotMatch(out, /proxyv2:1\.0\.0/);
});

test('preview: the whole file, only that document injected; errors as a comment, never a throw', () => {
  const p = injectionPreview(BOOKINFO, parseYaml(BOOKINFO), 13, cfg);
  assert.equal(p.error, undefined);
  assert.match(p.text, /name: istio-proxy/);
  assert.equal(p.text.slice(0, BOOKINFO.indexOf('name: productpage-v1')), BOOKINFO.slice(0, BOOKINFO.indexOf('name: productpage-v1')));
  const bad = SHOP.replace('{app: web} # flow labels', '{app: web}\n      annotations: {sidecar.istio.io/proxyCPU: "lots"}');
  const e = injectionPreview(bad, parseYaml(bad), 1, cfg);
  assert.ok(e.error);
  assert.match(e.text, /^# web front end\n# Istio Workbench: cannot inject Deployment web: .*proxyCPU/m);
  const notWorkload = injectionPreview(SHOP, parseYaml(SHOP), 2, cfg);
  assert.match(notWorkload.text, /^# Istio Workbench: document 3 is not a workload/);
  const broken = `${SHOP}---\nkind: Deployment\nmetadata: {name: x\n`;
  assert.ok(injectionPreview(broken, parseYaml(broken), 3, cfg).error);
  const hostNet = SHOP.replace('    spec:\n      containers:', '    spec:\n      hostNetwork: true\n      containers:');
  assert.match(injectionPreview(hostNet, parseYaml(hostNet), 1, cfg).text, /# Istio Workbench: no sidecar would be injected: .*host networking/);
});

test('hover on sidecar.istio.io/* keys: the reference text and the injection decision for the workload', () => {
  const enabled = applyChecked(SHOP, 1, 'enable');
  const at = enabled.indexOf('sidecar.istio.io/inject') + 3;
  const h = injectionHover(parseYaml(enabled), at);
  assert.ok(h);
  assert.equal(enabled.slice(h.start, h.end), 'sidecar.istio.io/inject');
  assert.match(h.markdown, /\*\*sidecar\.istio\.io\/inject\*\* \(Istio label, Beta\)\n\nSpecifies whether or not an Envoy sidecar/);
  assert.match(h.markdown, /Deployment web would be injected \(\*\*yes\*\*\): label `sidecar\.istio\.io\/inject: "true"`/);
  const off = SHOP.replace('{app: web} # flow labels', '{app: web}\n      annotations:\n        proxy.istio.io/config: "{}"');
  const noLabel = injectionHover(parseYaml(off), off.indexOf('proxy.istio.io/config') + 1);
  assert.match(noLabel!.markdown, /proxy\.istio\.io\/config\*\* \(Istio annotation/);
  assert.match(noLabel!.markdown, /would \*\*not\*\* be injected by the webhook: namespace `shop` has no `istio-injection=enabled` label/);
  const hostNet = enabled.replace('    spec:\n      containers:', '    spec:\n      hostNetwork: true\n      containers:');
  assert.match(injectionHover(parseYaml(hostNet), at)!.markdown, /\*\*not\*\* be injected: it uses `hostNetwork: true`/);
  assert.match(injectionHover(parseYaml(COMPOSER), COMPOSER.lastIndexOf('sidecar.istio.io/status') + 2)!.markdown, /legacy Istio 0\.x sidecar/);
  assert.equal(injectionHover(parseYaml(SHOP), SHOP.indexOf('app: web')), undefined, 'not on other keys');
});

test('every action on the seed\'s files is a patch, never the whole document rewritten (also for a last document without a final line break)', () => {
  const dir = path.join(__dirname, '../../../test/fixtures/seed');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    for (const text of [fs.readFileSync(path.join(dir, f), 'utf8'), fs.readFileSync(path.join(dir, f), 'utf8').replace(/\n+$/, '')]) {
      const parsed = parseYaml(text);
      for (const d of parsed.docs) {
        for (const a of injectionActions(text, parsed, d.index, cfg)) {
          const first = Math.min(...a.edits.map((e) => e.start));
          const last = Math.max(...a.edits.map((e) => e.end));
          assert.ok(first > d.start || last < d.end - 1, `${f} document ${d.index} ${a.kind}: edits [${first}, ${last}) rewrite the whole document [${d.start}, ${d.end})`);
          applyChecked(text, d.index, a.kind);
        }
      }
    }
  }
});
