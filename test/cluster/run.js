#!/usr/bin/env node
// npm run test:cluster: the cluster tests import @kubernetes/client-node 2 (ESM, Node >= 22.19), so they run on the
// harness's Node 24 (test/harness/install.js) whatever node runs npm. Tests are compiled to out/test/cluster first.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { nodeBin } = require('../harness/install');

const ROOT = path.resolve(__dirname, '../..');
const dir = path.join(ROOT, 'out/test/cluster');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).map((f) => path.join(dir, f)) : [];
if (!files.length) {
  console.error('no compiled cluster tests in out/test/cluster: run npm run compile-tests');
  process.exit(2);
}
const r = spawnSync(nodeBin(), ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files], { stdio: 'inherit', cwd: ROOT });
process.exit(r.status ?? 1);
