#!/usr/bin/env node
// Playwright checks of the real workbench (code-server) with the PACKAGED extension installed from the .vsix.
// usage: node test/e2e/ui.js [path/to/x.vsix]   Screenshots: test-results/e2e/ (failures: *-FAILED.png).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { startCodeServer, launchBrowser } = require('../harness/cs');
const { ROOT, DEMO, KUBECONFIG, brokenSeed, badVirtualService, crossFileSubset } = require('./fixtures');

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const VSIX = path.resolve(process.argv[2] || path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`));
const SHOTS = path.join(ROOT, 'test-results/e2e');
const README_SHOT = process.env.README_SHOT; // set to media/readme/screenshot.png to refresh the README picture

let page;
let failed = 0;
let passed = 0;
const check = async (name, fn) => {
  const t0 = Date.now();
  try {
    const note = await fn();
    passed++;
    console.log(`  ok   ${name} (${Date.now() - t0} ms)${note ? `: ${note}` : ''}`);
  } catch (e) {
    failed++;
    console.log(`  FAIL ${name}: ${String(e.message).split('\n')[0]}`);
    await page?.screenshot({ path: path.join(SHOTS, `${name.replace(/\W+/g, '-')}-FAILED.png`) }).catch(() => {});
  }
};
const row = (list, text) => page.locator(`${list} .monaco-list-row`, { hasText: text }).first();
const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
async function openFile(name) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await row('.quick-input-list', name).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}
/** Focuses the Problems panel showing only `file`'s rows (its list is virtualised: rows out of view are not in the DOM). */
async function problemsOf(file) {
  await palette('View: Focus Problems');
  const filter = page.locator('input[placeholder^="Filter (e.g. text"], .markers-panel-action-filter input, .viewpane-filter input').first();
  await filter.fill(file);
  await page.keyboard.press('Enter');
}
async function palette(label) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${label}`);
  await row('.quick-input-list', label).waitFor();
  await page.keyboard.press('Enter');
}

(async () => {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} not found: run npm run package`);
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const broken = brokenSeed();
  const vs = badVirtualService();
  const mesh = crossFileSubset();
  const t0 = Date.now();
  const cs = await startCodeServer({ vsix: [VSIX], workspace: DEMO, files: { [broken.name]: broken.text, [vs.name]: vs.text, ...mesh.files }, env: { KUBECONFIG } });
  const browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30000);
  const editor = page.locator('.monaco-editor').first();
  try {
    await check('workbench loads the demo workspace', async () => {
      await page.goto(cs.folderUrl);
      await row('.explorer-folders-view', 'hyperledger').waitFor({ timeout: 90000 });
      await row('.explorer-folders-view', 'bookinfo').waitFor();
    });
    await check('the broken seed file opens', async () => {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('vp0-broken.yaml');
      await row('.quick-input-list', 'vp0-broken.yaml').waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: 'vp0-broken.yaml' }).waitFor();
    });
    await check('the syntax error is read from the Problems panel', async () => {
      await editor.locator('.squiggly-error').first().waitFor({ timeout: 60000 });
      await problemsOf('vp0-broken.yaml');
      const problem = row('.markers-panel', 'Nested mappings are not allowed in compact mappings');
      await problem.waitFor();
      const text = (await problem.innerText()).replace(/\s+/g, ' ').trim();
      const where = `[Ln ${broken.line}, Col ${broken.column}]`;
      if (!text.includes(where)) throw new Error(`expected ${where} in "${text}"`);
      if (!/yaml\W*BLOCK_AS_IMPLICIT_KEY/.test(text)) throw new Error(`expected the source and code in "${text}"`);
      const cli = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'analyze', '--format', 'json', '-'], { input: broken.text, encoding: 'utf8' });
      const cliErrors = JSON.parse(cli.stdout).filter((f) => f.severity === 'Error').length;
      if (cliErrors < 2) throw new Error(`the CLI should find the syntax error and the removed API: ${cli.stdout}`);
      // Closed files are reported too (workspace diagnostics): every error the CLI (same core) finds in the whole
      // workspace folder ends up counted in the status bar.
      const all = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'analyze', '--format', 'json', cs.dirs.ws], { encoding: 'utf8' });
      const wsErrors = JSON.parse(all.stdout).filter((f) => f.severity === 'Error').length;
      let status = '';
      for (const deadline = Date.now() + 60000; Date.now() < deadline; await page.waitForTimeout(250)) {
        status = await page.locator('#status\\.problems').getAttribute('aria-label');
        if (new RegExp(`Errors?: ${wsErrors}\\b`).test(status)) break;
      }
      if (!new RegExp(`Errors?: ${wsErrors}\\b`).test(status)) throw new Error(`status bar says "${status}", the CLI finds ${wsErrors} errors in the workspace (${cliErrors} in this file)`);
      await shot('1-problems');
      return `"${text}"`;
    });
    await check('a VirtualService shows its unknown field and its failing CEL rule in the Problems panel', async () => {
      await openFile('reviews-draft.yaml');
      // The CEL rule is an Error, the unknown field a Warning (the API server's default field validation drops it).
      await editor.locator('.squiggly-error').first().waitFor({ timeout: 60000 });
      await editor.locator('.squiggly-warning').first().waitFor({ timeout: 60000 });
      await problemsOf('reviews-draft.yaml');
      const rows = [];
      for (const want of [vs.unknownField, vs.cel]) {
        const r = row('.markers-panel', want.text);
        await r.waitFor();
        const text = (await r.innerText()).replace(/\s+/g, ' ').trim();
        if (!text.includes(`[Ln ${want.line}, Col ${want.column}]`)) throw new Error(`expected [Ln ${want.line}, Col ${want.column}] in "${text}"`);
        rows.push(`"${text}"`);
      }
      await shot('2-schema-problems');
      return rows.join(' and ');
    });
    await check('completion offers a schema field', async () => {
      await editor.locator('.view-line', { hasText: 'host: reviews' }).click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Control+Space');
      const item = page.locator('.suggest-widget .monaco-list-row', { hasText: 'subset' }).first();
      await item.waitFor();
      const labels = await page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts();
      await shot('3-completion');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Z');
      return `suggestions: ${labels.slice(0, 6).join(', ')}`;
    });
    await check('hover shows the field description', async () => {
      await editor.locator('.view-line span', { hasText: /^hosts$/ }).first().hover();
      const hover = page.locator('.monaco-hover', { hasText: 'spec.hosts' }).first();
      await hover.waitFor();
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      if (!/destination hosts/i.test(text)) throw new Error(`hover says "${text}"`);
      await shot('4-hover');
      return `"${text.slice(0, 90)}..."`;
    });
    const injectionDiff = async (name, fileName, line) => {
      await openFile(fileName);
      if (line) {
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill(`:${line}`);
        await page.keyboard.press('Enter');
      }
      const lens = editor.locator('.codelens-decoration a', { hasText: 'Preview sidecar injection' }).filter({ visible: true });
      await lens.first().waitFor({ timeout: 60000 });
      // The lens right above the cursor line (monaco keeps lenses of other lines in the DOM too).
      const cursorY = (await editor.locator('.cursor').first().boundingBox())?.y ?? 0;
      let best;
      for (const l of await lens.all()) {
        const box = await l.boundingBox();
        if (box && box.height > 0 && box.y < cursorY && (!best || box.y > best.y)) best = { l, y: box.y };
      }
      await (best ? best.l : lens.first()).click();
      const diff = page.locator('.monaco-diff-editor').first();
      await diff.waitFor({ timeout: 15000 }).catch(async () => {
        const boxes = await Promise.all((await lens.all()).map(async (l) => JSON.stringify(await l.boundingBox())));
        throw new Error(`no diff editor after clicking the lens at y=${best?.y} (cursor y=${cursorY}; lenses: ${boxes.join(' ')})`);
      });
      await page.locator('.tabs-container .tab.active', { hasText: 'sidecar injected' }).waitFor();
      // The modified (right) side is the virtual document with the injected workload.
      const injected = diff.locator('.editor.modified .view-line', { hasText: 'istio-proxy' }).first();
      await injected.waitFor();
      const text = (await injected.innerText()).replace(/\s+/g, ' ').trim();
      await shot(name);
      await page.keyboard.press('Control+W');
      return `right side: "${text.slice(0, 100)}"`;
    };
    await check('the CodeLens on the seed composer.yaml opens the injection diff', () => injectionDiff('5-injection-composer', 'composer.yaml'));
    await check('the CodeLens on bookinfo productpage opens the injection diff', () => {
      const lines = fs.readFileSync(path.join(DEMO, 'bookinfo/platform/bookinfo.yaml'), 'utf8').split('\n');
      const name = lines.indexOf('  name: productpage-v1');
      if (lines[name - 2] !== 'kind: Deployment') throw new Error('unexpected bookinfo.yaml layout');
      return injectionDiff('5-injection-productpage', 'bookinfo.yaml', name - 2);
    });
    await check('mesh analysis across files: the missing subset is reported on the subset, and fixing the other file clears it', async () => {
      await openFile('cart-vs.yaml');
      await problemsOf('cart-vs.yaml');
      const problem = row('.markers-panel', mesh.message);
      await problem.waitFor({ timeout: 60000 });
      const text = (await problem.innerText()).replace(/\s+/g, ' ').trim();
      if (!text.includes(`[Ln ${mesh.line}, Col ${mesh.column}]`) || !text.includes('IST0101')) throw new Error(`expected IST0101 at [Ln ${mesh.line}, Col ${mesh.column}] in "${text}"`);
      await shot('7-mesh-subset');
      // Fix the DestinationRule in the other file (as a git pull would): the VirtualService's diagnostic goes away without reopening it.
      fs.writeFileSync(path.join(cs.dirs.ws, mesh.drName), mesh.fixedDr);
      await problem.waitFor({ state: 'detached', timeout: 60000 });
      return `"${text}", then cleared`;
    });
    await check('a file never opened has its findings in the Problems panel (workspace diagnostics)', async () => {
      await problemsOf('membersrvc.yaml');
      const problem = row('.markers-panel', 'was removed in Kubernetes 1.16');
      await problem.waitFor({ timeout: 60000 });
      const text = (await problem.innerText()).replace(/\s+/g, ' ').trim();
      const open = await page.locator('.tabs-container .tab', { hasText: 'membersrvc.yaml' }).count();
      if (open) throw new Error('membersrvc.yaml is open: the check needs a closed file');
      await shot('7b-closed-file');
      return `"${text.slice(0, 120)}"`;
    });
    await check('the Istio view container shows the no-cluster state', async () => {
      await page.locator('.activitybar [aria-label^="Istio"]').first().click();
      const mesh = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Mesh' }) });
      await mesh.getByText('No cluster connected.').waitFor();
      await mesh.getByRole('button', { name: 'Choose a Context' }).waitFor();
      await page.locator('.pane-header', { hasText: 'Route Tables' }).waitFor();
      await shot('5-istio-view');
    });
    await check('choosing a context from the kubeconfig fills the Mesh tree', async () => {
      await page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Mesh' }) }).getByRole('button', { name: 'Choose a Context' }).click();
      await row('.quick-input-list', 'staging').waitFor();
      await row('.quick-input-list', 'kind-mesh').click();
      const ctxRow = row('.pane-body', 'kind-mesh');
      await ctxRow.waitFor();
      const text = (await ctxRow.innerText()).replace(/\s+/g, ' ');
      if (!text.includes('https://127.0.0.1:6443')) throw new Error(`context row says "${text}"`);
      await row('.pane-body', 'Not connected').waitFor();
      await shot('6-context');
      if (README_SHOT) {
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill('vp0-broken.yaml');
        await row('.quick-input-list', 'vp0-broken.yaml').waitFor();
        await page.keyboard.press('Enter');
        await page.waitForTimeout(1000);
        await page.screenshot({ path: path.resolve(ROOT, README_SHOT) });
      }
    });
  } finally {
    await browser.close();
    const activation = cs.exthostLog().split('\n').find((l) => /_doActivateExtension istio-workbench\.istio-workbench/.test(l));
    console.log(`  exthost log: ${activation ? activation.trim() : 'NO ACTIVATION OF istio-workbench.istio-workbench FOUND'}`);
    if (!activation) failed++;
    await cs.stop();
  }
  console.log(`UI checks: ${passed} passed, ${failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)} s (vsix ${path.basename(VSIX)})`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
