// The client-node ClusterReader against the real-protocol test API server (test/apiserver): list with paging,
// watch events into the mesh model, 410 relist, 401/403 and connection loss surfaced and recovered, config dumps by
// port-forward, exec and istiod. Runs on Node >= 22.19 (npm run test:cluster uses the harness's Node 24).
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { KubeClusterReader } from '../../src/cluster/kubeReader';
import { MeshModel } from '../../src/cluster/model';
import type { ConnectionState, WatchHandlers } from '../../src/cluster/reader';
import { parseConfigDump, routeRows } from '../../src/mesh/configdump';

interface TestServer {
  url: string;
  port: number;
  users: Record<string, { name: string; deny: string[] }>;
  requests: string[];
  configDumps: Map<string, string>;
  kubeconfig(token?: string): string;
  put(o: unknown): unknown;
  remove(resource: string, ns: string, name: string): unknown;
  compact(): void;
  dropWatches(): void;
  pods(): { metadata: { name: string; namespace: string; labels: Record<string, string> } }[];
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const api = require('../../../test/apiserver/server.js') as { startApiServer(o?: object): Promise<TestServer> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mesh = require('../../../test/apiserver/mesh.js') as { pod(ns: string, app: string, v: string, o?: object): { metadata: { name: string } } };

const USERS = {
  'admin-token': { name: 'admin', deny: [] },
  'nopods-token': { name: 'no-pods', deny: ['list pods', 'watch pods'] },
  'nopf-token': { name: 'no-portforward', deny: ['create pods/portforward'] },
  'noexec-token': { name: 'no-exec', deny: ['create pods/portforward', 'create pods/exec'] },
};

const log = { lines: [] as string[], info(m: string) { this.lines.push(m); }, warn(m: string) { this.lines.push(m); } };
let server: TestServer;

function kc(token = 'admin-token', s = server): KubeConfig {
  const k = new KubeConfig();
  k.loadFromString(s.kubeconfig(token));
  return k;
}

function connect(token = 'admin-token', pageSize = 3) {
  const model = new MeshModel();
  const states: Record<string, ConnectionState> = {};
  const lists = { pods: 0, namespaces: 0 };
  const h: WatchHandlers = {
    onList: (r, items) => { lists[r]++; if (r === 'pods') model.reset(null, items as never[]); else model.reset(items as never[], null); },
    onEvent: (r, type, o) => (r === 'pods' ? model.applyPod(type, o as never) : model.applyNamespace(type, o as never)),
    onState: (r, s) => { states[r] = s; },
  };
  const reader = new KubeClusterReader(kc(token), log, { pageSize, backoffBaseMs: 50, timeoutMs: 5000 });
  const w = reader.watch(h);
  return { model, states, lists, reader, stop: () => { w.dispose(); reader.dispose(); } };
}

async function until<T>(what: string, f: () => T | undefined | false, ms = 10000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => { server = await api.startApiServer({ users: USERS, bookmarkMs: 100 }); });
after(async () => { await server.close(); });

test('list (paged with limit/continue) and watch fill the mesh model', async () => {
  const c = connect();
  try {
    await until('connected', () => c.states.pods?.state === 'connected' && c.states.namespaces?.state === 'connected');
    assert.deepEqual(c.model.namespaceNames(), ['default', 'hyperledger', 'istio-system']);
    assert.equal(c.model.namespaces.get('default')?.injection, 'enabled');
    assert.equal(c.model.namespaces.get('hyperledger')?.injection, null);
    assert.deepEqual(c.model.workloads('default').map((w) => `${w.name}:${w.pods}/${w.sidecars}`), ['details-v1:1/1', 'productpage-v1:1/1', 'ratings-v1:1/1', 'reviews-v1:1/1', 'reviews-v2:1/1', 'reviews-v3:1/1']);
    const ratings = c.model.podsOf('default', 'ratings-v1')[0];
    assert.equal(ratings.sidecar?.native, true, 'ratings runs the proxy as a native sidecar');
    assert.equal(ratings.proxyVersion, '1.22.3');
    assert.equal(c.model.podsOf('hyperledger', 'vp0')[0].sidecar, null);
    const cp = c.model.controlPlane();
    assert.deepEqual([cp.istiod.length, cp.gateways.length, cp.revisions, cp.versions], [1, 1, ['default'], ['1.22.3']]);
    assert.ok(server.requests.some((r) => r.startsWith('GET /api/v1/pods?') && r.includes('continue=')), 'the pod list was paged');
    assert.ok(server.requests.some((r) => r.startsWith('GET /api/v1/pods?') && r.includes('watch=true') && /resourceVersion=\d+/.test(r)), 'the watch starts at the list resourceVersion');
  } finally { c.stop(); }
});

test('watch events (add, update, delete) reach the model; a 410 after compaction relists', async () => {
  const c = connect();
  try {
    await until('connected', () => c.states.pods?.state === 'connected');
    const extra = mesh.pod('default', 'reviews', 'v4');
    server.put(extra);
    await until('added', () => c.model.pod('default', extra.metadata.name));
    const upd = JSON.parse(JSON.stringify(extra));
    upd.status.containerStatuses[1].ready = false;
    server.put(upd);
    await until('updated', () => c.model.pod('default', extra.metadata.name)?.ready === false);
    server.remove('pods', 'default', extra.metadata.name);
    await until('deleted', () => !c.model.pod('default', extra.metadata.name));
    const listsBefore = c.lists.pods;
    // Watches drop, and while the client is away the history is compacted: its resourceVersion is too old.
    server.dropWatches();
    const gone = server.pods().find((p) => p.metadata.labels.app === 'details')!;
    server.remove('pods', 'default', gone.metadata.name);
    server.compact();
    await until('relist after 410', () => c.lists.pods > listsBefore && !c.model.pod('default', gone.metadata.name));
    server.put(gone);
    await until('watching again', () => c.model.pod('default', gone.metadata.name));
  } finally { c.stop(); }
});

test('bookmarks are sent to watches that ask for them', async () => {
  const seen: string[] = [];
  const ctl = await new Watch(kc()).watch('/api/v1/pods', { allowWatchBookmarks: true, resourceVersion: '0' }, (type) => seen.push(type), () => undefined);
  await until('a bookmark', () => seen.includes('BOOKMARK'));
  ctl.abort();
  assert.ok(seen.includes('ADDED'));
});

test('403 is surfaced with the RBAC message and recovers when the permission is granted', async () => {
  const c = connect('nopods-token');
  try {
    const s = await until('forbidden', () => (c.states.pods?.state === 'error' ? c.states.pods : undefined));
    assert.equal(s.error.kind, 'forbidden');
    assert.match(s.error.message, /cannot list resource "pods"/);
    assert.equal(c.states.namespaces?.state === 'error', false, 'namespaces are still allowed');
    server.users['nopods-token'].deny = [];
    await until('recovered', () => c.states.pods?.state === 'connected' && c.model.podCount > 5);
  } finally { c.stop(); server.users['nopods-token'].deny = ['list pods', 'watch pods']; }
});

test('401 (bad credentials) is surfaced as unauthorized', async () => {
  const c = connect('expired-token');
  try {
    const s = await until('unauthorized', () => (c.states.pods?.state === 'error' ? c.states.pods : undefined));
    assert.equal(s.error.kind, 'unauthorized');
    assert.ok(!log.lines.join('\n').includes('expired-token'), 'the token is never logged');
  } finally { c.stop(); }
});

test('connection loss is surfaced and the watch recovers when the server is back', async () => {
  const own = await api.startApiServer({ users: USERS });
  const port = own.port;
  const c = (() => {
    const model = new MeshModel();
    const states: Record<string, ConnectionState> = {};
    const reader = new KubeClusterReader(kc('admin-token', own), log, { backoffBaseMs: 50 });
    const w = reader.watch({ onList: (r, items) => r === 'pods' && model.reset(null, items as never[]), onEvent: (r, t, o) => r === 'pods' && model.applyPod(t, o as never), onState: (r, s) => { states[r] = s; } });
    return { model, states, stop: () => w.dispose() };
  })();
  let again: TestServer | undefined;
  try {
    await until('connected', () => c.states.pods?.state === 'connected');
    await own.close();
    const s = await until('unreachable', () => (c.states.pods?.state === 'error' ? c.states.pods : undefined));
    assert.equal(s.error.kind, 'unreachable');
    again = await api.startApiServer({ users: USERS, port });
    const extra = mesh.pod('default', 'reviews', 'v9');
    again.put(extra);
    await until('recovered with new data', () => c.states.pods?.state === 'connected' && c.model.pod('default', extra.metadata.name), 15000);
  } finally { c.stop(); await again?.close(); }
});

const productpage = () => server.pods().find((p) => p.metadata.labels.app === 'productpage')!.metadata.name;

test('config_dump by port-forward to 15000 (what istioctl does)', async () => {
  const r = await new KubeClusterReader(kc(), log).configDump('default', productpage());
  assert.ok(r.ok);
  assert.equal(r.value.via, 'port-forward');
  const dump = parseConfigDump(r.value.text);
  assert.ok(dump.ok);
  assert.ok(routeRows(dump.value).some((row) => row.virtualService === 'bookinfo.default' && row.match === '/productpage'));
});

test('config_dump falls back to exec, then istiod, naming the missing permission', async () => {
  const viaExec = await new KubeClusterReader(kc('nopf-token'), log).configDump('default', productpage());
  assert.ok(viaExec.ok);
  assert.equal(viaExec.value.via, 'exec');
  assert.deepEqual(viaExec.value.failed.map((f) => [f.via, f.error.kind, f.error.permission]), [['port-forward', 'forbidden', 'create pods/portforward']]);
  assert.ok(parseConfigDump(viaExec.value.text).ok);
  const viaIstiod = await new KubeClusterReader(kc('noexec-token'), log).configDump('default', productpage());
  assert.ok(viaIstiod.ok);
  assert.equal(viaIstiod.value.via, 'istiod');
  assert.deepEqual(viaIstiod.value.failed.map((f) => f.error.permission), ['create pods/portforward', 'create pods/exec']);
});

test('a pod without a sidecar: every path fails with a reason; a malformed dump is reported by the parser', async () => {
  const vp0 = server.pods().find((p) => p.metadata.labels.app === 'vp0')!.metadata.name;
  const r = await new KubeClusterReader(kc(), log).configDump('hyperledger', vp0);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.error.map((f) => f.via), ['port-forward', 'exec', 'istiod']);
  server.configDumps.set(`default/${productpage()}`, '{"configs": [');
  try {
    const bad = await new KubeClusterReader(kc(), log).configDump('default', productpage());
    assert.ok(bad.ok);
    assert.equal(parseConfigDump(bad.value.text).ok, false);
  } finally { server.configDumps.clear(); }
});

test('istiod sync state (syncz) and live objects', async () => {
  const reader = new KubeClusterReader(kc(), log);
  const s = await reader.syncz();
  assert.ok(s.ok);
  const v3 = s.value.find((p) => p.proxy.startsWith('reviews-v3'));
  assert.deepEqual(v3?.status, { CDS: 'SYNCED', LDS: 'SYNCED', RDS: 'STALE', EDS: 'SYNCED' });
  const ns = await reader.getObject('/api/v1/namespaces/default');
  assert.ok(ns.ok);
  const missing = await reader.getObject('/apis/networking.istio.io/v1/namespaces/default/virtualservices/nope');
  assert.equal(!missing.ok && missing.error.kind, 'notFound');
});

test('dryRun=All creates validate without storing', async () => {
  const co = kc().makeApiClient(CustomObjectsApi);
  const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'dry' }, spec: { hosts: ['reviews'] } };
  const created = await co.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices', body: vs, dryRun: 'All' }) as { metadata: { uid: string } };
  assert.ok(created.metadata.uid);
  await assert.rejects(co.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices', name: 'dry' }), (e: { code?: number }) => e.code === 404);
});
