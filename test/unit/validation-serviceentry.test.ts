// istio.WebhookValidationAnalyzer for ServiceEntry, WorkloadEntry and EnvoyFilter: Istio's own TestValidateServiceEntries,
// TestValidateWorkloadEntry and TestValidateEnvoyFilter-style cases (pkg/config/validation validation_test.go,
// envoyfilter/envoyfilter_test.go) as YAML, through the real file analyzer: valid -> no IST0106/IST0133, invalid ->
// Istio's message on the offending line. Every case is also run through the schema analyzer, which must find no error:
// these are the webhook's checks beyond the CRD, never the same problem twice. (Go cases the CRD already rejects, such
// as duplicate port numbers or endpoints with resolution NONE, are left to the schema tests.)
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipSubnetError } from '../../server/src/validation/agent';
import { E, expectFindings, W, webhook, type Want } from './validation-harness';

interface Case {
  name: string;
  /** The spec, indented by two spaces (under `spec:`). */
  spec: string;
  meta?: string;
  apiVersion?: string;
  want?: Want[];
}

const doc = (kind: string, c: Case): string => `apiVersion: ${c.apiVersion ?? (kind === 'EnvoyFilter' ? 'networking.istio.io/v1alpha3' : 'networking.istio.io/v1')}
kind: ${kind}
metadata:
  name: obj
  namespace: web
${c.meta ?? ''}spec:
${c.spec}`;

const HTTP_PORTS = `  ports:
  - {number: 80, protocol: http, name: http-valid1}
  - {number: 8080, protocol: http, name: http-valid2}
`;

const SERVICE_ENTRY: Case[] = [
  // valid
  { name: 'discovery type DNS', spec: `  hosts: ["*.google.com"]
${HTTP_PORTS}  endpoints:
  - {address: lon.google.com, ports: {http-valid1: 8080}}
  - {address: in.google.com, ports: {http-valid2: 9080}}
  resolution: DNS
` },
  { name: 'discovery type DNS, IP in endpoints', spec: `  hosts: ["*.google.com"]
${HTTP_PORTS}  endpoints:
  - {address: 1.1.1.1, ports: {http-valid1: 8080}}
  - {address: in.google.com, ports: {http-valid2: 9080}}
  resolution: DNS
` },
  { name: 'short name host', spec: `  hosts: [foo, bar.com]
${HTTP_PORTS}  endpoints:
  - {address: in.google.com, ports: {http-valid1: 9080}}
  resolution: DNS
` },
  { name: 'discovery type DNS, no endpoints', spec: `  hosts: [google.com]
${HTTP_PORTS}  resolution: DNS
` },
  { name: 'discovery type DNS_ROUND_ROBIN, one endpoint', spec: `  hosts: [google.com]
${HTTP_PORTS}  endpoints:
  - {address: in.google.com}
  resolution: DNS_ROUND_ROBIN
` },
  { name: 'discovery type none', spec: `  hosts: [google.com]
${HTTP_PORTS}  resolution: NONE
` },
  { name: 'discovery type none, cidr addresses', spec: `  hosts: [google.com]
  addresses: [172.1.2.16/16, "2001:db8::/32"]
${HTTP_PORTS}  resolution: NONE
` },
  { name: 'discovery type static, cidr addresses with endpoints', spec: `  hosts: [google.com]
  addresses: [172.1.2.16/16]
${HTTP_PORTS}  endpoints:
  - {address: 1.1.1.1, ports: {http-valid1: 8080}}
  - {address: 2.2.2.2, ports: {http-valid2: 9080}}
  resolution: STATIC
` },
  { name: 'discovery type static, no endpoints', spec: `  hosts: [google.com]
  addresses: [172.1.2.16]
${HTTP_PORTS}  resolution: STATIC
` },
  { name: 'unix socket', spec: `  hosts: [uds.cluster.local]
  ports:
  - {number: 6553, protocol: grpc, name: grpc-service1}
  resolution: STATIC
  endpoints:
  - address: unix:///path/to/socket
` },
  { name: 'workload selector with STATIC', spec: `  hosts: [vm.example.com]
  ports:
  - {number: 80, protocol: HTTP, name: http}
  resolution: STATIC
  workloadSelector:
    labels: {app: vm}
` },
  { name: 'TCP port with addresses, and with auto allocation (DNS, no addresses)', spec: `  hosts: [db.example.com]
  ports:
  - {number: 5432, protocol: TCP, name: tcp}
  resolution: DNS
` },
  { name: 'exportTo no one (~) alone', spec: `  hosts: [google.com]
${HTTP_PORTS}  exportTo: ["~"]
` },
  { name: 'DYNAMIC_DNS wildcard host', spec: `  hosts: ["*.wikipedia.org"]
  ports:
  - {number: 443, protocol: TLS, name: tls}
  resolution: DYNAMIC_DNS
` },
  // invalid
  { name: 'bad hosts', spec: `  hosts: ["-"]
${HTTP_PORTS}  endpoints:
  - {address: in.google.com, ports: {http-valid1: 9080}}
  resolution: DNS
`, want: [E('domain name "-" invalid (label "-" invalid)', 'hosts:')] },
  { name: 'partial wildcard host', spec: `  hosts: ["*foo.com"]
${HTTP_PORTS}  resolution: NONE
`, want: [W('partial wildcard "*foo.com" not allowed', 'hosts:')] },
  { name: 'undefined endpoint port', spec: `  hosts: [google.com]
${HTTP_PORTS}  endpoints:
  - {address: lon.google.com, ports: {http-valid1: 8080}}
  - {address: in.google.com, ports: {http-dne: 9080}}
  resolution: DNS
`, want: [E('endpoint port 9080 is not defined by the service entry', 'http-dne')] },
  { name: 'discovery type DNS, non-FQDN endpoint', spec: `  hosts: ["*.google.com"]
${HTTP_PORTS}  endpoints:
  - {address: "*.lon.google.com", ports: {http-valid1: 8080}}
  - {address: in.google.com, ports: {http-dne: 9080}}
  resolution: DNS
`, want: [E('endpoint address "*.lon.google.com" is not a valid FQDN or an IP address', '*.lon'), E('endpoint port 9080 is not defined', 'http-dne')] },
  { name: 'discovery type DNS, non-FQDN host', spec: `  hosts: ["*.google.com"]
${HTTP_PORTS}  resolution: DNS
`, want: [E('hosts must be FQDN if no endpoints are provided for resolution mode DNS', 'hosts:')] },
  { name: 'discovery type DNS, unix endpoint', spec: `  hosts: ["*.google.com"]
  ports:
  - {number: 80, protocol: http, name: http-valid1}
  endpoints:
  - address: unix:///lon/google/com
  resolution: DNS
`, want: [E('endpoint address "unix:///lon/google/com" is not a valid FQDN or an IP address', 'unix://')] },
  { name: 'discovery type static, FQDN in endpoints', spec: `  hosts: [google.com]
  addresses: [172.1.2.16]
${HTTP_PORTS}  endpoints:
  - {address: google.com, ports: {http-valid1: 8080}}
  - {address: 2.2.2.2, ports: {http-valid2: 9080}}
  resolution: STATIC
`, want: [E('endpoint address "google.com" is not a valid IP address', 'address: google.com')] },
  { name: 'discovery type static, bad endpoint port name', spec: `  hosts: [google.com]
  addresses: [172.1.2.16]
${HTTP_PORTS}  endpoints:
  - {address: 1.1.1.1, ports: {http-valid1: 8080}}
  - {address: 2.2.2.2, ports: {http-dne: 9080}}
  resolution: STATIC
`, want: [E('endpoint port 9080 is not defined by the service entry', 'http-dne')] },
  { name: 'unix socket, multiple service ports', spec: `  hosts: [uds.cluster.local]
  ports:
  - {number: 6553, protocol: grpc, name: grpc-service1}
  - {number: 80, protocol: http, name: http-service2}
  resolution: STATIC
  endpoints:
  - address: unix:///path/to/socket
`, want: [E('exactly 1 service port required for unix endpoints', 'unix://')] },
  { name: 'static endpoint with a network and no address', spec: `  hosts: [google.com]
${HTTP_PORTS}  resolution: STATIC
  endpoints:
  - {network: net-2, ports: {http-valid1: 8080}}
`, want: [W('address is unset with network "net-2"', 'network: net-2')] },
  { name: 'endpoint label key invalid', spec: `  hosts: [google.com]
${HTTP_PORTS}  resolution: STATIC
  endpoints:
  - address: 1.1.1.1
    labels: {"bad key": v}
`, want: [E('invalid tag key: "bad key"', 'bad key')] },
  { name: 'bad addresses', spec: `  hosts: [google.com]
  addresses: [1.2.3.4.5, 10.0.0.0/33, "10.0.0.0/08", 10.0.0.1]
${HTTP_PORTS}  resolution: NONE
`, want: [E('1.2.3.4.5 is not a valid IP', 'addresses:'), E('10.0.0.0/33 is not a valid CIDR block', 'addresses:'), E('10.0.0.0/08 is not a valid CIDR block', 'addresses:')] },
  { name: 'bad port name and protocol', spec: `  hosts: [google.com]
  ports:
  - {number: 80, protocol: foo, name: http_bad}
  resolution: NONE
`, want: [E('invalid port name: http_bad', 'http_bad'), E('unsupported protocol: foo', 'http_bad')] },
  { name: 'TCP port without addresses and resolution NONE', spec: `  hosts: [db.example.com]
  ports:
  - name: tcp
    number: 5432
    protocol: TCP
  - {number: 27017, name: unset}
  resolution: NONE
`, want: [] }, // Istio's webhook warns "addresses are required ..."; here that is IST0134, serviceentry.Analyzer's (no double report)
  { name: 'TCP port without addresses, auto allocation turned off by label', meta: `  labels:
    networking.istio.io/enable-autoallocate-ip: "False"
`, spec: `  hosts: [db.example.com]
  ports:
  - {number: 5432, protocol: TCP, name: tcp}
  resolution: DNS
`, want: [] }, // as above: IST0134 from serviceentry.Analyzer
  { name: 'multiple hosts with a TCP port', spec: `  hosts: [a.example.com, b.example.com]
  ports:
  - {number: 443, protocol: TLS, name: tls}
  - {number: 5432, protocol: TCP, name: tcp}
  resolution: DNS
`, want: [E('multiple hosts provided with non-HTTP, non-TLS ports', 'name: tcp')] },
  { name: 'multiple hosts with addresses and a TCP port, DNS', spec: `  hosts: [a.example.com, b.example.com]
  addresses: [10.1.1.1]
  ports:
  - {number: 5432, protocol: TCP, name: tcp}
  resolution: DNS
`, want: [W('service entry can not have more than one host specified simultaneously with address and tcp port', 'hosts:'), E('multiple hosts provided with non-HTTP, non-TLS ports', 'name: tcp')] },
  { name: 'workload selector with resolution NONE', spec: `  hosts: [google.com]
${HTTP_PORTS}  resolution: NONE
  workloadSelector:
    labels: {app: vm}
`, want: [W('workloadSelector should not be set when resolution mode is NONE', 'labels: {app: vm}')] },
  { name: 'workload selector with resolution DNS', spec: `  hosts: [google.com]
${HTTP_PORTS}  resolution: DNS
  workloadSelector:
    labels: {app: vm}
`, want: [W('workloadSelector should not be set when resolution mode is DNS', 'labels: {app: vm}')] },
  { name: 'workload selector without labels', spec: `  hosts: [google.com]
${HTTP_PORTS}  resolution: STATIC
  workloadSelector: {}
`, want: [W('service entry: workload selector specified without labels, will be applied to all services in namespace', 'workloadSelector:')] },
  { name: 'workload selector wildcard and empty keys stop the validation', spec: `  hosts: ["-"]
${HTTP_PORTS}  resolution: STATIC
  workloadSelector:
    labels: {"*": a, "": b}
`, want: [E('wildcard is not supported in selector: "*=a"', '"*": a'), E('empty key is not supported in selector: "=b"', 'labels:')] },
  { name: 'exportTo no one (~) and someone', spec: `  hosts: [google.com]
${HTTP_PORTS}  exportTo: ["~", "ns1"]
`, want: [E('cannot export service entry to no one (~) and someone', 'exportTo')] },
  { name: 'exportTo duplicates', spec: `  hosts: [google.com]
${HTTP_PORTS}  exportTo: [ns1, ns1]
`, want: [E('duplicate entries in exportTo for entry ns1', 'exportTo')] },
];

const WORKLOAD_ENTRY: Case[] = [
  { name: 'full', spec: `  address: 1.2.3.4
  ports: {http: 8080, grpc: 9090}
  labels: {app: vm, version: v1}
  locality: us-east1/a
  network: net-1
  serviceAccount: vm-sa
  weight: 10
` },
  { name: 'fqdn address', spec: '  address: vm.example.com\n' },
  { name: 'ipv6 address', spec: '  address: "2001:db8::1"\n' },
  { name: 'unix abstract socket', spec: '  address: unix://@foo\n' },
  { name: 'unix path', spec: '  address: unix:///var/run/vm.sock\n' },
  { name: 'network without address', spec: '  network: net-2\n', want: [W('address is unset with network "net-2"', 'network:')] },
  { name: 'address neither IP nor FQDN', spec: '  address: "1.2.3.4:80"\n', want: [E('endpoint address "1.2.3.4:80" is not a valid FQDN or an IP address', 'address:')] },
  { name: 'address with an underscore', spec: '  address: my_vm.example.com\n', want: [E('endpoint address "my_vm.example.com" is not a valid FQDN or an IP address', 'address:')] },
  { name: 'bad label key and value', spec: `  address: 1.2.3.4
  labels: {"-bad": ok, good: "-bad-"}
`, want: [E('invalid tag key: "-bad"', '"-bad"'), E('invalid tag value: "-bad-"', '"-bad"')] },
];

const ENVOY_FILTER: Case[] = [
  { name: 'http filter before the router', spec: `  workloadSelector:
    labels: {app: reviews}
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      proxy: {proxyVersion: '^1\\.2[0-9].*'}
      listener:
        portNumber: 8080
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter: {name: envoy.filters.http.router}
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.lua
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
          inlineCode: "function envoy_on_request(h) end"
` },
  { name: 'cluster, route configuration and network filter patches', spec: `  configPatches:
  - applyTo: CLUSTER
    match: {cluster: {service: reviews.default.svc.cluster.local}}
    patch: {operation: MERGE, value: {connect_timeout: 2s}}
  - applyTo: CLUSTER
    patch:
      operation: ADD
      value: {name: lua_cluster}
  - applyTo: VIRTUAL_HOST
    match: {routeConfiguration: {vhost: {name: "a.com:80"}}}
    patch: {operation: REMOVE}
  - applyTo: NETWORK_FILTER
    match: {listener: {filterChain: {filter: {name: envoy.filters.network.tcp_proxy}}}}
    patch: {operation: REMOVE}
  - applyTo: LISTENER
    match: {context: GATEWAY}
    patch: {operation: MERGE, value: {per_connection_buffer_limit_bytes: 1024}}
` },
  { name: 'waypoint matches', spec: `  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: WAYPOINT
      waypoint:
        filter:
          name: envoy.filters.network.http_connection_manager
          subFilter: {name: envoy.filters.http.router}
    patch: {operation: REMOVE}
  - applyTo: CLUSTER
    match: {context: WAYPOINT, waypoint: {}}
    patch: {operation: REMOVE}
` },
  { name: 'missing applyTo, patch, operation, value', spec: `  configPatches:
  - patch: {operation: REMOVE}
  - applyTo: INVALID
    patch: {operation: REMOVE}
  - applyTo: CLUSTER
  - applyTo: LISTENER
    patch: {value: {}}
  - applyTo: HTTP_ROUTE
    patch: {operation: MERGE}
`, want: [
    E('Envoy filter: missing applyTo', '- patch: {operation: REMOVE}'),
    E('Envoy filter: missing applyTo', 'applyTo: INVALID'),
    E('Envoy filter: missing patch', 'applyTo: CLUSTER'),
    E('Envoy filter: missing patch operation', 'patch: {value: {}}'),
    E('Envoy filter: missing patch value for non-remove operation', 'patch: {operation: MERGE}'),
  ] },
  { name: 'bad proxy version regex', spec: `  configPatches:
  - applyTo: CLUSTER
    match:
      proxy: {proxyVersion: "1.(2"}
    patch: {operation: REMOVE}
`, want: [E('Envoy filter: invalid regex for proxy version, [error parsing regexp: missing closing ): `1.(2`]', 'proxyVersion')] },
  { name: 'applyTo and match classes differ', spec: `  configPatches:
  - applyTo: HTTP_FILTER
    match: {cluster: {name: c1}}
    patch: {operation: REMOVE}
  - applyTo: HTTP_ROUTE
    match: {listener: {name: l1}}
    patch: {operation: REMOVE}
  - applyTo: CLUSTER
    match: {routeConfiguration: {name: r1}}
    patch: {operation: REMOVE}
`, want: [
    E('Envoy filter: applyTo for listener class objects cannot have non listener match', 'name: c1'),
    E('Envoy filter: applyTo for http route class objects cannot have non route configuration match', 'name: l1'),
    E('Envoy filter: applyTo for cluster class objects cannot have non cluster match', 'name: r1'),
  ] },
  { name: 'filter match with LISTENER / FILTER_CHAIN, or without a name', spec: `  configPatches:
  - applyTo: LISTENER
    match: {listener: {filterChain: {filter: {name: f-listener}}}}
    patch: {operation: REMOVE}
  - applyTo: NETWORK_FILTER
    match: {listener: {filterChain: {filter: {subFilter: {name: x}}}}}
    patch: {operation: REMOVE}
`, want: [
    W('Envoy filter: filter match has no effect when used with LISTENER', 'f-listener'),
    E('Envoy filter: filter match has no name to match on', 'subFilter: {name: x}'),
  ] },
  { name: 'sub filter matches', spec: `  configPatches:
  - applyTo: NETWORK_FILTER
    match: {listener: {filterChain: {filter: {name: envoy.filters.network.http_connection_manager, subFilter: {name: s1}}}}}
    patch: {operation: REMOVE}
  - applyTo: HTTP_FILTER
    match: {listener: {filterChain: {filter: {name: envoy.filters.network.tcp_proxy, subFilter: {name: s2}}}}}
    patch: {operation: REMOVE}
  - applyTo: HTTP_FILTER
    match:
      listener:
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter: {name: ""}
    patch: {operation: REMOVE}
`, want: [
    E('Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only', 's1'),
    E('Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager', 's2'),
    E('Envoy filter: subfilter match has no name to match on', 'subFilter: {name: ""}'),
  ] },
  { name: 'deprecated filter names', spec: `  configPatches:
  - applyTo: HTTP_FILTER
    match:
      listener:
        filterChain:
          filter:
            name: envoy.http_connection_manager
            subFilter:
              name: envoy.router
    patch: {operation: REMOVE}
`, want: [
    W('using deprecated filter name "envoy.http_connection_manager"; use "envoy.filters.network.http_connection_manager" instead', 'name: envoy.http_connection_manager'),
    W('using deprecated filter name "envoy.router"; use "envoy.filters.http.router" instead', 'name: envoy.router'),
  ] },
  { name: 'workload selector without labels', spec: `  workloadSelector: {}
  configPatches:
  - applyTo: CLUSTER
    patch: {operation: REMOVE}
`, want: [W('Envoy filter: workload selector specified without labels, will be applied to all services in namespace', 'workloadSelector')] },
];

for (const [kind, cases] of [['ServiceEntry', SERVICE_ENTRY], ['WorkloadEntry', WORKLOAD_ENTRY], ['EnvoyFilter', ENVOY_FILTER]] as const) {
  for (const c of cases) {
    test(`${kind} webhook validation: ${c.name}`, () => expectFindings(doc(kind, c), c.want ?? []));
  }
}

test('every served version of the three kinds is validated', () => {
  const specs: [string, string[], string][] = [
    ['ServiceEntry', ['v1', 'v1beta1', 'v1alpha3'], '  hosts: ["-"]\n'],
    ['WorkloadEntry', ['v1', 'v1beta1', 'v1alpha3'], '  address: a_b\n'],
    ['EnvoyFilter', ['v1alpha3'], '  configPatches: [{patch: {operation: REMOVE}}]\n'],
  ];
  for (const [kind, versions, spec] of specs) {
    for (const v of versions) {
      const f = webhook(doc(kind, { name: '', spec, apiVersion: `networking.istio.io/${v}` }));
      assert.equal(f.length, 1, `${v} ${kind}: ${JSON.stringify(f.map((x) => x.message))}`);
    }
  }
});

test('the CRD\'s own cases: nothing the schema reports is reported again', () => {
  // shapes from ../shared/istio-ref/validation (serviceentry/workloadentry/envoyfilter -invalid.yaml): the CRD rejects them
  const docs = [
    ['ServiceEntry', '  hosts: ["*"]\n'],
    ['ServiceEntry', '  hosts: [a.com]\n  resolution: DNS\n  addresses: [10.0.0.0/8]\n'],
    ['ServiceEntry', '  hosts: [a.com]\n  ports: [{name: a, number: 1}, {name: b, number: 1}]\n  resolution: DNS\n'],
    ['ServiceEntry', '  hosts: [a.com]\n  endpoints: [{address: 1.1.1.1}]\n  workloadSelector: {labels: {a: b}}\n  resolution: STATIC\n'],
    ['ServiceEntry', '  hosts: [a.com]\n  endpoints: [{address: 1.1.1.1}]\n  resolution: NONE\n'],
    ['ServiceEntry', '  hosts: [a.com]\n  workloadSelector: {labels: {a: "*"}}\n  resolution: STATIC\n'],
    ['WorkloadEntry', '  address: unix://relative\n'],
    ['WorkloadEntry', '  address: unix:///dir/\n'],
    ['WorkloadEntry', '  address: unix:///a.sock\n  ports: {http: 80}\n'],
    ['WorkloadEntry', '  address: 1.1.1.1\n  ports: {http: 70000, "bad_name": 80}\n'],
  ];
  for (const [kind, spec] of docs) {
    const f = webhook(doc(kind, { name: '', spec }));
    assert.deepEqual(f.map((x) => x.message), [], `${kind}: ${spec}`);
  }
});

test('odd shapes never throw', () => {
  const shapes = [
    'spec: null', 'spec: []', 'spec: {hosts: [1, null], ports: [null, 3, {name: 5}], endpoints: [null, "x", {ports: []}], addresses: {}}',
    'spec: {hosts: "x", resolution: 5, workloadSelector: [], exportTo: 7}', 'spec: {address: 5, ports: [], labels: []}',
    'spec: {configPatches: [null, 1, {applyTo: 3, patch: []}, {applyTo: HTTP_FILTER, patch: {operation: REMOVE}, match: {listener: {filterChain: {filter: []}}}}]}',
    'spec: {configPatches: {}, workloadSelector: {labels: null}}',
  ];
  for (const kind of ['ServiceEntry', 'WorkloadEntry', 'EnvoyFilter']) {
    for (const s of shapes) webhook(`apiVersion: networking.istio.io/v1alpha3\nkind: ${kind}\nmetadata:\n  name: x\n${s}\n`);
  }
});

test('agent.ValidateIPSubnet follows netip.ParsePrefix', () => {
  for (const ok of ['10.0.0.0/8', '0.0.0.0/0', '::/0', '2001:db8::/128', '1.2.3.4']) assert.equal(ipSubnetError(ok), undefined, ok);
  for (const bad of ['10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', 'fe80::1%eth0/64', '10.0.0.0/+8', 'a/8']) assert.equal(ipSubnetError(bad), `${bad} is not a valid CIDR block`, bad);
  assert.equal(ipSubnetError('1.2.3.4/8/8'), '1.2.3.4/8/8 is not a valid IP');
});
