#!/usr/bin/env node
// Live cluster views in real VS Code (code-server, PACKAGED .vsix) against the test API server (test/apiserver):
// the Mesh tree shows bookinfo's pods with their sidecars, a sidecar's route table (config_dump by port-forward),
// and "Go to VirtualService" opens bookinfo's VirtualService file at the resource.
// usage: node test/e2e/cluster.js [x.vsix]   README_SHOT=media/readme/cluster.png refreshes the README picture.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startCodeServer, launchBrowser } = require('../harness/cs');
const { startApiServer } = require('../apiserver/server');
const { SHOTS, packagedVsix, createChecks } = require('./checks');
const { ROOT, DEMO } = require('./fixtures');

const VSIX = packagedVsix();

let page;
const { check, counts } = createChecks('cluster-', () => page);
const pane = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
const row = (title, text) => pane(title).locator('.monaco-list-row', { hasText: text }).first();
const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();

/**
 * Expands a tree row by clicking it, as a user would. A click that lands while the tree redraws (the Mesh view
 * redraws as list/watch and istiod's sync state arrive) can select the row without expanding it; a user clicks
 * again, and so does this, until the row says it is expanded.
 */
async function expand(title, label) {
  const r = row(title, label);
  await r.waitFor();
  for (let attempt = 1; (await r.getAttribute('aria-expanded')) !== 'true'; attempt++) {
    if (attempt > 5) throw new Error(`row ${label} did not expand after 5 clicks: "${await text(r)}"`);
    if (attempt > 1) console.log(`       (row ${label} was not expanded by click ${attempt - 1}; clicking again)`);
    await r.click();
    const until = Date.now() + 2000;
    while (Date.now() < until && (await r.getAttribute('aria-expanded')) !== 'true') await page.waitForTimeout(50);
  }
  return r;
}

(async () => {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} not found: run npm run package`);
  fs.mkdirSync(SHOTS, { recursive: true });
  const t0 = Date.now();
  const api = await startApiServer();
  const kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-kc-')), 'config');
  fs.writeFileSync(kubeconfig, api.kubeconfig());
  const cs = await startCodeServer({ vsix: [VSIX], workspace: DEMO, env: { KUBECONFIG: kubeconfig }, settings: { 'istioWorkbench.context': 'test-mesh' } });
  const browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.setDefaultTimeout(30000);
  try {
    await check('workbench loads and the Mesh view connects to the test API server', async () => {
      await page.goto(cs.folderUrl);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'bookinfo' }).first().waitFor({ timeout: 90000 });
      await page.locator('.activitybar [aria-label^="Istio"]').first().click();
      await row('Mesh', 'test-mesh').waitFor();
      const cp = await text(await row('Mesh', 'Control plane'));
      if (!/istiod 1\.22\.3/.test(cp)) throw new Error(`control plane row: "${cp}"`);
      return `"${cp}"`;
    });
    await check('bookinfo pods show their sidecars; the namespace without injection says so', async () => {
      const hl = await text(row('Mesh', /^hyperledger/));
      if (!hl.includes('no injection')) throw new Error(`hyperledger row: "${hl}"`);
      await expand('Mesh', /^defaultistio-injection/);
      await expand('Mesh', /^productpage-v1Deployment/);
      const pod = await text(row('Mesh', /^productpage-v1-.*Running/));
      if (!/proxy 1\.22\.3/.test(pod)) throw new Error(`pod row: "${pod}"`);
      await expand('Mesh', /^productpage-v1-/);
      const sidecar = await text(row('Mesh', /^istio-proxysidecar/));
      if (!/sidecar .*proxyv2:1\.22\.3 .*ready/.test(sidecar)) throw new Error(`container row: "${sidecar}"`);
      return `"${pod}" / "${sidecar}"`;
    });
    await check('Show Route Tables fetches the sidecar\'s config_dump by port-forward', async () => {
      const pod = row('Mesh', /^productpage-v1-.*Running/);
      await pod.hover();
      await pod.locator('.action-label[aria-label="Show Route Tables"]').click();
      const src = row('Route Tables', /^default\/productpage-v1-/);
      await src.getByText('config_dump via port-forward').waitFor();
      await expand('Route Tables', /^http\.8080/);
      await expand('Route Tables', /^\*:80/);
      const route = await text(row('Route Tables', /^\/productpage→/));
      if (!route.includes('bookinfo.default')) throw new Error(`route row: "${route}"`);
      await page.screenshot({ path: path.join(SHOTS, 'cluster-1-routes.png') });
      return `"${route}"`;
    });
    await check('Go to VirtualService opens bookinfo\'s VirtualService file at the resource', async () => {
      const route = row('Route Tables', /^\/productpage→/);
      await route.hover();
      await route.locator('.action-label[aria-label="Go to VirtualService"]').click();
      await page.locator('.tabs-container .tab.active', { hasText: 'bookinfo-gateway.yaml' }).waitFor();
      const expectedLine = fs.readFileSync(path.join(DEMO, 'bookinfo/networking/bookinfo-gateway.yaml'), 'utf8').split('\n').findIndex((l, i, all) => l === '  name: bookinfo' && all.slice(0, i).some((x) => x === 'kind: VirtualService')) + 1;
      const sel = page.locator('#status\\.editor\\.selection');
      await sel.getByText(`Ln ${expectedLine}, Col 17 (8 selected)`).waitFor(); // "bookinfo" selected, cursor at its end
      await page.screenshot({ path: path.join(SHOTS, 'cluster-2-virtualservice.png') });
      if (process.env.README_SHOT) await page.screenshot({ path: path.resolve(ROOT, process.env.README_SHOT) });
      return `${await text(sel)}`;
    });
    await check('a watch event (new pod) shows up in the tree', async () => {
      const { pod } = require('../apiserver/mesh');
      const p = pod('default', 'productpage', 'v1');
      p.metadata.name = 'productpage-v1-e2e-added';
      api.put(p);
      await row('Mesh', 'productpage-v1-e2e-added').waitFor();
    });
    await check('Preview Injection by the Cluster\'s Webhook: a dry run whose answer (from the cluster\'s webhook) opens as a diff', async () => {
      // The test API server's stand-in for istiod's webhook: it adds a recognisable sidecar to every Pod it admits.
      let calls = 0;
      const off = api.addMutatingWebhook({
        name: 'e2e-sidecar-injector',
        mutate: (pod) => {
          calls++;
          pod.spec.containers.push({ name: 'istio-proxy', image: 'webhook.e2e.example/proxyv2:dry-run' });
          return pod;
        },
      });
      const podsBefore = [...api.store.keys()].filter((k) => k.startsWith('pods/')).length;
      try {
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill('bookinfo.yaml');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'bookinfo.yaml' }).first().waitFor();
        await page.keyboard.press('Enter');
        await page.locator('.tabs-container .tab.active', { hasText: 'bookinfo.yaml' }).waitFor();
        const lines = fs.readFileSync(path.join(DEMO, 'bookinfo/platform/bookinfo.yaml'), 'utf8').split('\n');
        const line = lines.findIndex((l) => l === '  name: productpage-v1') + 1;
        // The command acts on the focused YAML editor (its palette entry needs editorLangId == yaml): put the focus and
        // the cursor there, and see both happened, before opening the palette (seen once in CI: the palette opened
        // while the focus was still elsewhere and did not offer the command).
        await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill(`:${line}`);
        await page.locator('.quick-input-widget', { hasText: new RegExp(`line ${line}\\b`, 'i') }).waitFor();
        await page.keyboard.press('Enter');
        await page.locator('#status\\.editor\\.selection', { hasText: `Ln ${line},` }).waitFor();
        await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor();
        await page.keyboard.press('F1');
        await page.locator('.quick-input-widget input').fill('>Istio: Preview Injection by the Cluster\'s Webhook');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preview Injection by the Cluster' }).first().waitFor();
        await page.keyboard.press('Enter');
        const diff = page.locator('.monaco-diff-editor').first();
        await diff.waitFor({ timeout: 30000 });
        await page.locator('.tabs-container .tab.active', { hasText: 'dry run' }).waitFor();
        const added = diff.locator('.editor.modified .view-line', { hasText: 'webhook.e2e.example/proxyv2:dry-run' }).first();
        await added.waitFor();
        const podsAfter = [...api.store.keys()].filter((k) => k.startsWith('pods/')).length;
        if (calls !== 1) throw new Error(`the webhook was called ${calls} times`);
        if (podsAfter !== podsBefore) throw new Error(`a dry run stored a pod (${podsBefore} -> ${podsAfter})`);
        await page.screenshot({ path: path.join(SHOTS, 'cluster-3-webhook-dry-run.png') });
        return `right side: "${(await added.innerText()).replace(/\s+/g, ' ').trim()}"`;
      } finally {
        off();
      }
    });
  } finally {
    await browser.close();
    if (counts.failed) console.log(`  extension log:\n${cs.extensionLog().trim().split('\n').slice(-40).map((l) => `    ${l}`).join('\n')}`);
    await cs.stop();
    await api.close();
    fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
  }
  console.log(`cluster e2e: ${counts.passed} passed, ${counts.failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(counts.failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
