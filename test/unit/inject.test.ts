// The injection pipeline's own behaviour: policy, template selection, errors, legacy sidecars, quantities, CLI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { bundledConfig, injectManifest, injectionState } from '../../server/src/inject';
import { runInject } from '../../server/src/inject/cli';
import { injectRequired } from '../../server/src/inject/inject';
import { canonicalQuantity } from '../../server/src/inject/quantity';
import { excludeInboundPort, formatDuration } from '../../server/src/inject/funcs';

const SEED = path.join(__dirname, '../../../test/fixtures/inject');
const deployment = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}${extra}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: 8080}}
`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test navigation into parsed YAML
type Loose = any;

function podOf(out: string): Loose {
  const d = parseAllDocuments(out)[0].toJS() as Loose;
  return d.spec.template;
}

test('injects a Deployment with the bundled configuration: native sidecar, status, probe rewrite', () => {
  const r = injectManifest(deployment(), bundledConfig());
  assert.equal(r.error, undefined);
  const pod = podOf(r.output);
  assert.deepEqual(pod.spec.initContainers.map((c: { name: string }) => c.name), ['istio-init', 'istio-proxy']);
  assert.equal(pod.spec.initContainers[1].restartPolicy, 'Always');
  assert.equal(pod.spec.initContainers[1].image, 'registry.istio.io/release/proxyv2:1.1.4');
  const status = JSON.parse(pod.metadata.annotations['sidecar.istio.io/status']);
  assert.deepEqual(status.initContainers, ['istio-init', 'istio-proxy']);
  assert.deepEqual(pod.spec.containers[0].readinessProbe.httpGet, { path: '/app-health/web/readyz', port: 15020 });
  const env = pod.spec.initContainers[1].env as { name: string; value?: string }[];
  assert.equal(env.find((e) => e.name === 'ISTIO_KUBE_APP_PROBERS')?.value, '{"/app-health/web/readyz":{"httpGet":{"path":"/ready","port":8080}}}');
  assert.equal(pod.metadata.labels['service.istio.io/canonical-name'], 'web');
});

test('classic sidecar container when native sidecars are off or a node is too old', () => {
  for (const cfg of [{ ...bundledConfig(), env: { ENABLE_NATIVE_SIDECARS: 'false' } }, { ...bundledConfig(), kubeletVersions: ['v1.34.0', 'v1.28.3'] }]) {
    const pod = podOf(injectManifest(deployment(), cfg).output);
    assert.deepEqual(pod.spec.containers.map((c: { name: string }) => c.name), ['web', 'istio-proxy']);
  }
});

test('re-injection is idempotent', () => {
  const cfg = bundledConfig();
  const once = injectManifest(deployment(), cfg).output;
  const twice = injectManifest(once, cfg).output;
  assert.equal(twice, once);
});

test('policy: inject label/annotation, host network, ignored namespaces, selectors', () => {
  const meta = (labels: Record<string, string>, annotations: Record<string, string> = {}, namespace = 'default') => ({ labels, annotations, namespace });
  assert.equal(injectRequired('enabled', [], [], {}, meta({})), true);
  assert.equal(injectRequired('enabled', [], [], {}, meta({ 'sidecar.istio.io/inject': 'false' })), false);
  assert.equal(injectRequired('enabled', [], [], {}, meta({}, { 'sidecar.istio.io/inject': 'no' })), false);
  assert.equal(injectRequired('enabled', [], [], {}, meta({ 'sidecar.istio.io/inject': 'true' }, { 'sidecar.istio.io/inject': 'false' })), true);
  assert.equal(injectRequired('disabled', [], [], {}, meta({})), false);
  assert.equal(injectRequired('disabled', [], [], {}, meta({}, { 'sidecar.istio.io/inject': 'yes' })), true);
  assert.equal(injectRequired('enabled', [], [], { hostNetwork: true }, meta({})), false);
  assert.equal(injectRequired('enabled', [], [], {}, meta({}, {}, 'kube-system')), false);
  assert.equal(injectRequired('enabled', [{ matchLabels: { app: 'db' } }], [], {}, meta({ app: 'db' })), false);
  assert.equal(injectRequired('disabled', [], [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }], {}, meta({ app: 'web' })), true);
  assert.equal(injectRequired('bogus', [], [], {}, meta({})), false);
});

test('kube-inject skips disabled workloads with istioctl\'s warning and keeps them', () => {
  const r = injectManifest(deployment('\n      annotations: {sidecar.istio.io/inject: "false"}'), bundledConfig());
  assert.equal(r.error, undefined);
  assert.match(r.warnings[0], /Skipping injection because Deployment "shop\/web" has sidecar injection disabled/);
  assert.equal(podOf(r.output).spec.containers.length, 1);
});

test('invalid annotations fail with Istio\'s error text', () => {
  const r = injectManifest(deployment('\n      annotations: {traffic.sidecar.istio.io/excludeInboundPorts: "80,x"}'), bundledConfig());
  assert.match(r.error ?? '', /invalid value '80,x' for annotation 'traffic.sidecar.istio.io\/excludeInboundPorts': excludeInboundPorts invalid/);
  assert.equal(r.output, '');
});

test('inject.istio.io/templates selects templates; an unknown one is an error', () => {
  const ok = injectManifest(deployment('\n      annotations: {inject.istio.io/templates: "sidecar,spire"}'), bundledConfig());
  assert.match(ok.error ?? '', /requested template "spire" not found; have sidecar, gateway/);
  const grpc = injectManifest(deployment('\n      annotations: {inject.istio.io/templates: grpc-agent}'), bundledConfig());
  assert.equal(grpc.error, undefined);
});

test('a template error names the template, line and column', () => {
  const cfg = bundledConfig();
  cfg.injector = { ...cfg.injector, rawTemplates: { ...cfg.injector.rawTemplates, sidecar: 'spec:\n  x: {{ .Values.global.proxy.image.nope }}' } };
  const r = injectManifest(deployment(), cfg);
  assert.match(r.error ?? '', /template: inject:2:8: executing "inject" at <\.Values\.global\.proxy\.image\.nope>: can't evaluate field nope in type string/);
});

test('non-workload documents and unknown kinds pass through unchanged; bad YAML is an error value', () => {
  const svc = 'kind: Service\napiVersion: v1\nmetadata:\n  name: a   # keep me\n';
  assert.equal(injectManifest(svc, bundledConfig()).output, `${svc.trimEnd()}\n---\n`);
  assert.ok(injectManifest('a: [b\n', bundledConfig()).error);
  assert.equal(injectManifest('', bundledConfig()).output, '');
});

test('detects current and legacy (Istio 0.2.x) injections', () => {
  const composer = fs.readFileSync(path.join(__dirname, '../../../test/fixtures/inject/hello.yaml.injected'), 'utf8');
  const cur = parseAllDocuments(composer)[0].toJS() as Loose;
  assert.equal(injectionState(cur.spec.template.metadata, cur.spec.template.spec), 'injected');
  const legacyMeta = { annotations: { 'sidecar.istio.io/status': 'injected-version-root@f1eeb85f62ab-0.2.7-6b14' } };
  assert.equal(injectionState(legacyMeta, { containers: [{ name: 'app' }, { name: 'istio-proxy' }] }), 'legacy');
  assert.equal(injectionState({}, { containers: [{ name: 'app' }] }), 'none');
  // A user-defined istio-proxy container is a customisation, not an injection.
  assert.equal(injectionState({}, { containers: [{ name: 'app' }, { name: 'istio-proxy', image: 'auto' }] }), 'none');
  const r = injectManifest(deployment('\n      annotations: {sidecar.istio.io/status: injected-version-0.2.7}'), bundledConfig());
  assert.match(r.warnings[0], /legacy \(Istio 0.x\) sidecar/);
});

test('Kubernetes quantities are canonicalised like resource.Quantity', () => {
  const cases: [string, string][] = [['2000m', '2'], ['1024Mi', '1Gi'], ['100m', '100m'], ['0.5', '500m'], ['1500', '1500'], ['1000', '1k'], ['1536Mi', '1536Mi'], ['512', '512'], ['0', '0'], ['1e3', '1e3'], ['bad', 'bad']];
  for (const [q, want] of cases) assert.equal(canonicalQuantity(q), want, q);
});

test('Istio template helpers', () => {
  assert.equal(excludeInboundPort(15020, ''), '15020');
  assert.equal(excludeInboundPort('15020', '80,15020'), '80,15020');
  // Like Go: entries are compared before trimming, so a spaced duplicate is added again.
  assert.equal(excludeInboundPort('15020', '80, 15020'), '80,15020,15020');
  assert.equal(excludeInboundPort(0, '80'), '80');
  assert.equal(formatDuration('23s'), '23s');
  assert.equal(formatDuration('90s'), '1m30s');
  assert.equal(formatDuration('0.5s'), '500ms');
});

test('CLI: inject writes YAML, exits 1 on injection errors and 2 on usage errors', () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), readStdin: () => deployment() };
  assert.equal(runInject(['-f', '-'], io), 0);
  assert.match(out.join(''), /name: istio-proxy/);
  assert.equal(runInject([], io), 2);
  assert.equal(runInject(['-f', '-', '--bogus'], io), 2);
  assert.equal(runInject(['-f', path.join(SEED, 'traffic-annotations-bad-includeipranges.yaml')], io), 1);
  assert.equal(runInject(['-f', '-', '--set', 'nonsense'], io), 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-inject-'));
  const target = path.join(dir, 'out.yaml');
  assert.equal(runInject(['-f', path.join(SEED, 'hello.yaml'), '-o', target, '--set', 'values.global.proxy.image=proxyTest', '--env', 'ENABLE_NATIVE_SIDECARS=false'], io), 0);
  const written = fs.readFileSync(target, 'utf8');
  assert.match(written, /image: registry.istio.io\/release\/proxyTest:1.1.4/);
  assert.match(written, /containers:\n[\s\S]*name: istio-proxy/);
  fs.rmSync(dir, { recursive: true });
});

test('CLI: --injectConfigFile/--valuesFile/--meshConfigFile accept Istio\'s ConfigMaps', () => {
  const io = { stdout: () => undefined, stderr: () => undefined, readStdin: () => deployment() };
  const data = path.join(__dirname, '../../../server/data/injection');
  assert.equal(runInject(['-f', '-', '--injectConfigFile', path.join(data, 'istio-sidecar-injector-configmap.yaml'), '--valuesFile', path.join(data, 'istio-sidecar-injector-configmap.yaml'), '--meshConfigFile', path.join(data, 'istio-mesh-configmap.yaml')], io), 0);
  assert.equal(runInject(['-f', '-', '--meshConfigFile', '/nonexistent/mesh.yaml'], io), 2);
});

test('hostile input yields an error value, not a crash or a hang', () => {
  const deep = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: b}]\n  x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  const r1 = injectManifest(deep, bundledConfig());
  assert.ok(r1.error !== undefined || r1.output.length > 0);
  const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\nkind: Pod\napiVersion: v1\n';
  const r2 = injectManifest(bomb, bundledConfig());
  assert.ok(r2.error !== undefined);
});
