#!/usr/bin/env node
// The service graph end to end: (1) the webview page alone in Chromium, fed hostile names through postMessage;
// (2) real VS Code (code-server, packaged .vsix) on the demo workspace with a real Prometheus loaded by promtool:
// the panel opens, node labels are read inside the webview iframe, a node click opens its YAML.
// usage: npm run build && npx tsc -p tsconfig.test.json && npm run package && node test/e2e/graph.js
// README_GRAPH_SHOT=media/readme/graph.png refreshes the README picture.
'use strict';
const fs = require('fs');
const path = require('path');
const { startCodeServer, launchBrowser } = require('../harness/cs');
const { startPrometheus } = require('../prometheus/server');
const { SHOTS, packagedVsix, createChecks } = require('./checks');
const { ROOT, DEMO } = require('./fixtures');
const { standalonePage } = require('./graph-page');

const VSIX = packagedVsix();
const HOSTILE = '<img src=x onerror=window.pwned=1>';

let page;
const { check, counts } = createChecks('graph-', () => page);

async function hostileMessage() {
  const { layoutGraph } = require(path.join(ROOT, 'out/src/graph/layout.js'));
  const node = (id, name, extra = {}) => ({ id, kind: 'workload', namespace: 'default', name, inRps: 1, health: 'healthy', notes: [HOSTILE], sources: [], ...extra });
  const graph = {
    type: 'workload', namespaces: ['<b>ns</b>', 'default'], time: 1, window: '1m',
    nodes: [node(`wl:x/${HOSTILE}`, HOSTILE, { namespace: '<b>ns</b>' }), node('wl:default/b', '"><script>window.pwned=2</script>', { version: '<svg onload=window.pwned=3>' })],
    edges: [{ id: 'e1', source: `wl:x/${HOSTILE}`, target: 'wl:default/b', protocol: 'http', rps: 1, err5xx: 0, err4xx: 0, health: 'healthy', configOnly: false,
      config: [{ weight: 5, subset: '<i>s</i>', source: { uri: 'file:///<x>.yaml', line: 0, kind: 'VirtualService', name: '<u>vs</u>' } }] }],
  };
  return { type: 'graph', graph, layout: await layoutGraph(graph), source: 'prometheus', options: { graphType: 'workload', layout: 'layered', window: '1m', namespaces: [], idle: false }, warnings: [HOSTILE], fetchedAt: 0 };
}

(async () => {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} not found: run npm run package`);
  fs.mkdirSync(SHOTS, { recursive: true });
  const t0 = Date.now();
  const browser = await launchBrowser();
  const standalone = await standalonePage();
  page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.setDefaultTimeout(30000);
  await check('the page alone renders hostile names inert (postMessage)', async () => {
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await page.goto(standalone.url);
    const posted = await page.evaluate(() => window.__posted);
    if (posted[0]?.type !== 'ready') throw new Error(`first message ${JSON.stringify(posted)}`);
    await page.evaluate((m) => window.postMessage(m, '*'), await hostileMessage());
    await page.locator('g.node').nth(1).waitFor();
    const labels = await page.locator('.node-label').allTextContents();
    if (!labels.includes(HOSTILE)) throw new Error(`labels ${JSON.stringify(labels)}`);
    await page.locator('g.node').first().hover();
    const found = await page.evaluate(() => ({ img: document.querySelectorAll('img, script:not([src]), foreignObject, svg svg, b, i:not(.swatch), u').length, pwned: window.pwned }));
    if (found.img || found.pwned) throw new Error(`markup was interpreted: ${JSON.stringify(found)}`);
    if (!(await page.locator('#details').innerText()).includes(HOSTILE)) throw new Error('details do not show the name as text');
    await page.locator('g.node').first().click();
    const last = await page.evaluate(() => window.__posted.at(-1));
    if (last?.type !== 'openNode' || last.id !== `wl:x/${HOSTILE}`) throw new Error(`click posted ${JSON.stringify(last)}`);
    if (violations.length) throw new Error(`CSP violations: ${violations[0]}`);
    await page.screenshot({ path: path.join(SHOTS, 'graph-0-hostile.png') });
  });
  await page.close();
  standalone.close();

  const prom = await startPrometheus({ hostile: true });
  const cs = await startCodeServer({
    vsix: [VSIX], workspace: DEMO,
    settings: { 'istioWorkbench.prometheus.url': prom.url, 'istioWorkbench.prometheus.evaluationTime': String(prom.time), 'istioWorkbench.graph.type': 'workload' },
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30000);
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  try {
    await check('workbench loads the demo workspace', async () => {
      await page.goto(cs.folderUrl);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'bookinfo' }).first().waitFor({ timeout: 90000 });
    });
    await check('Istio: Show Service Graph paints the live graph from Prometheus', async () => {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
      // The palette lists the extension's commands once the extension host has read the contributions: retry.
      for (let i = 0; ; i++) {
        await page.keyboard.press('F1');
        await page.locator('.quick-input-widget input').fill('>Istio: Show Service Graph');
        const found = await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Istio: Show Service Graph' }).first()
          .waitFor({ timeout: 5000 }).then(() => true, () => false);
        if (found) break;
        if (i === 12) throw new Error('the command is not in the palette');
        await page.keyboard.press('Escape');
      }
      const t = Date.now();
      await page.keyboard.press('Enter');
      await frame.locator('g.node', { hasText: 'productpage-v1' }).waitFor({ timeout: 60000 });
      const firstPaint = Date.now() - t;
      const labels = await frame.locator('.node-label').allTextContents();
      for (const want of ['productpage-v1', 'reviews-v1', 'reviews-v2', 'ratings-v1', 'details-v1', 'istio-ingressgateway', 'unknown', 'httpbin.org', HOSTILE]) {
        if (!labels.includes(want)) throw new Error(`no node "${want}" in ${JSON.stringify(labels)}`);
      }
      const evil = await frame.locator('body').evaluate(() => ({ img: document.querySelectorAll('img').length, pwned: window.pwned }));
      if (evil.img || evil.pwned) throw new Error(`hostile workload name was interpreted: ${JSON.stringify(evil)}`);
      const source = await frame.locator('#source').innerText();
      if (!source.startsWith('Prometheus')) throw new Error(`source: ${source}`);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SHOTS, 'graph-1-panel.png') });
      if (process.env.README_GRAPH_SHOT) await page.screenshot({ path: path.resolve(ROOT, process.env.README_GRAPH_SHOT) });
      return `${labels.length} nodes, first paint ${firstPaint} ms after the command`;
    });
    await check('hover shows edge metrics and the routing overlay', async () => {
      await frame.locator('g.edge.degraded').first().hover({ force: true });
      const details = await frame.locator('#details').innerText();
      if (!/5xx: 10\.0%/.test(details) || !/VirtualService reviews: weight 10%, subset v2/.test(details)) throw new Error(details);
      return details.split('\n').slice(0, 2).join(' | ');
    });
    await check('clicking a node opens the YAML that defines it', async () => {
      await frame.locator('g.node', { hasText: 'reviews-v2' }).click();
      await page.locator('.tabs-container .tab', { hasText: 'bookinfo.yaml' }).waitFor();
      await page.screenshot({ path: path.join(SHOTS, 'graph-2-open-yaml.png') });
    });
    await check('Prometheus down: a clear warning and the graph the workspace config implies', async () => {
      await prom.stop();
      await frame.locator('#refresh').click();
      await frame.locator('#warnings', { hasText: 'unreachable' }).waitFor();
      await frame.locator('#source', { hasText: 'Workspace routing config' }).waitFor();
      const labels = await frame.locator('.node-label').allTextContents();
      for (const want of ['bookinfo-gateway', 'reviews', 'reviews-v1', 'reviews-v2']) {
        if (!labels.includes(want)) throw new Error(`no node "${want}" in ${JSON.stringify(labels)}`);
      }
      await page.screenshot({ path: path.join(SHOTS, 'graph-3-offline.png') });
      return (await frame.locator('#warnings').innerText()).split('\n')[0];
    });
    await check('after a reload the serializer restores the panel with its options', async () => {
      await frame.locator('#graph-type').selectOption('service');
      // The extension answers with a new graph whose options the page saves with setState; then the workbench stores it.
      await page.waitForTimeout(2500);
      // Developer: Reload Window shuts the workbench down properly (editor and webview state are saved).
      await page.locator('.monaco-workbench .part.sidebar').click({ position: { x: 100, y: 500 } });
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Developer: Reload Window');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Developer: Reload Window' }).first().waitFor();
      await Promise.all([page.waitForEvent('load', { timeout: 60000 }), page.keyboard.press('Enter')]);
      await frame.locator('g.node', { hasText: 'reviews-v2' }).waitFor({ timeout: 90000 });
      const type = await frame.locator('#graph-type').inputValue();
      if (type !== 'service') throw new Error(`graph type after restore: ${type}`);
    });
  } finally {
    await browser.close();
    await cs.stop();
    await prom.stop();
  }
  console.log(`graph e2e: ${counts.passed} passed, ${counts.failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(counts.failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
