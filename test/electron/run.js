#!/usr/bin/env node
// Desktop runner: the same extension-host suite under @vscode/test-electron, for machines with a VS Code binary.
// Nothing is downloaded: set VSCODE_BIN (or VSCODE_EXECUTABLE_PATH) to the `code` executable. Not part of CI here.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const exe = process.env.VSCODE_BIN || process.env.VSCODE_EXECUTABLE_PATH;
if (!exe) {
  console.error('test:electron needs a desktop VS Code: set VSCODE_BIN=/path/to/code (headless Linux: xvfb-run -a npm run test:electron).');
  process.exit(2);
}
const { runTests } = require('@vscode/test-electron');
const { ROOT, DEMO, KUBECONFIG, brokenSeed } = require('../e2e/fixtures');

(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-electron-'));
  const ws = path.join(tmp, 'workspace');
  fs.cpSync(DEMO, ws, { recursive: true });
  const broken = brokenSeed();
  fs.writeFileSync(path.join(ws, broken.name), broken.text);
  try {
    await runTests({
      vscodeExecutablePath: exe,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/suite/index.js'),
      extensionTestsEnv: { KUBECONFIG, IWB_BROKEN_FILE: broken.name, IWB_BROKEN_LINE: String(broken.line), EXT_TEST_RESULTS: path.join(ROOT, 'test-results/electron-results.json') },
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${path.join(tmp, 'user-data')}`],
    });
  } catch (e) {
    console.error(`extension tests failed: ${e instanceof Error ? e.message : e}`);
    process.exitCode = 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
})();
