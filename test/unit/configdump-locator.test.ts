// "Go to VirtualService": the route's istio.config reference is found among the documents of a workspace file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseConfigPath } from '../../src/mesh/configdump';
import { locateResource } from '../../src/mesh/resourceLocator';

const DEMO = path.resolve(__dirname, '../../../test/demo-workspace/bookinfo/networking');

test('a route reference finds bookinfo\'s VirtualService in the demo workspace at its name', () => {
  const ref = parseConfigPath('/apis/networking.istio.io/v1alpha3/namespaces/default/virtual-service/bookinfo');
  assert.ok(ref);
  const text = fs.readFileSync(path.join(DEMO, 'bookinfo-gateway.yaml'), 'utf8');
  const found = locateResource(text, ref.kind, ref.namespace, ref.name);
  assert.ok(found);
  assert.equal(text.slice(found.nameStart, found.nameEnd), 'bookinfo');
  assert.match(text.slice(found.start, found.end), /kind: VirtualService/);
});

test('kind, namespace and name must all match; malformed YAML is no match', () => {
  const text = 'kind: VirtualService\nmetadata:\n  name: reviews\n  namespace: prod\n---\nkind: DestinationRule\nmetadata:\n  name: reviews\n';
  assert.equal(locateResource(text, 'VirtualService', 'default', 'reviews'), null);
  assert.ok(locateResource(text, 'VirtualService', 'prod', 'reviews'));
  assert.ok(locateResource(text, 'DestinationRule', 'default', 'reviews'));
  assert.equal(locateResource('kind: [\n name: reviews', 'VirtualService', 'default', 'reviews'), null);
  assert.equal(parseConfigPath('/apis/x'), null);
});
