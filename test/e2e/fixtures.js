// What the e2e suites open: the demo workspace plus one seed file with a YAML syntax error introduced.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const DEMO = path.join(ROOT, 'test/demo-workspace');
const KUBECONFIG = path.join(ROOT, 'test/fixtures/kubeconfig.yaml');

/** vp0.yaml with line 6 (`  name: vp0`) turned into a nested compact mapping: a syntax error at line 6, column 9. */
function brokenSeed() {
  const lines = fs.readFileSync(path.join(DEMO, 'hyperledger/vp0.yaml'), 'utf8').split('\n');
  if (lines[5] !== '  name: vp0') throw new Error(`unexpected seed line 6: ${lines[5]}`);
  lines[5] = '  name: vp0: broken';
  return { name: 'hyperledger/vp0-broken.yaml', text: lines.join('\n'), line: 6, column: 9 };
}

module.exports = { ROOT, DEMO, KUBECONFIG, brokenSeed };
