// Sidecar injection against the test API server through client-node: the injector and mesh ConfigMaps read from the
// cluster (auto namespace, revisions, RBAC failures) drive the preview, and the webhook dry run POSTs the workload's
// Pod with dryRun=All, shows what the mutating webhook returned, and stores nothing. Runs on Node >= 22.19.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { dryRunPod, podYaml, readInjectionConfigMaps } from '../../src/cluster/injection';
import { parseKubeconfig } from '../../src/cluster/kubeconfig';
import { KubeClusterReader } from '../../src/cluster/kubeReader';
import { injectionPreview, workloadsOf } from '../../server/src/inject/actions';
import { podForDryRun } from '../../server/src/inject/dryRun';
import { bundledConfig } from '../../server/src/inject';
import { DEFAULT_INJECTION_SOURCE, selectInjectionConfig, type ClusterInjectionData } from '../../server/src/inject/sources';
import { parseYaml } from '../../server/src/yaml/parse';

type Json = Record<string, unknown>;
interface Hook { (o: Json, req: { namespace: string; namespaceObject: Json | null; dryRun: boolean; user: string }): unknown }
interface TestServer {
  requests: string[];
  kubeconfig(token?: string): string;
  put(o: unknown): unknown;
  list(resource: string, ns?: string): Json[];
  pods(): Json[];
  addMutatingWebhook(h: { name: string; resource?: string; mutate: Hook }): () => void;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const api = require('../../../test/apiserver/server.js') as { startApiServer(o?: object): Promise<TestServer> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mesh = require('../../../test/apiserver/mesh.js') as { injectionConfigMaps(o: object): Json[] };

const ROOT = path.resolve(__dirname, '../../..');
const BOOKINFO = fs.readFileSync(path.join(ROOT, 'test/demo-workspace/bookinfo/platform/bookinfo.yaml'), 'utf8');
const USERS = {
  'admin-token': { name: 'admin', deny: [] },
  'nolist-token': { name: 'no-list', deny: ['list configmaps'] },
  'noget-token': { name: 'no-get', deny: ['list configmaps', 'get configmaps'] },
  'nocreate-token': { name: 'no-create', deny: ['create pods'] },
};
const log = { info: () => undefined, warn: () => undefined };
let server: TestServer;

function reader(token = 'admin-token'): KubeClusterReader {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig(token));
  return new KubeClusterReader(kc, log, { timeoutMs: 5000 });
}

/** The proxy image the server's injector ConfigMap of a namespace/name configures (values.global hub/proxy.image/tag). */
function servedProxyImage(ns: string, name: string): string {
  const cm = server.list('configmaps', ns).find((c) => (c.metadata as Json).name === name);
  assert.ok(cm, `${ns}/${name} is served`);
  const g = (JSON.parse((cm.data as Json).values as string) as { global: { hub: string; tag: string; proxy: { image: string } } }).global;
  return `${g.hub}/${g.proxy.image}:${g.tag}`;
}

const parsed = parseYaml(BOOKINFO);
const productpage = workloadsOf(parsed).find((w) => w.name === 'productpage-v1')!;

function preview(data: ClusterInjectionData, revision = '') {
  const sel = selectInjectionConfig({ ...DEFAULT_INJECTION_SOURCE, source: 'cluster', revision }, { read: () => ({ ok: false, error: 'no files here' }), cluster: data });
  return { sel, text: injectionPreview(BOOKINFO, parsed, productpage.index, sel.config).text };
}

before(async () => { server = await api.startApiServer({ users: USERS }); });
after(async () => { await server.close(); });

test('the cluster\'s istio-sidecar-injector and istio ConfigMaps are read and the preview uses the cluster\'s proxy image', async () => {
  const r = reader();
  const data = await readInjectionConfigMaps(r, { context: 'test-mesh', revision: '', istioNamespace: '' });
  assert.equal(data.error, undefined);
  assert.equal(data.namespace, 'istio-system', 'found by name');
  assert.ok(data.config?.includes('templates:') && data.values?.includes('"global"') && data.mesh?.includes('defaultConfig'));
  assert.ok(server.requests.includes('GET /api/v1/configmaps?fieldSelector=metadata.name%3Distio-sidecar-injector'));
  assert.ok(server.requests.includes('GET /api/v1/namespaces/istio-system/configmaps/istio-sidecar-injector'));
  assert.ok(server.requests.includes('GET /api/v1/namespaces/istio-system/configmaps/istio'));

  const image = servedProxyImage('istio-system', 'istio-sidecar-injector');
  const { sel, text } = preview(data);
  assert.equal(sel.kind, 'cluster');
  assert.equal(sel.error, undefined);
  assert.ok(text.includes(`image: ${image}`), `the preview injects ${image}`);
  const bundledText = injectionPreview(BOOKINFO, parsed, productpage.index, bundledConfig()).text;
  assert.ok(!bundledText.includes(image), 'the bundled defaults inject another image');
  r.dispose();
});

test('revisions read the -<rev> ConfigMaps, found in their namespace; RBAC and absence are errors that fall back', async () => {
  for (const o of mesh.injectionConfigMaps({ revision: 'canary', hub: 'canary.example/istio', tag: '1.23.0', namespace: 'istio-canary', trustDomain: 'canary.example' })) server.put(o);
  const data = await readInjectionConfigMaps(reader(), { context: 'test-mesh', revision: 'canary', istioNamespace: '' });
  assert.equal(data.error, undefined);
  assert.equal(data.namespace, 'istio-canary');
  const { sel, text } = preview(data, 'canary');
  assert.equal(sel.kind, 'cluster');
  assert.ok(text.includes(`image: ${servedProxyImage('istio-canary', 'istio-sidecar-injector-canary')}`));
  assert.match(text, /istio\.io\/rev: canary/);
  assert.match(text, /- name: TRUST_DOMAIN\n\s+value: canary\.example\n/, 'the istio-canary mesh ConfigMap\'s trustDomain');

  // Cannot list ConfigMaps cluster-wide: istio-system is assumed, where the canary ConfigMaps are not.
  const nolist = await readInjectionConfigMaps(reader('nolist-token'), { context: 'test-mesh', revision: 'canary', istioNamespace: '' });
  assert.equal(nolist.namespace, 'istio-system');
  assert.match(nolist.error ?? '', /cannot read ConfigMap istio-system\/istio-sidecar-injector-canary from context test-mesh: configmaps "istio-sidecar-injector-canary" not found/);
  const fellBack = preview(nolist, 'canary');
  assert.equal(fellBack.sel.kind, 'bundled');
  assert.match(fellBack.sel.error ?? '', /source is "cluster": cannot read ConfigMap/);
  // The namespace setting is used as given.
  const given = await readInjectionConfigMaps(reader('nolist-token'), { context: 'test-mesh', revision: 'canary', istioNamespace: 'istio-canary' });
  assert.equal(given.error, undefined);
  const noget = await readInjectionConfigMaps(reader('noget-token'), { context: 'test-mesh', revision: '', istioNamespace: '' });
  assert.match(noget.error ?? '', /forbidden: User "no-get" cannot get resource "configmaps"/);
});

test('webhook dry run: the Pod is POSTed with dryRun=All, the webhook\'s mutation comes back, nothing is stored', async () => {
  const calls: { dryRun: boolean; namespace: string }[] = [];
  const remove = server.addMutatingWebhook({
    name: 'sidecar-injector.istio.io',
    mutate: (pod, req) => {
      calls.push({ dryRun: req.dryRun, namespace: req.namespace });
      const labels = ((req.namespaceObject?.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
      if (labels['istio-injection'] !== 'enabled') return pod;
      const spec = pod.spec as { containers: Json[] };
      spec.containers.push({ name: 'istio-proxy', image: 'webhook.example/proxyv2:dry-run' });
      (pod.metadata as Json).annotations = { ...((pod.metadata as Json).annotations as Json), 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' };
      return pod;
    },
  });
  try {
    const w = podForDryRun(productpage.value);
    assert.ok(w.ok);
    assert.equal(w.value.namespace, null, 'bookinfo.yaml has no namespace');
    const kc = parseKubeconfig(server.kubeconfig(), 'kubeconfig');
    assert.ok(kc.ok);
    const namespace = w.value.namespace ?? kc.value.contexts[0].namespace ?? 'default';
    const podsBefore = server.pods().length;
    const requestsBefore = server.requests.length;
    const r = await dryRunPod(reader(), namespace, w.value.pod);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(server.requests.slice(requestsBefore), ['POST /api/v1/namespaces/default/pods?dryRun=All']);
    assert.deepEqual(calls, [{ dryRun: true, namespace: 'default' }]);
    assert.equal(server.pods().length, podsBefore, 'nothing stored');
    const returned = r.value.returned as { metadata: { name: string; namespace: string; resourceVersion: string }; spec: { containers: { name: string; image: string }[] } };
    assert.match(returned.metadata.name, /^productpage-v1-[a-z0-9]{5}$/, 'named from generateName');
    assert.equal(returned.metadata.namespace, 'default');
    assert.deepEqual(returned.spec.containers.map((c) => c.name), ['productpage', 'istio-proxy']);
    assert.equal((r.value.sent.spec as { containers: unknown[] }).containers.length, 1, 'the original Pod is left as sent');
    const right = podYaml(r.value.returned);
    assert.match(right, /image: webhook\.example\/proxyv2:dry-run/);
    assert.ok(right.indexOf('apiVersion:') < right.indexOf('kind:') && right.indexOf('kind:') < right.indexOf('metadata:'), 'keys sorted');

    // A namespace without injection: the webhook leaves the Pod alone.
    const plain = await dryRunPod(reader(), 'hyperledger', w.value.pod);
    assert.ok(plain.ok);
    assert.deepEqual((plain.value.returned.spec as { containers: { name: string }[] }).containers.map((c) => c.name), ['productpage']);

    // Failures are values with the API server's words.
    const missing = await dryRunPod(reader(), 'nope', w.value.pod);
    assert.ok(!missing.ok && missing.error.kind === 'notFound' && /namespaces "nope" not found/.test(missing.error.message));
    const forbidden = await dryRunPod(reader('nocreate-token'), 'default', w.value.pod);
    assert.ok(!forbidden.ok && forbidden.error.kind === 'forbidden');
    const unremove = server.addMutatingWebhook({ name: 'policy.example.com', mutate: () => ({ deny: 'pods must set resources' }) });
    const denied = await dryRunPod(reader(), 'default', w.value.pod);
    unremove();
    assert.ok(!denied.ok);
    assert.match(denied.error.message, /admission webhook "policy\.example\.com" denied the request: pods must set resources/);
    assert.equal(server.pods().length, podsBefore, 'still nothing stored');

    // The reader refuses a create that is not a dry run, before any request.
    const n = server.requests.length;
    const real = await reader().dryRunCreate('/api/v1/namespaces/default/pods', w.value.pod);
    assert.ok(!real.ok && /refusing a create without dryRun=All/.test(real.error.message));
    assert.equal(server.requests.length, n);
  } finally {
    remove();
  }
});
