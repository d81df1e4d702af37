// Service graph webview: time to first paint in Chromium (the bundled page alone, fed like the panel feeds it),
// for the demo mesh from a real Prometheus and for the large synthetic mesh. Needs npm run build + compile-tests.
'use strict';
const path = require('path');
const ROOT = path.resolve(__dirname, '../..');
const { launchBrowser } = require('../harness/cs');
const { standalonePage } = require('../e2e/graph-page');
const { startPrometheus } = require('../prometheus/server');

const out = (p) => require(path.join(ROOT, 'out', p));

async function paint(page, url, msg) {
  await page.goto(url);
  await page.waitForFunction(() => window.__posted?.[0]?.type === 'ready');
  const t0 = Date.now();
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'rendered'));
  const wall = Date.now() - t0;
  const r = await page.evaluate(() => window.__posted.find((m) => m.type === 'rendered'));
  return { wall, render: r.ms, nodes: r.nodes };
}

(async () => {
  const { fetchGraph } = out('src/graph/fetch.js');
  const { PrometheusClient } = out('src/graph/prometheus.js');
  const { layoutGraph } = out('src/graph/layout.js');
  const { buildGraph } = out('src/graph/model.js');
  const { demoRouting } = out('test/unit/graph-helpers.js');
  const { largeSamples } = out('test/bench/graph.bench.js');
  const prom = await startPrometheus();
  const browser = await launchBrowser();
  const site = await standalonePage();
  try {
    const options = { graphType: 'versionedApp', layout: 'layered', window: '1m', namespaces: [], idle: false };
    const rows = [];
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const r = await fetchGraph(new PrometheusClient({ url: prom.url, timeoutMs: 5000 }), options, demoRouting(), prom.time);
      if (!r.ok) throw new Error(r.error);
      const tq = Date.now();
      const layout = await layoutGraph(r.value.graph, 'layered');
      const tl = Date.now();
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const p = await paint(page, site.url, { type: 'graph', graph: r.value.graph, layout, source: 'prometheus', options, warnings: [], fetchedAt: 0 });
      await page.close();
      rows.push([`demo mesh run ${i + 1} (${p.nodes} nodes)`, tq - t0, tl - tq, p.render, (tl - t0) + p.wall]);
    }
    const g = buildGraph(largeSamples(), { type: 'versionedApp' });
    delete g.edgeMeta;
    const layout = await layoutGraph(g, 'layered');
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const p = await paint(page, site.url, { type: 'graph', graph: g, layout, source: 'prometheus', options, warnings: [], fetchedAt: 0 });
    rows.push([`large mesh (${p.nodes} nodes, ${g.edges.length} edges)`, 0, layout.ms, p.render, layout.ms + p.wall]);
    console.log('| graph | queries | layout | webview render | queries to first paint |');
    console.log('|---|---|---|---|---|');
    for (const [n, q, l, r, total] of rows) console.log(`| ${n} | ${q} ms | ${l} ms | ${r} ms | ${total} ms |`);
  } finally {
    await browser.close();
    site.close();
    await prom.stop();
  }
})().catch((e) => { console.error(e); process.exit(1); });
