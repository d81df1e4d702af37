// Pure graph code: health thresholds, answer validation, workspace routing (config-only graph), exports, protocol.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { dotString, toDot, toSvg, xmlEscape } from '../../src/graph/export';
import { layoutGraph } from '../../src/graph/layout';
import { parseQueryResponse } from '../../src/graph/prometheus';
import { graphQueries, promString } from '../../src/graph/promql';
import { parseFromWebview, sanitizeOptions } from '../../src/graph/protocol';
import { addFile, configGraph, emptyRouting } from '../../src/graph/routing';
import { healthOf, type Graph } from '../../src/graph/types';
import { graphHtml } from '../../src/webview/html';
import { demoRouting } from './graph-helpers';

const HOSTILE = '<img src=x onerror=window.pwned=1>';

test('Kiali default thresholds: 5xx degraded >= 0.1%, failure > 10%; 4xx degraded > 10%, failure > 20%', () => {
  assert.equal(healthOf(0, 0, 0), 'idle');
  assert.equal(healthOf(1, 0.0009, 0), 'healthy');
  assert.equal(healthOf(1, 0.001, 0), 'degraded');
  assert.equal(healthOf(1, 0.1, 0), 'degraded');
  assert.equal(healthOf(1, 0.1001, 0), 'failure');
  assert.equal(healthOf(1, 0, 0.1), 'healthy');
  assert.equal(healthOf(1, 0, 0.1001), 'degraded');
  assert.equal(healthOf(1, 0, 0.2), 'degraded');
  assert.equal(healthOf(1, 0, 0.2001), 'failure');
});

test('PromQL: label values and windows are checked/escaped', () => {
  assert.equal(promString('a"b\\c'), '"a\\"b\\\\c"');
  assert.throws(() => graphQueries({ window: '1m]) or vector(1', namespaces: [], type: 'app' }), /invalid time window/);
  const q = graphQueries({ window: '5m', namespaces: ['bookinfo'], type: 'app' });
  assert.match(q.requests, /source_workload_namespace=~"bookinfo".* or .*destination_service_namespace=~"bookinfo"/);
  assert.match(q.p95, /histogram_quantile\(0.95, sum by \(le,/);
});

test('malformed answers are errors, NaN samples are dropped', () => {
  const ok = parseQueryResponse(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [
    { metric: { a: 'x' }, value: [1, '2.5'] }, { metric: {}, value: [1, 'NaN'] }] } }));
  assert.deepEqual(ok, { ok: true, value: [{ metric: { a: 'x' }, value: 2.5 }] });
  assert.ok(!parseQueryResponse(200, '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}').ok);
  const many = parseQueryResponse(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }, { metric: {}, value: [1, '1'] }] } }), 1);
  assert.ok(!many.ok && /2 series \(limit 1\)/.test(many.error));
});

test('the demo workspace config alone implies gateway -> services -> workloads with weights and faults', () => {
  const g = configGraph(demoRouting());
  const ids = g.edges.flatMap((e) => [`${e.source} -> ${e.target}`, ...e.config.filter((c) => c.weight !== undefined).map((c) => `${e.source} -> ${e.target} ${c.weight}%`)]);
  for (const want of [
    'gw:default/bookinfo-gateway -> svc:default/productpage',
    'svc:default/productpage -> wl:default/productpage-v1',
    'svc:default/reviews -> wl:default/reviews-v1 90%',
    'svc:default/reviews -> wl:default/reviews-v2 10%',
    'svc:default/ratings -> wl:default/ratings-v1',
    'svc:default/details -> wl:default/details-v1',
  ]) assert.ok(ids.includes(want), `${want} in\n${ids.join('\n')}`);
  assert.ok(!ids.some((i) => i.includes('reviews-v3')), 'reviews-v3 is not routed to (90/10 between v1 and v2)');
  const ratings = g.edges.find((e) => e.target === 'wl:default/ratings-v1')!;
  assert.ok(ratings.config.some((c) => c.fault === 'delay 7s (100%)'));
  assert.ok(g.edges.every((e) => e.configOnly));
  const pp = g.nodes.find((n) => n.id === 'wl:default/productpage-v1')!;
  assert.deepEqual(pp.sources.map((s) => [s.kind, s.name, s.uri.split('/').pop(), s.line]), [['Deployment', 'productpage-v1', 'bookinfo.yaml', 298]]);
});

test('broken YAML contributes what parses and never throws', () => {
  const cfg = emptyRouting();
  addFile(cfg, 'file:///x.yaml', 'kind: VirtualService\nmetadata: {name: a\nspec: [\n---\nkind: Service\nmetadata:\n  name: b\nspec:\n  selector: {app: b}\n');
  addFile(cfg, 'file:///y.yaml', '\u0000\ufffe: : :\n- [');
  assert.deepEqual(cfg.services.map((s) => s.name), ['b']);
});

function hostileGraph(): Graph {
  return {
    type: 'workload', namespaces: ['default'],
    nodes: [
      { id: `wl:default/${HOSTILE}`, kind: 'workload', namespace: 'default', name: HOSTILE, inRps: 1, health: 'healthy', notes: [], sources: [] },
      { id: 'wl:default/a"b', kind: 'workload', namespace: '"}; evil', name: 'a"b\\', inRps: 1, health: 'healthy', notes: [], sources: [] },
    ],
    edges: [{ id: 'e', source: `wl:default/${HOSTILE}`, target: 'wl:default/a"b', protocol: 'http', rps: 1, err5xx: 0, err4xx: 0, health: 'healthy', configOnly: false, config: [] }],
  };
}

test('exports escape hostile names: SVG has no markup from labels, DOT strings stay quoted', async () => {
  const g = hostileGraph();
  const svg = toSvg(g, await layoutGraph(g));
  assert.ok(!svg.includes('<img'), svg);
  assert.ok(svg.includes(xmlEscape(HOSTILE)));
  const dot = toDot(g);
  assert.ok(dot.includes(dotString('a"b\\')));
  assert.ok(dot.includes('"a\\"b\\\\"'));
  assert.ok(dot.includes('label="\\"}; evil"'));
});

test('the page shell: strict CSP with a fresh nonce, no inline handlers, no data', () => {
  const html = graphHtml({ cspSource: 'vscode-resource:', script: 'S.js', style: 'S.css' }, 'NONCE123');
  assert.match(html, /content="default-src 'none'; style-src vscode-resource:; script-src 'nonce-NONCE123';/);
  assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, /<script nonce="NONCE123" src="S.js"><\/script>/);
  assert.notEqual(graphHtml({ cspSource: 'x', script: 's', style: 'c' }).match(/nonce-([^']+)/)![1], graphHtml({ cspSource: 'x', script: 's', style: 'c' }).match(/nonce-([^']+)/)![1]);
});

test('messages from the webview are validated', () => {
  assert.equal(parseFromWebview({ type: 'eval', code: '1' }), undefined);
  assert.equal(parseFromWebview({ type: 'openNode', id: 3 }), undefined);
  assert.equal(parseFromWebview(null), undefined);
  assert.deepEqual(parseFromWebview({ type: 'export', format: 'svg' }), { type: 'export', format: 'svg' });
  assert.deepEqual(sanitizeOptions({ graphType: 'x', layout: 'stress', window: '1m]) or up', namespaces: ['ok', 'Bad NS', 3], idle: 'yes' }),
    { graphType: 'versionedApp', layout: 'stress', window: '1m', namespaces: ['ok'], idle: false });
});

test('the graph core imports neither vscode nor LSP packages', () => {
  const dir = path.resolve(__dirname, '../../../src/graph');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 8);
  for (const f of files) assert.doesNotMatch(fs.readFileSync(path.join(dir, f), 'utf8'), /from\s+['"](vscode|vscode-language[a-z]+)[/'"]/, f);
});
