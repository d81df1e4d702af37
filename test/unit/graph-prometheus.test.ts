// The graph model against a real Prometheus (Debian's package) loaded with Istio metrics by promtool backfill.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fetchGraph } from '../../src/graph/fetch';
import { PrometheusClient } from '../../src/graph/prometheus';
import { DEFAULT_OPTIONS, type GraphViewOptions } from '../../src/graph/protocol';
import { emptyRouting } from '../../src/graph/routing';
import type { Graph } from '../../src/graph/types';
import { demoRouting } from './graph-helpers';

const ROOT = path.resolve(__dirname, '../../..');
interface Prom { url: string; time: number; stop(): Promise<void> }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPrometheus } = require(path.join(ROOT, 'test/prometheus/server.js')) as { startPrometheus(o?: { hostile?: boolean }): Promise<Prom> };

const opts = (o: Partial<GraphViewOptions> = {}): GraphViewOptions => ({ ...DEFAULT_OPTIONS, ...o });
const edge = (g: Graph, src: string, dst: string, protocol = 'http') => {
  const e = g.edges.find((x) => x.id === `${src}->${dst}:${protocol}`);
  assert.ok(e, `edge ${src} -> ${dst} in ${g.edges.map((x) => x.id).join('\n')}`);
  return e;
};

describe('graph from a real Prometheus', () => {
  let prom: Prom;
  let client: PrometheusClient;
  before(async () => {
    prom = await startPrometheus({ hostile: true });
    client = new PrometheusClient({ url: prom.url, timeoutMs: 5000 });
  });
  after(async () => prom?.stop());

  test('workload graph: nodes, rates, error rates, latency, mTLS, health', async () => {
    const r = await fetchGraph(client, opts({ graphType: 'workload' }), emptyRouting(), prom.time);
    assert.ok(r.ok, r.ok ? '' : r.error);
    const g = r.value.graph;
    assert.deepEqual(r.value.warnings, []);
    assert.deepEqual(g.nodes.map((n) => `${n.kind}:${n.id}`), [
      'external:ext:httpbin.org',
      'unknown:unknown',
      'workload:wl:default/<img src=x onerror=window.pwned=1>',
      'workload:wl:default/details-v1',
      'workload:wl:default/mongodb-v1',
      'workload:wl:default/productpage-v1',
      'workload:wl:default/ratings-v1',
      'workload:wl:default/reviews-v1',
      'workload:wl:default/reviews-v2',
      'gateway:wl:istio-system/istio-ingressgateway',
    ]);
    const gw = edge(g, 'wl:istio-system/istio-ingressgateway', 'wl:default/productpage-v1');
    assert.equal(gw.rps, 10);
    assert.equal(gw.mtls, 1);
    assert.ok(Math.abs(gw.p95Ms! - 175) < 0.01, `p95 ${gw.p95Ms}`); // (100, 250] bucket, 95th of 90%..100%
    assert.ok(Math.abs(gw.p50Ms! - 50) < 0.01, `p50 ${gw.p50Ms}`);
    assert.equal(edge(g, 'wl:default/productpage-v1', 'wl:default/details-v1').mtls, 0);
    const r2 = edge(g, 'wl:default/productpage-v1', 'wl:default/reviews-v2');
    assert.equal(r2.rps, 1);
    assert.equal(r2.err5xx, 0.1);
    assert.equal(r2.health, 'degraded'); // 10% 5xx: degraded (>= 0.1%), not failure (> 10%)
    const rt = edge(g, 'wl:default/reviews-v2', 'wl:default/ratings-v1');
    assert.equal(rt.err5xx, 0.25);
    assert.equal(rt.health, 'failure');
    assert.equal(g.nodes.find((n) => n.id === 'wl:default/ratings-v1')!.health, 'failure');
    assert.equal(edge(g, 'wl:default/productpage-v1', 'wl:default/reviews-v1').health, 'healthy');
    const unknown = edge(g, 'unknown', 'wl:default/productpage-v1');
    assert.equal(unknown.rps, 0.5);
    const ext = edge(g, 'wl:default/productpage-v1', 'ext:httpbin.org');
    assert.equal(ext.rps, 0.2);
    assert.equal(ext.mtls, undefined);
    const tcp = edge(g, 'wl:default/ratings-v1', 'wl:default/mongodb-v1', 'tcp');
    assert.equal(tcp.rps, 2000);
    assert.equal(tcp.mtls, 1);
    assert.deepEqual(g.namespaces, ['default', 'istio-system']);
  });

  test('app, versioned app and service graphs aggregate differently', async () => {
    const app = await fetchGraph(client, opts({ graphType: 'app' }), emptyRouting(), prom.time);
    assert.ok(app.ok);
    const reviews = edge(app.value.graph, 'app:default/productpage', 'app:default/reviews');
    assert.equal(reviews.rps, 10);
    assert.equal(reviews.err5xx, 0.01);
    assert.equal(reviews.health, 'degraded');
    const va = await fetchGraph(client, opts({ graphType: 'versionedApp' }), emptyRouting(), prom.time);
    assert.ok(va.ok);
    assert.equal(edge(va.value.graph, 'app:default/productpage/v1', 'app:default/reviews/v2').rps, 1);
    const svc = await fetchGraph(client, opts({ graphType: 'service' }), emptyRouting(), prom.time);
    assert.ok(svc.ok);
    assert.equal(edge(svc.value.graph, 'svc:default/productpage', 'svc:default/reviews').rps, 10);
  });

  test('namespace selection keeps traffic into and out of the namespace', async () => {
    const r = await fetchGraph(client, opts({ graphType: 'workload', namespaces: ['istio-system'] }), emptyRouting(), prom.time);
    assert.ok(r.ok);
    assert.deepEqual(r.value.graph.edges.map((e) => e.id), ['wl:istio-system/istio-ingressgateway->wl:default/productpage-v1:http']);
  });

  test('the workspace routing config annotates the live edges (weights, subsets, fault, files)', async () => {
    const r = await fetchGraph(client, opts({ graphType: 'versionedApp', idle: true }), demoRouting(), prom.time);
    assert.ok(r.ok);
    const g = r.value.graph;
    const toV2 = edge(g, 'app:default/productpage/v1', 'app:default/reviews/v2');
    assert.deepEqual(toV2.config.map((c) => [c.weight, c.subset, path.basename(c.source.uri)]), [[10, 'v2', 'virtual-service-reviews-90-10.yaml']]);
    const toV1 = edge(g, 'app:default/productpage/v1', 'app:default/reviews/v1');
    assert.equal(toV1.config.find((c) => c.weight === 90)?.subset, 'v1');
    const ratings = edge(g, 'app:default/reviews/v2', 'app:default/ratings/v1');
    assert.ok(ratings.config.some((c) => c.fault === 'delay 7s (100%)'), JSON.stringify(ratings.config));
    const reviewsNode = g.nodes.find((n) => n.id === 'app:default/reviews/v2')!;
    assert.ok(reviewsNode.sources.some((s) => s.kind === 'Deployment' && s.name === 'reviews-v2'), JSON.stringify(reviewsNode.sources));
    // idle: reviews-v3 has a Deployment in the workspace but no traffic
    assert.equal(g.nodes.find((n) => n.name === 'reviews-v3')?.health, 'idle');
  });
});

describe('bad Prometheus answers give clear errors, fast', () => {
  let server: http.Server;
  let base: string;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url?.startsWith('/slow/')) return; // never answers
      if (req.url?.startsWith('/html/')) return void res.writeHead(200).end('<html>login</html>');
      if (req.url?.startsWith('/matrix/')) return void res.writeHead(200).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }));
      if (req.url?.startsWith('/bad/')) return void res.writeHead(200).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: 1 }] } }));
      res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 3' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const run = (url: string, timeoutMs = 2000, signal?: AbortSignal) => new PrometheusClient({ url, timeoutMs }).query('up', undefined, signal);

  test('slow: times out with a message', async () => {
    const t0 = Date.now();
    const r = await run(`${base}/slow/`, 300);
    assert.ok(!r.ok && /did not answer within 300 ms/.test(r.error), JSON.stringify(r));
    assert.ok(Date.now() - t0 < 2000);
  });
  test('cancelled', async () => {
    const ac = new AbortController();
    const p = run(`${base}/slow/`, 5000, ac.signal);
    ac.abort();
    assert.deepEqual(await p, { ok: false, error: 'cancelled' });
  });
  test('down: unreachable', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const r = await run(`http://127.0.0.1:${port}`);
    assert.ok(!r.ok && /unreachable.*ECONNREFUSED/.test(r.error), JSON.stringify(r));
  });
  test('not JSON, wrong type, malformed sample, query error, bad URL', async () => {
    for (const [url, re] of [
      [`${base}/html/`, /not JSON: <html>login<\/html>/], [`${base}/matrix/`, /expected a vector, got matrix/],
      [`${base}/bad/`, /malformed sample/], [`${base}/err/`, /HTTP 400\): parse error at char 3/],
      ['not a url', /invalid Prometheus URL/], ['file:///etc/passwd', /must be http/],
    ] as const) {
      const r = await run(url);
      assert.ok(!r.ok && re.test(r.error), `${url}: ${JSON.stringify(r)}`);
    }
  });
});
