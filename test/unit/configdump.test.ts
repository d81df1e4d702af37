// Envoy config_dump parsing against istioctl's own expected output (test/fixtures/configdump, from istio/istio).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatClusterRows, formatRouteRows, parseConfigDump, routeRows, describeRouteDomains } from '../../src/mesh/configdump';

const DIR = path.resolve(__dirname, '../../../test/fixtures/configdump');
const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as { cases: { id: string; input: string; expected?: string; command?: string }[] };
const read = (f: string): string => fs.readFileSync(path.join(DIR, f), 'utf8');

const routeCases = manifest.cases.filter((c) => c.command === 'istioctl proxy-config routes <pod>');

test('the manifest lists every route dump of the reference', () => {
  const dirs = fs.readdirSync(path.join(DIR, 'envoy/routes')).sort();
  assert.deepEqual(routeCases.map((c) => path.basename(path.dirname(c.input))).sort(), dirs);
  assert.ok(dirs.length >= 3);
});

for (const c of routeCases) {
  test(`route rows equal istioctl's output: ${c.id}`, () => {
    const dump = parseConfigDump(read(c.input));
    assert.ok(dump.ok, dump.ok ? '' : dump.error);
    assert.equal(formatRouteRows(routeRows(dump.value)), read(c.expected!));
  });
}

const section = (text: string, title: string): string => {
  const start = text.indexOf(`------ ${title} ------\n\n`) + title.length + 16;
  const end = text.indexOf('\n------', start);
  return text.slice(start, end === -1 ? undefined : end + 1).replace(/\n+$/, '\n');
};

test('proxy-config all: the route and cluster sections equal istioctl', () => {
  const dump = parseConfigDump(read('proxyconfig-all/config_dump.json'));
  assert.ok(dump.ok);
  const expected = read('proxyconfig-all/config_dump_summary_withheaders.txt');
  assert.equal(formatRouteRows(routeRows(dump.value, true)), section(expected, 'ROUTE INFO'));
  assert.equal(formatClusterRows(dump.value.clusters, true), section(expected, 'CLUSTER INFO'));
  assert.equal(dump.value.istioVersion, '1.21.0-1226');
  const l = dump.value.listeners.find((x) => x.port === '15021');
  assert.deepEqual(l && [l.address, l.destinations], ['0.0.0.0', ['Inline Route']]);
  assert.ok(dump.value.listeners.some((x) => x.name === 'main_internal' && x.destinations.includes('Cluster: encap')));
});

test('a productpage sidecar: virtual hosts, actions and VirtualService references', () => {
  const dump = parseConfigDump(read('describe/http_config.json'));
  assert.ok(dump.ok);
  const rc = dump.value.routes.find((r) => r.name === 'http.8080');
  assert.ok(rc);
  const route = rc.virtualHosts[0].routes[0];
  assert.equal(route.match, '/productpage');
  assert.deepEqual(route.config && { kind: route.config.kind, namespace: route.config.namespace, name: route.config.name }, { kind: 'VirtualService', namespace: 'default', name: 'bookinfo' });
  assert.equal(route.virtualService, 'bookinfo.default');
  assert.equal(route.action.type, 'cluster');
  assert.ok(dump.value.clusters.some((c) => c.fqdn === 'productpage.default.svc.cluster.local' && c.subset === 'v1'));
});

test('weighted clusters, redirects and direct responses are summarised', () => {
  const dump = parseConfigDump({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump', dynamic_route_configs: [{ route_config: { name: '9080', virtual_hosts: [
    { name: 'reviews:9080', domains: ['reviews.default.svc.cluster.local', 'reviews', 'reviews.default.svc', 'reviews.default', '10.0.0.5', 'reviews:9080'], routes: [
      { match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'outbound|9080|v1|reviews', weight: 90 }, { name: 'outbound|9080|v2|reviews', weight: 10 }] }, timeout: '5s', retry_policy: { num_retries: 2, retry_on: '5xx' } } },
      { match: { path: '/old' }, redirect: { path_redirect: '/new' } },
      { match: { safe_regex: { regex: '^/x' } }, direct_response: { status: 503 } },
      { match: { prefix: '/' }, route: { cluster: 'PassthroughCluster' } },
    ] },
    { name: 'empty', domains: ['*'], routes: [] },
  ] } }] }] });
  assert.ok(dump.ok);
  const [w, rd, dr] = dump.value.routes[0].virtualHosts[0].routes;
  assert.equal(w.action.summary, 'outbound|9080|v1|reviews 90%, outbound|9080|v2|reviews 10%');
  assert.equal(w.action.timeout, '5s');
  assert.equal(w.action.retries, '2x 5xx');
  assert.equal(rd.action.summary, 'redirect -> /new');
  assert.equal(dr.match, 'regex ^/x');
  assert.equal(dr.action.summary, 'direct response 503');
  const rows = routeRows(dump.value);
  assert.equal(rows.length, 4, 'PassthroughCluster is hidden; an empty virtual host is "/*" 404');
  assert.deepEqual(rows[3], { name: '9080', vhost: 'empty', domains: '*', match: '/*', virtualService: '404' });
  assert.equal(rows[0].domains, 'reviews, reviews.default + 1 more...');
});

test('domains: IPv6 kept, ports dropped', () => {
  assert.equal(describeRouteDomains(['[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:8090', 'a:80']), '[fd00:10:96::7fc7]');
  assert.equal(describeRouteDomains([]), '');
});

test('malformed dumps are error values', () => {
  assert.equal(parseConfigDump('{').ok, false);
  assert.equal(parseConfigDump('{"x":1}').ok, false);
  assert.equal(parseConfigDump('null').ok, false);
  const weird = parseConfigDump({ configs: [{ '@type': 'x.RoutesConfigDump', dynamic_route_configs: [{ route_config: { virtual_hosts: 'nope' } }, 7] }] });
  assert.ok(weird.ok);
  assert.equal(weird.value.routes.length, 1);
});

test('numeric route config names are sorted as istioctl does', () => {
  const mk = (names: string[]) => ({ configs: [{ '@type': 'x.RoutesConfigDump', dynamic_route_configs: names.map((name) => ({ route_config: { name, virtual_hosts: [] } })) }] });
  const d = parseConfigDump(mk(['9080', 'http.8080', '15010', '80']));
  assert.ok(d.ok);
  assert.deepEqual(d.value.routes.map((r) => r.name), ['9080', 'http.8080', '80', '15010']);
});
