// Where the editor's injection configuration comes from: settings parsing, bundled / files / cluster selection, the
// fallback to the bundled defaults with an error value, the Pod built for the webhook dry run, and the hover's
// decision under the selected injector's policy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { bundledConfig, injectManifest } from '../../server/src/inject';
import { podForDryRun } from '../../server/src/inject/dryRun';
import { injectionHover } from '../../server/src/inject/hover';
import {
  DEFAULT_INJECTION_SOURCE, injectorConfigMapName, meshConfigMapName, selectInjectionConfig, toInjectionSourceSettings,
  type InjectionSourceSettings,
} from '../../server/src/inject/sources';
import type { Result } from '../../server/src/core/types';
import { parseYaml } from '../../server/src/yaml/parse';

const DATA = path.join(__dirname, '../../../server/data/injection');
const INJECTOR = fs.readFileSync(path.join(DATA, 'istio-sidecar-injector-configmap.yaml'), 'utf8');
const MESH = fs.readFileSync(path.join(DATA, 'istio-mesh-configmap.yaml'), 'utf8');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-sources-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const read = (file: string): Result<string> => {
  try {
    return { ok: true, value: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    return { ok: false, error: `cannot read ${file}: ${(e as Error).message}` };
  }
};

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
`;

/** The istio-proxy image the configuration injects into DEPLOYMENT. */
function proxyImage(cfg: ReturnType<typeof bundledConfig>): string {
  const r = injectManifest(DEPLOYMENT, cfg);
  assert.equal(r.error, undefined);
  const spec = ((r.objects[0] as { spec: { template: { spec: { containers: { name: string; image: string }[]; initContainers?: { name: string; image: string }[] } } } }).spec.template.spec);
  const proxy = [...spec.containers, ...(spec.initContainers ?? [])].find((c) => c.name === 'istio-proxy');
  assert.ok(proxy, 'an istio-proxy container');
  return proxy.image;
}

/** The injector values of the rendered ConfigMap with another hub and tag (a different proxy image). */
function valuesWith(hub: string, tag: string): string {
  const cm = /\n {2}values: \|-\n([\s\S]*?)\nkind: ConfigMap/.exec(INJECTOR);
  assert.ok(cm, 'the rendered ConfigMap has data.values');
  const values = JSON.parse(cm[1].replace(/^ {4}/gm, '')) as { global: { hub: string; tag: string } };
  values.global.hub = hub;
  values.global.tag = tag;
  return JSON.stringify(values);
}

const files = (over: Partial<InjectionSourceSettings>): InjectionSourceSettings => ({ ...DEFAULT_INJECTION_SOURCE, source: 'files', ...over });

test('settings: istioWorkbench.injection.* read leniently, anything malformed is the default', () => {
  assert.deepEqual(toInjectionSourceSettings(undefined), DEFAULT_INJECTION_SOURCE);
  assert.deepEqual(toInjectionSourceSettings({ injection: 'files' }), DEFAULT_INJECTION_SOURCE);
  assert.deepEqual(toInjectionSourceSettings({ injection: { source: 'nope', injectConfigFile: 7, revision: ['x'] } }), DEFAULT_INJECTION_SOURCE);
  assert.deepEqual(
    toInjectionSourceSettings({ injection: { source: ' files ', injectConfigFile: ' a.yaml', valuesFile: 'v.json', meshConfigFile: 'm.yaml', revision: 'canary' } }),
    { source: 'files', injectConfigFile: 'a.yaml', valuesFile: 'v.json', meshConfigFile: 'm.yaml', revision: 'canary' },
  );
  assert.equal(toInjectionSourceSettings({ injection: { source: 'cluster', revision: 'default' } }).revision, '', '"default" is the default revision');
  assert.equal(injectorConfigMapName(''), 'istio-sidecar-injector');
  assert.equal(injectorConfigMapName('canary'), 'istio-sidecar-injector-canary');
  assert.equal(meshConfigMapName('default'), 'istio');
  assert.equal(meshConfigMapName('1-22'), 'istio-1-22');
});

test('bundled: the chart defaults, with the revision of the settings', () => {
  const s = selectInjectionConfig(DEFAULT_INJECTION_SOURCE, { read });
  assert.equal(s.kind, 'bundled');
  assert.equal(s.error, undefined);
  assert.deepEqual(s.config, bundledConfig());
  assert.deepEqual(s.files, []);
  const rev = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, revision: 'canary' }, { read });
  assert.equal(rev.config.revision, 'canary');
  assert.match(injectManifest(DEPLOYMENT, rev.config).output, /istio\.io\/rev: canary/);
});

test('files: read like kube-inject\'s flags, relative to the workspace folder, and used for the injection', () => {
  fs.mkdirSync(path.join(tmp, 'istio'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'istio/injector.yaml'), INJECTOR);
  fs.writeFileSync(path.join(tmp, 'istio/values.json'), valuesWith('files.example/istio', '9.9.9'));
  fs.writeFileSync(path.join(tmp, 'istio/mesh.yaml'), MESH.replace('trustDomain: cluster.local', 'trustDomain: files.example'));
  const s = selectInjectionConfig(files({ injectConfigFile: 'istio/injector.yaml', valuesFile: 'istio/values.json', meshConfigFile: path.join(tmp, 'istio/mesh.yaml') }), { folder: tmp, read });
  assert.equal(s.error, undefined);
  assert.equal(s.kind, 'files');
  assert.deepEqual(s.files, ['injector.yaml', 'values.json', 'mesh.yaml'].map((f) => path.join(tmp, 'istio', f)));
  assert.match(s.description, /istio\/injector\.yaml, istio\/values\.json, istio\/mesh\.yaml/);
  assert.equal(proxyImage(s.config), 'files.example/istio/proxyv2:9.9.9');
  assert.notEqual(proxyImage(bundledConfig()), 'files.example/istio/proxyv2:9.9.9');
  assert.equal(s.config.mesh.trustDomain, 'files.example');
  // The file's templates are used as they are (the bundled defaults swap in the chart's newer ones).
  assert.notDeepEqual(s.config.injector.rawTemplates, bundledConfig().injector.rawTemplates);

  // One file alone: the rest stays bundled.
  const one = selectInjectionConfig(files({ valuesFile: 'istio/values.json' }), { folder: tmp, read });
  assert.equal(one.error, undefined);
  assert.equal(proxyImage(one.config), 'files.example/istio/proxyv2:9.9.9');
  assert.deepEqual(one.config.injector, bundledConfig().injector);
});

test('files: a bad file is a clear error and the bundled defaults are used, never a throw', () => {
  fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'config: [unclosed\n  - {');
  fs.writeFileSync(path.join(tmp, 'values-only.yaml'), 'global: {hub: x}\n');
  const cases: [Partial<InjectionSourceSettings>, RegExp][] = [
    [{ injectConfigFile: 'missing.yaml' }, /cannot read .*missing\.yaml/],
    [{ meshConfigFile: 'broken.yaml' }, /broken\.yaml: failed to parse mesh config/],
    [{ injectConfigFile: 'values-only.yaml' }, /values-only\.yaml has no injection templates/],
    [{}, /set istioWorkbench\.injection\.injectConfigFile/],
  ];
  for (const [over, error] of cases) {
    const s = selectInjectionConfig(files(over), { folder: tmp, read });
    assert.equal(s.kind, 'bundled', JSON.stringify(over));
    assert.match(s.error ?? '', error);
    assert.match(s.error ?? '', /^istioWorkbench\.injection\.source is "files": .*; using the bundled defaults$/);
    assert.deepEqual(s.config, bundledConfig());
  }
  // The file that failed is still reported for watching: fixing it reloads.
  assert.deepEqual(selectInjectionConfig(files({ injectConfigFile: 'missing.yaml' }), { folder: tmp, read }).files, [path.join(tmp, 'missing.yaml')]);
  // A reader that throws is caught too.
  const s = selectInjectionConfig(files({ injectConfigFile: '/x.yaml' }), { read: () => { throw new Error('EIO'); } });
  assert.equal(s.kind, 'bundled');
  assert.match(s.error ?? '', /EIO/);
});

test('cluster: the ConfigMaps\' data as sent by the extension; missing or failed data falls back', () => {
  const cluster = { context: 'prod', namespace: 'istio-system', revision: '', config: INJECTOR, values: valuesWith('cluster.example/istio', '1.2.3'), mesh: MESH };
  const s = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, source: 'cluster' }, { read, cluster });
  assert.equal(s.error, undefined);
  assert.equal(s.kind, 'cluster');
  assert.match(s.description, /context prod: ConfigMap istio-system\/istio-sidecar-injector and ConfigMap istio-system\/istio/);
  assert.equal(proxyImage(s.config), 'cluster.example/istio/proxyv2:1.2.3');

  const pending = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, source: 'cluster' }, { read });
  assert.equal(pending.kind, 'bundled');
  assert.equal(pending.pending, true);
  assert.equal(pending.error, undefined, 'waiting is not an error');
  const otherRev = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, source: 'cluster', revision: 'canary' }, { read, cluster });
  assert.equal(otherRev.pending, true, 'data of another revision is not used');

  const failed = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, source: 'cluster' }, { read, cluster: { context: 'prod', namespace: 'istio-system', revision: '', error: 'Forbidden (403)' } });
  assert.equal(failed.kind, 'bundled');
  assert.match(failed.error ?? '', /source is "cluster": Forbidden \(403\); using the bundled defaults/);

  const badYaml = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, source: 'cluster' }, { read, cluster: { ...cluster, config: 'templates: [' } });
  assert.match(badYaml.error ?? '', /ConfigMap istio-system\/istio-sidecar-injector data\.config: failed to parse injection config/);

  // No mesh ConfigMap: MeshConfig's code defaults; no values: the bundled values. Both noted, neither an error.
  const partial = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, source: 'cluster' }, { read, cluster: { ...cluster, values: undefined, mesh: undefined } });
  assert.equal(partial.kind, 'cluster');
  assert.equal(partial.error, undefined);
  assert.equal(partial.notes.length, 2);
  assert.equal(proxyImage(partial.config), proxyImage(bundledConfig()));
  assert.equal(partial.config.mesh.rootNamespace, 'istio-system', 'code default, not the rendered ConfigMap\'s istio-control');
});

test('dry run: the Pod a controller would create from the template; a Pod is sent as itself', () => {
  const dep = parseYaml(DEPLOYMENT).docs[0].doc.toJS() as Record<string, unknown>;
  const r = podForDryRun(dep);
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'web' }, generateName: 'web-', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    namespace: 'shop', kind: 'Deployment', name: 'web',
  });
  const cron = podForDryRun({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } } } });
  assert.ok(cron.ok);
  assert.equal(cron.value.namespace, null, 'no namespace: the context decides');
  assert.deepEqual(cron.value.pod.metadata, { labels: { a: 'b' }, generateName: 'c-' });
  const pod = podForDryRun({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u', resourceVersion: '9' }, spec: { containers: [] }, status: { phase: 'Running' } });
  assert.ok(pod.ok);
  assert.deepEqual(pod.value.pod, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } });
  assert.equal(podForDryRun({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }).ok, false);
  assert.equal(podForDryRun({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} }).ok, false);
});

test('hover: the decision follows the selected injector\'s policy and selectors, and names the source', () => {
  const text = DEPLOYMENT.replace('labels: {app: web}', 'labels: {app: web, tier: batch}\n      annotations: {proxy.istio.io/config: "{}"}');
  const parsed = parseYaml(text);
  const at = text.indexOf('proxy.istio.io/config') + 2;
  const injector = bundledConfig().injector;
  const source = (over: Partial<typeof injector>) => () => ({ injector: { ...injector, ...over }, description: 'files a_b.yaml' });
  assert.match(injectionHover(parsed, at, source({}))!.markdown, /namespace decides/);
  assert.match(injectionHover(parsed, at, source({}))!.markdown, /Injection configuration: files a\\_b\.yaml\./);
  assert.match(injectionHover(parsed, at, source({ policy: 'disabled' }))!.markdown, /\*\*not\*\* be injected: the injector's policy is `disabled`/);
  assert.match(injectionHover(parsed, at, source({ neverInjectSelector: [{ matchLabels: { tier: 'batch' } }] }))!.markdown, /\*\*not\*\* be injected: its labels match the injector's `neverInjectSelector`/);
  assert.match(injectionHover(parsed, at, source({ policy: 'disabled', alwaysInjectSelector: [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }] }))!.markdown, /be injected \(\*\*yes\*\*\): its labels match the injector's `alwaysInjectSelector`/);
  // Without a source (other callers), the previous wording.
  assert.doesNotMatch(injectionHover(parsed, at)!.markdown, /Injection configuration/);
});
