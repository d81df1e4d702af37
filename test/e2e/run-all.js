#!/usr/bin/env node
// Runs every end-to-end suite in real VS Code (code-server): the extension-host mocha suite (unpackaged
// extension) and the Playwright UI checks (packaged .vsix). Exit code: non-zero if any suite failed.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const suites = [
  ['extension host (mocha, vscode API)', 'run-ext-tests.js'],
  ['workbench UI (Playwright, packaged .vsix)', 'ui.js'],
  ['service graph (Prometheus + webview, packaged .vsix)', 'graph.js'],
  ['live cluster views (test API server, packaged .vsix)', 'cluster.js'],
];
const t0 = Date.now();
let failed = 0;
for (const [name, file] of suites) {
  console.log(`\n# e2e: ${name}`);
  const r = spawnSync(process.execPath, [path.join(__dirname, file)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`# e2e: ${name} FAILED (exit ${r.status ?? r.signal})`);
  }
}
console.log(`\n# e2e: ${suites.length - failed}/${suites.length} suites passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
