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

/**
 * Two files of one mesh: a VirtualService routing to subset v2 (line 14) that the DestinationRule in the other file lacks,
 * and the DestinationRule's fixed text that adds it.
 */
function crossFileSubset() {
  const svc = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: cart', '  namespace: shop', 'spec:', '  selector:', '    app: cart',
    '  ports:', '  - name: http', '    port: 8080', '---', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: cart-v1',
    '  namespace: shop', 'spec:', '  selector:', '    matchLabels:', '      app: cart', '  template:', '    metadata:', '      labels:',
    '        app: cart', '        version: v1', '    spec:', '      containers:', '      - name: cart', '        image: example/cart:1', ''].join('\n');
  const vs = ['apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', '  name: cart', '  namespace: shop', 'spec:',
    '  hosts:', '  - cart', '  http:', '  - route:', '    - destination:', '        host: cart', '        # the DestinationRule in cart-dr.yaml must define this subset',
    '        subset: v2', ''].join('\n');
  const dr = (subsets) => ['apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata:', '  name: cart', '  namespace: shop', 'spec:',
    '  host: cart', '  subsets:', ...subsets.flatMap((v) => [`  - name: ${v}`, '    labels:', `      version: ${v}`]), ''].join('\n');
  return {
    files: { 'shop/cart.yaml': svc, 'shop/cart-vs.yaml': vs, 'shop/cart-dr.yaml': dr(['v1']) },
    drName: 'shop/cart-dr.yaml', fixedDr: dr(['v1', 'v2']),
    message: 'Referenced host+subset in destinationrule not found: "cart+v2"', line: 14, column: 17,
  };
}

module.exports = { ROOT, DEMO, KUBECONFIG, brokenSeed, badVirtualService, crossFileSubset };
