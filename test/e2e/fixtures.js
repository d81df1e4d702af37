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

/** A VirtualService with an unknown field (`subnet`, line 14) and a failing CEL rule (`timeout: 0s`, line 10). */
function badVirtualService() {
  return {
    name: 'bookinfo/reviews-draft.yaml',
    text: ['apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', '  name: reviews-draft', '  namespace: bookinfo',
      'spec:', '  hosts:', '  - reviews', '  http:', '  - timeout: 0s', '    route:', '    - destination:', '        host: reviews',
      '        subnet: v1', ''].join('\n'),
    unknownField: { line: 14, column: 9, text: 'unknown field "spec.http[0].route[0].destination.subnet" (did you mean "subset"?)' },
    cel: { line: 10, column: 14, text: 'must be a valid duration greater than 1ms' },
  };
}

module.exports = { ROOT, DEMO, KUBECONFIG, brokenSeed, badVirtualService };
