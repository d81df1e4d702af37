#!/usr/bin/env node
// Runs the mocha suite (out/test/suite) INSIDE the real Node extension host of code-server, with the extension
// loaded unpackaged from the repo (extensionDevelopmentPath). Exit code: 0 passed, 1 failed, 2 harness error, 3 timeout.
'use strict';
const fs = require('fs');
const path = require('path');
const { startCodeServer, launchBrowser } = require('../harness/cs');
const { ROOT, DEMO, KUBECONFIG, brokenSeed } = require('./fixtures');

const RESULTS = path.join(ROOT, 'test-results');

(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  const tests = path.join(ROOT, 'out/test/suite/index.js');
  if (!fs.existsSync(tests)) throw new Error(`${tests} is missing: run npm run compile-tests`);
  const broken = brokenSeed();
  const resultsFile = path.join(RESULTS, 'ext-host-results.json');
  fs.rmSync(resultsFile, { force: true });
  const cs = await startCodeServer({
    workspace: DEMO,
    files: { [broken.name]: broken.text },
    env: { KUBECONFIG, EXT_TEST_RESULTS: resultsFile, IWB_BROKEN_FILE: broken.name, IWB_BROKEN_LINE: String(broken.line) },
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'], // without it the built workbench ignores the payload
  });
  const remote = (p) => `vscode-remote://remote${p}`; // code-server's remoteAuthority is literally "remote"
  const payload = [['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(tests)]];
  const browser = await launchBrowser();
  let code = 2;
  const t0 = Date.now();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let exit;
    const exited = new Promise((r) => { exit = r; });
    await page.exposeFunction('codeAutomationExit', (c) => exit(c)); // the workbench calls this when run() settles
    page.on('console', (m) => { const t = m.text(); const i = t.indexOf('[ext-test] '); if (i >= 0) console.log(`  ${t.slice(i + 11)}`); });
    await page.goto(`${cs.folderUrl}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    code = await Promise.race([exited, new Promise((r) => setTimeout(r, 300000, 'timeout'))]);
    if (code === 'timeout') code = 3;
    if (code !== 0) await page.screenshot({ path: path.join(RESULTS, 'ext-host-failure.png') });
  } finally {
    await browser.close();
    const activation = cs.exthostLog().split('\n').filter((l) => /istio-workbench/i.test(l) && /activat/i.test(l));
    for (const l of activation.slice(0, 3)) console.log(`  exthost log: ${l.trim()}`);
    await cs.stop();
  }
  console.log(`extension host tests finished in ${((Date.now() - t0) / 1000).toFixed(1)} s: exit code ${code}`);
  process.exit(code);
})().catch((e) => { console.error(e); process.exit(2); });
