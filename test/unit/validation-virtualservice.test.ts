// istio.WebhookValidationAnalyzer for VirtualService: Istio's own TestValidateVirtualService / TestValidateHTTPRoute /
// TestValidateChainingVirtualService-style cases (pkg/config/validation validation_test.go, virtualservice_test.go) as
// YAML, through the real file analyzer: valid -> no IST0106/IST0133, invalid -> Istio's message on the offending line.
// Every case is also run through schema.SchemaValidator, which must find no error: these are the webhook's checks
// beyond the CRD, never the same problem twice.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { vsParseDuration } from '../../server/src/validation/virtualservice';
import { E, expectFindings, W, webhook, type Want } from './validation-harness';

interface Case {
  name: string;
  /** The spec, indented by two spaces (under `spec:`). */
  spec: string;
  meta?: string;
  apiVersion?: string;
  want?: Want[];
}

function doc(c: Case): string {
  return `apiVersion: ${c.apiVersion ?? 'networking.istio.io/v1'}
kind: VirtualService
metadata:
  name: vs
  namespace: web
${c.meta ?? ''}spec:
${c.spec}`;
}

const ROUTE = `    route:
    - destination:
        host: foo.baz
`;

/** One HTTP route to foo.baz. */
const HTTP1 = `  - route:
    - destination:
        host: foo.baz
`;

const CASES: Case[] = [
  // ---- TestValidateVirtualService
  { name: 'simple', spec: `  hosts: [foo.bar]\n  http:\n${HTTP1}` },
  {
    name: 'allow sni based domains',
    spec: `  hosts: [outbound_.15010_._.istiod.istio-system.svc.cluster.local]
  gateways: [ns1/gateway]
  tls:
  - match:
    - sniHosts: [outbound_.15010_._.istiod.istio-system.svc.cluster.local]
    route:
    - destination:
        host: istio.istio-system.svc.cluster.local
`,
  },
  {
    name: 'duplicate hosts',
    spec: `  hosts:\n  - "*.foo.bar"\n  - "*.bar"\n  http:\n${HTTP1}`,
    want: [E('duplicate hosts in virtual service: *.foo.bar & *.bar', '- "*.bar"')],
  },
  { name: 'delegate with no hosts', spec: `  http:\n${HTTP1}` },
  {
    name: 'bad host',
    spec: `  hosts: [foo.ba!r]\n  http:\n${HTTP1}`,
    want: [E('domain name "ba!r" invalid (label "ba!r" invalid)', 'hosts:')],
  },
  { name: 'no tcp or http routing', spec: '  hosts: [foo.bar]\n', want: [E('http, tcp or tls must be provided in virtual service', 'hosts:')] },
  {
    name: 'bad gateway',
    spec: `  hosts: [foo.bar]\n  gateways: [b@dgateway]\n  http:\n${HTTP1}`,
    want: [E('domain name "b@dgateway" invalid (label "b@dgateway" invalid)', 'gateways:')],
  },
  {
    name: 'FQDN for gateway (legacy format warning)',
    spec: `  hosts: [foo.bar]\n  gateways: [gateway.example.com]\n  http:\n${HTTP1}`,
    want: [W('using legacy gatewayName format "gateway.example.com"; prefer the <namespace>/<name> format: "example/gateway"', 'gateways:')],
  },
  { name: 'namespace/name for gateway', spec: `  hosts: [foo.bar]\n  gateways: [ns1/gateway]\n  http:\n${HTTP1}` },
  {
    name: 'namespace/* for gateway',
    spec: `  hosts: [foo.bar]\n  gateways: [ns1/*]\n  http:\n${HTTP1}`,
    want: [E('invalid value for gateway name: "*"', 'gateways:')],
  },
  {
    name: '*/name for gateway',
    spec: `  hosts: [foo.bar]\n  gateways: ["*/gateway"]\n  http:\n${HTTP1}`,
    want: [E('invalid value for namespace: "*"', 'gateways:')],
  },
  {
    name: 'wildcard for mesh gateway',
    spec: `  hosts: ["*"]\n  http:\n${HTTP1}`,
    want: [E('wildcard host * is not allowed for virtual services bound to the mesh gateway', 'hosts:')],
  },
  { name: 'wildcard for non-mesh gateway', spec: `  hosts: ["*"]\n  gateways: [somegateway]\n  http:\n${HTTP1}` },
  { name: 'an IP address as host', spec: `  hosts: [10.0.0.1]\n  http:\n${HTTP1}` },
  {
    name: 'missing tcp route',
    spec: '  hosts: [foo.bar]\n  tcp:\n  - match:\n    - port: 999\n',
    want: [E('TCP route is required', '- match:')],
  },
  {
    name: 'missing tls route',
    spec: '  hosts: [foo.bar]\n  tls:\n  - match:\n    - port: 999\n      sniHosts: [foo.bar]\n',
    want: [E('TLS route is required', '- match:')],
  },
  {
    name: 'deprecated mirror percent',
    spec: `  hosts: [foo.bar]\n  gateways: [ns1/gateway]\n  http:\n  - mirrorPercent: 5\n${ROUTE}`,
    want: [W('using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', 'mirrorPercent: 5')],
  },
  {
    name: 'set authority',
    spec: `  hosts: [foo.bar]\n  http:\n  - headers:\n      request:\n        set:\n          ":authority": foo\n${ROUTE}`,
  },
  {
    name: 'set authority in destination',
    spec: '  hosts: [foo.bar]\n  http:\n  - route:\n    - destination:\n        host: foo.baz\n      headers:\n        request:\n          set: {":authority": foo}\n',
  },
  {
    name: 'set authority in rewrite and header',
    spec: `  hosts: [foo.bar]\n  http:\n  - headers:\n      request:\n        set:\n          ":authority": foo\n    rewrite:\n      authority: bar\n${ROUTE}`,
    want: [E('authority header cannot be set multiple times: have "bar", attempting to set "foo"', '":authority": foo')],
  },
  {
    name: 'jwt claim route without gateway',
    spec: `  hosts: [foo.bar]\n  gateways: [mesh]\n  http:\n  - match:\n    - uri: {prefix: /}\n      headers:\n        "@request.auth.claims.foo": {exact: bar}\n${ROUTE}`,
    want: [E('JWT claim based routing (key: @request.auth.claims.foo) is only supported for gateway, found no gateways: [mesh]', '"@request.auth.claims.foo"')],
  },
  {
    name: 'jwt claim route with a gateway',
    spec: `  hosts: [foo.bar]\n  gateways: [ns1/gw]\n  http:\n  - match:\n    - headers:\n        "@request.auth.claims[foo]": {exact: bar}\n${ROUTE}`,
  },
  {
    name: 'ip address as sni host',
    spec: '  hosts: [foo.bar]\n  tls:\n  - match:\n    - port: 999\n      sniHosts: [1.1.1.1]\n    route:\n    - destination: {host: foo.baz}\n',
    want: [W('using an IP address ("1.1.1.1") goes against SNI spec and most clients do not support this', 'sniHosts:')],
  },
  {
    name: 'invalid wildcard as sni host',
    spec: '  hosts: [foo.bar]\n  tls:\n  - match:\n    - port: 999\n      sniHosts: [foo.*.com]\n    route:\n    - destination: {host: foo.baz}\n',
    want: [E('domain name "*.com" invalid (label "*" invalid)', 'sniHosts:')],
  },
  {
    name: 'sni host not covered by the hosts',
    spec: '  hosts: ["*.foo.bar"]\n  tls:\n  - match:\n    - sniHosts: [a.foo.bar, other.com]\n    route:\n    - destination: {host: foo.baz}\n',
    want: [E('SNI host "other.com" is not a compatible subset of any of the virtual service hosts: [*.foo.bar]', 'sniHosts:')],
  },
  {
    name: 'empty sni hosts and tls match list',
    spec: '  hosts: [foo.bar]\n  tls:\n  - match:\n    - sniHosts: []\n    route:\n    - destination: {host: foo.baz}\n  - match: []\n    route:\n    - destination: {host: foo.baz}\n',
    want: [E('TLS match must have at least one SNI host', 'sniHosts: []'), E('TLS route must have at least one match condition', 'match: []')],
  },
  // ---- delegates (TestValidateChainingVirtualService, TestValidateRootHTTPRoute, TestValidateDelegateHTTPRoute)
  { name: 'root simple', spec: '  hosts: [foo.bar]\n  gateways: [test-gateway]\n  http:\n  - delegate: {name: test, namespace: test}\n' },
  {
    name: 'root with delegate and destination in one route',
    spec: `  hosts: [foo.bar]\n  http:\n  - name: r1\n    delegate: {name: test, namespace: test}\n${ROUTE}`,
    want: [E('root HTTP route r1 must not specify route', '    - destination:')],
  },
  {
    name: 'root with delegate and redirect',
    spec: '  hosts: [foo.bar]\n  http:\n  - delegate: {name: test, namespace: test}\n    redirect: {uri: /lerp, authority: foo.biz}\n',
    want: [E('root HTTP route  must not specify redirect', 'redirect:')],
  },
  {
    name: 'delegate with no destination',
    spec: '  hosts: []\n  http:\n  - name: empty\n',
    want: [E('HTTP route, redirect or direct_response is required', '- name: empty')],
  },
  {
    name: 'delegate with delegate',
    spec: '  http:\n  - delegate: {name: test, namespace: test}\n',
    want: [E('delegate HTTP route cannot contain delegate', 'delegate:'), E('HTTP route, redirect or direct_response is required', 'delegate:')],
  },
  {
    name: 'delegate with TCP route',
    spec: '  tcp:\n  - route:\n    - destination: {host: foo.baz}\n',
    want: [E('delegate virtual service must have no tcp route specified', '- route:')],
  },
  {
    name: 'delegate with TLS route',
    spec: '  tls:\n  - match:\n    - sniHosts: [foo.baz]\n    route:\n    - destination: {host: foo.baz}\n',
    want: [
      E('delegate virtual service must have no tls route specified', '- match:'),
      E('SNI host "foo.baz" is not a compatible subset of any of the virtual service hosts: []', 'sniHosts:'),
    ],
  },
  {
    name: 'delegate with gateway',
    spec: `  gateways: [test]\n  http:\n${HTTP1}`,
    want: [E('delegate virtual service must have no gateways specified', 'gateways:')],
  },
  { name: 'delegate with prefix header match', spec: `  http:\n  - match:\n    - headers:\n        header: {prefix: test}\n${ROUTE}` },
  // ---- TestValidateHTTPRoute: conflicts
  {
    name: 'conflicting redirect and route',
    spec: `  hosts: [foo.bar]\n  http:\n  - redirect: {uri: /lerp, authority: foo.biz}\n${ROUTE}`,
    want: [E('HTTP route cannot contain both route and redirect', 'redirect:')],
  },
  {
    name: 'redirect with fault, rewrite and directResponse',
    spec: '  hosts: [foo.bar]\n  http:\n  - redirect: {uri: /lerp}\n    fault:\n      abort: {httpStatus: 500}\n    rewrite: {uri: /x}\n    directResponse: {status: 200}\n',
    want: [
      E('HTTP route cannot contain both fault and redirect', 'abort: {httpStatus: 500}'),
      E('HTTP route rule cannot contain both rewrite and redirect', 'rewrite:'),
      E('HTTP route rule cannot contain both direct_response and redirect', 'directResponse:'),
    ],
  },
  {
    name: 'directResponse with route, fault and rewrite',
    spec: `  hosts: [foo.bar]\n  http:\n  - directResponse: {status: 200}\n    fault:\n      delay: {fixedDelay: 5s}\n    rewrite: {uri: /x}\n${ROUTE}`,
    want: [
      E('HTTP route cannot contain both route and direct_response', 'directResponse:'),
      E('HTTP route cannot contain both fault and direct_response', 'delay: {fixedDelay: 5s}'),
      E('HTTP route rule cannot contain both rewrite and direct_response', 'rewrite:'),
    ],
  },
  { name: 'simple redirect', spec: '  hosts: [foo.bar]\n  http:\n  - redirect: {uri: /lerp, authority: foo.biz, redirectCode: 301}\n' },
  { name: 'redirect with derivePort only', spec: '  hosts: [foo.bar]\n  http:\n  - redirect: {derivePort: FROM_REQUEST_PORT}\n' },
  { name: 'simple direct response', spec: '  hosts: [foo.bar]\n  http:\n  - directResponse:\n      status: 503\n      body: {string: unavailable}\n' },
  {
    name: 'mirror and mirrors',
    spec: `  hosts: [foo.bar]\n  http:\n  - mirror: {host: a.b}\n    mirrors:\n    - destination: {host: c.d}\n${ROUTE}`,
    want: [E('HTTP route cannot contain both mirror and mirrors', '- destination: {host: c.d}')],
  },
  // ---- matches
  {
    name: 'valid matches',
    spec: `  hosts: [foo.bar]\n  http:\n  - match:\n    - uri: {prefix: ""}\n      method: {exact: GET}\n      headers:\n        ":authority": {exact: x}\n        x-ok_header: {regex: "^a+$"}\n      withoutHeaders:\n        x-present: {regex: "*"}\n      queryParams:\n        q: {regex: "[0-9]+"}\n      port: 8080\n      sourceLabels: {app: web, example.com/tier: front}\n      gateways: [ns1/gw, mesh]\n      sourceNamespace: prod\n${ROUTE}`,
  },
  {
    name: 'invalid header names',
    spec: `  hosts: [foo.bar]\n  http:\n  - match:\n    - headers:\n        "bad header": {exact: x}\n      withoutHeaders:\n        "": {exact: x}\n${ROUTE}`,
    want: [E('header name bad header is not a valid header name', '"bad header"'), E('header name cannot be empty', '"": {exact: x}')],
  },
  {
    name: 'empty prefixes on scheme, method, authority, header, query param',
    spec: `  hosts: [foo.bar]\n  http:\n  - match:\n    - scheme: {prefix: ""}\n      method: {prefix: ""}\n      authority: {prefix: ""}\n      headers:\n        h: {prefix: ""}\n      queryParams:\n        qp: {prefix: ""}\n${ROUTE}`,
    want: [
      E('"scheme": prefix string match should not be empty', 'scheme:'),
      E('"method": prefix string match should not be empty', 'method:'),
      E('"authority": prefix string match should not be empty', 'authority:'),
      E('"headers": prefix string match should not be empty', 'h: {prefix'),
      E('"queryParams": prefix string match should not be empty', 'qp: {prefix'),
    ],
  },
  {
    name: 'empty and invalid regexes (RE2 syntax)',
    spec: `  hosts: [foo.bar]\n  http:\n  - match:\n    - uri: {regex: ""}\n    - uri: {regex: "(abc"}\n    - authority: {regex: "(?=lookahead)"}\n    - queryParams:\n        q: {regex: "a**"}\n    - withoutHeaders:\n        w: {regex: "[z-a]"}\n${ROUTE}`,
    want: [
      E('"uri": regex string match should not be empty', 'regex: ""'),
      E('"uri": error parsing regexp: missing closing ): `(abc`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)', '"(abc"'),
      E('"authority": error parsing regexp: invalid or unsupported Perl syntax', '(?=lookahead)'),
      E('"queryParams": error parsing regexp: invalid nested repetition operator: `**`', 'a**'),
      E('"withoutHeaders": error parsing regexp: invalid character class range: `z-a`', '[z-a]'),
    ],
  },
  {
    name: 'regex longer than 1024',
    spec: `  hosts: [foo.bar]\n  http:\n  - match:\n    - uri: {regex: "${'a'.repeat(1025)}"}\n${ROUTE}`,
    want: [E('"uri": regex is too large, max length allowed is 1024', 'uri: {regex')],
  },
  {
    name: 'match port, labels, gateways, source namespace',
    spec: `  hosts: [foo.bar]\n  http:\n  - match:\n    - port: 70000\n      sourceLabels: {"bad key": ok, app: "bad value"}\n      gateways: [bad_gw]\n      sourceNamespace: Bad_NS\n${ROUTE}`,
    want: [
      E('port number 70000 must be in the range 1..65535', 'port: 70000'),
      E('invalid tag key: "bad key"', 'sourceLabels:'),
      E('invalid tag value: "bad value"', 'sourceLabels:'),
      E('domain name "bad_gw" invalid (label "bad_gw" invalid)', 'gateways: [bad_gw]'),
      E('sourceNamespace match Bad_NS is invalid', 'sourceNamespace:'),
    ],
  },
  // ---- destinations
  {
    name: 'bad destinations',
    spec: '  hosts: [foo.bar]\n  http:\n  - route:\n    - destination: {host: "*"}\n      weight: 50\n    - destination:\n        host: foo.baz\n        subset: v1_x\n        port: {number: 70000}\n      weight: -1\n    - destination:\n        host: foo.baz\n        port: {}\n      weight: 0\n',
    want: [
      E('invalid destination host *', 'host: "*"'),
      E('subset name is invalid: v1_x', 'subset: v1_x'),
      E('port number 70000 must be in the range 1..65535', 'number: 70000'),
      E('weight -1 < 0', 'weight: -1'),
      E('port number 0 must be in the range 1..65535', 'port: {}'),
    ],
  },
  {
    name: 'total weight 0',
    spec: '  hosts: [foo.bar]\n  http:\n  - route:\n    - destination: {host: a.b}\n      weight: 0\n    - destination: {host: c.d}\n',
    want: [E('total destination weight = 0', '- destination: {host: a.b}')],
  },
  {
    name: 'weighted routes and a short host',
    spec: '  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v1}\n      weight: 25\n    - destination: {host: reviews, subset: v2, port: {number: 9080}}\n      weight: 75\n',
  },
  {
    name: 'gateway semantics leave destinations alone',
    meta: '  annotations:\n    internal.istio.io/route-semantics: gateway\n',
    spec: '  hosts: [foo.bar]\n  gateways: [ns1/gw]\n  http:\n  - route:\n    - destination: {host: "*"}\n',
  },
  // ---- redirect, direct response
  {
    name: 'empty redirect',
    spec: '  hosts: [foo.bar]\n  http:\n  - redirect: {}\n',
    want: [E('redirect must specify URI, authority, scheme, or port', 'redirect: {}')],
  },
  { name: 'redirect code', spec: '  hosts: [foo.bar]\n  http:\n  - redirect: {uri: /a, redirectCode: 200}\n', want: [E('200 is not a valid redirect code, must be 3xx', 'redirect:')] },
  { name: 'redirect scheme', spec: '  hosts: [foo.bar]\n  http:\n  - redirect:\n      scheme: ftp\n', want: [E('invalid redirect scheme, must be "http" or "https"', 'scheme: ftp')] },
  { name: 'redirect port', spec: '  hosts: [foo.bar]\n  http:\n  - redirect:\n      port: 70000\n', want: [E('port number 70000 must be in the range 1..65535', 'port: 70000')] },
  { name: 'direct response status', spec: '  hosts: [foo.bar]\n  http:\n  - directResponse:\n      status: 700\n', want: [E('HTTP status 700 is not in range 200-599', 'status: 700')] },
  {
    name: 'large direct response body',
    spec: `  hosts: [foo.bar]\n  http:\n  - directResponse:\n      status: 200\n      body:\n        string: ${'x'.repeat(150 * 1024)}\n  - directResponse:\n      status: 200\n      body:\n        string: ${'y'.repeat(1100 * 1024)}\n`,
    want: [
      W('large direct_responses may impact control plane performance', 'string: xxx'),
      E('large direct_responses may impact control plane performance, must be less than 1MB', 'string: yyy'),
    ],
  },
  // ---- retries, timeouts
  {
    name: 'valid retries',
    spec: `  hosts: [foo.bar]\n  http:\n  - retries: {attempts: 3, perTryTimeout: 1.5s, retryOn: "5xx,connect-failure,503,reset-before-request"}\n    timeout: 10s\n${ROUTE}`,
  },
  {
    name: 'retry policy with attempts 0',
    spec: `  hosts: [foo.bar]\n  http:\n  - retries:\n      perTryTimeout: 2s\n${ROUTE}`,
    want: [E('http retry policy configured when attempts are set to 0 (disabled)', 'perTryTimeout: 2s')],
  },
  {
    name: 'negative attempts',
    spec: `  hosts: [foo.bar]\n  http:\n  - retries:\n      attempts: -1\n${ROUTE}`,
    want: [E('attempts cannot be negative', 'attempts: -1')],
  },
  {
    name: 'unknown retryOn policy',
    spec: `  hosts: [foo.bar]\n  http:\n  - retries:\n      attempts: 2\n      retryOn: 5xx,foo,999\n${ROUTE}`,
    want: [E('"foo" is not a valid retryOn policy', 'retryOn:'), E('"999" is not a valid retryOn policy', 'retryOn:')],
  },
  {
    name: 'durations finer than ms',
    spec: `  hosts: [foo.bar]\n  http:\n  - retries:\n      attempts: 2\n      perTryTimeout: 1500us1ns\n      backoff: 25.0001ms\n    timeout: 1001us\n${ROUTE}`,
    want: [
      E('only durations to ms precision are supported', 'perTryTimeout:'),
      E('only durations to ms precision are supported', 'backoff:'),
      E('only durations to ms precision are supported', 'timeout:'),
    ],
  },
  // ---- rewrite
  { name: 'valid regex rewrite', spec: `  hosts: [foo.bar]\n  http:\n  - rewrite:\n      uriRegexRewrite: {match: "^/v1/(.*)", rewrite: "/v2/\\\\1"}\n${ROUTE}` },
  {
    name: 'rewrite with uri and regex',
    spec: `  hosts: [foo.bar]\n  http:\n  - rewrite:\n      uri: /a\n      uriRegexRewrite: {match: a, rewrite: b}\n${ROUTE}`,
    want: [E('rewrite may only contain one of URI or UriRegexRewrite', 'uriRegexRewrite:')],
  },
  {
    name: 'empty rewrite',
    spec: `  hosts: [foo.bar]\n  http:\n  - rewrite: {}\n${ROUTE}`,
    want: [E('rewrite must specify at least one of URI, UriRegexRewrite, or authority', 'rewrite: {}')],
  },
  {
    name: 'regex rewrite without rewrite',
    spec: `  hosts: [foo.bar]\n  http:\n  - rewrite:\n      uriRegexRewrite: {match: a}\n${ROUTE}`,
    want: [E('UriRegexRewrite requires both Rewrite and Match fields to be specified', 'uriRegexRewrite:')],
  },
  {
    name: 'regex rewrite with a bad regex',
    spec: `  hosts: [foo.bar]\n  http:\n  - rewrite:\n      uriRegexRewrite:\n        match: "(x"\n        rewrite: /y\n${ROUTE}`,
    want: [E('"HTTPRewrite.UriRegexRewrite.Match": error parsing regexp: missing closing ): `(x`', 'match: "(x"')],
  },
  // ---- header operations
  {
    name: 'valid header operations',
    spec: `  hosts: [foo.bar]\n  http:\n  - headers:\n      request:\n        add: {x-a: "%HOSTNAME%", x-b: "100%%", x-c: "pre %START_TIME(%s)% post"}\n        remove: [x-d]\n      response:\n        set: {x-e: v}\n${ROUTE}`,
  },
  {
    name: 'bad header operations',
    spec: `  hosts: [foo.bar]\n  http:\n  - headers:\n      request:\n        set: {":path": /x}\n        add: {x-a: "abc%123"}\n        remove: [""]\n      response:\n        set: {Host: h}\n        add: {x-b: "a\\u0001b"}\n        remove: [":status"]\n${ROUTE}`,
    want: [
      E('invalid header ":path": header cannot have ":" prefix', 'set: {":path"'),
      E("header value configuration: invalid header configuration. Un-terminated variable expression 'abc%123'", 'add: {x-a'),
      E('header name cannot be empty', 'remove: [""]'),
      E('invalid header "Host": cannot set Host header', 'set: {Host'),
      E('header value configuration a\u0001b is invalid', 'add: {x-b'),
      E('invalid header ":status": header cannot have ":" prefix', 'remove: [":status"]'),
    ],
  },
  {
    name: 'bad header operations on a destination',
    spec: '  hosts: [foo.bar]\n  http:\n  - route:\n    - destination: {host: foo.baz}\n      headers:\n        response:\n          add: {x-t: "%START_TIME%%"}\n',
    want: [E('header value configuration: invalid header configuration. Un-escaped %', 'add: {x-t')],
  },
  // ---- CORS
  {
    name: 'valid CORS policy',
    spec: `  hosts: [foo.bar]\n  http:\n  - corsPolicy:\n      allowOrigins: [{exact: "https://a.com"}, {regex: "https://.*\\\\.b\\\\.com"}]\n      allowMethods: [GET, POST, "*"]\n      allowHeaders: ["*", x-custom]\n      exposeHeaders: [x-id]\n      maxAge: 24h\n${ROUTE}`,
  },
  {
    name: 'bad CORS policy',
    spec: `  hosts: [foo.bar]\n  http:\n  - corsPolicy:\n      allowOrigins:\n      - exact: ""\n      - regex: "(("\n      allowMethods: [FOO]\n      allowHeaders: [bad header]\n      maxAge: 1.5s\n${ROUTE}`,
    want: [
      E("'' is not a valid match type for CORS allow origins", 'exact: ""'),
      E('"corsPolicy.allowOrigins": error parsing regexp: missing closing )', 'regex: "(("'),
      E('"FOO" is not a supported HTTP method', 'allowMethods:'),
      E('header name bad header is not a valid header name', 'allowHeaders:'),
      E('max_age duration is accurate only to seconds precision', 'maxAge:'),
    ],
  },
  // ---- fault injection
  {
    name: 'valid fault',
    spec: `  hosts: [foo.bar]\n  http:\n  - fault:\n      abort: {httpStatus: 503, percentage: {value: 10}}\n      delay: {fixedDelay: 5s, percentage: {value: 0.5}}\n${ROUTE}`,
  },
  { name: 'empty fault', spec: `  hosts: [foo.bar]\n  http:\n  - fault: {}\n${ROUTE}`, want: [E('HTTP fault injection must have an abort and/or a delay', 'fault: {}')] },
  {
    name: 'bad aborts',
    spec: `  hosts: [foo.bar]\n  http:\n  - fault:\n      abort:\n        httpStatus: 100\n        percentage: {value: 101}\n${ROUTE}  - fault:\n      abort: {grpcStatus: FOO}\n${ROUTE}  - fault:\n      abort: {http2Error: x}\n${ROUTE}  - fault:\n      abort:\n        percentage: {value: 5}\n${ROUTE}`,
    want: [
      E('HTTP status 100 is not in range 200-599', 'httpStatus: 100'),
      E('percentage 101 is neither 0.0, nor in range [0.0001, 100.0]', 'percentage: {value: 101}'),
      E('gRPC status "FOO" is not supported.', 'grpcStatus: FOO'),
      E('HTTP/2 abort fault injection not supported yet', 'http2Error'),
      W('abort configured, but error type not set', '      abort:\n        percentage: {value: 5}'),
    ],
  },
  {
    name: 'bad delays',
    spec: `  hosts: [foo.bar]\n  http:\n  - fault:\n      delay:\n        exponentialDelay: 1s\n        percentage: {value: 0.00001}\n${ROUTE}`,
    want: [
      E('percentage 1e-05 is neither 0.0, nor in range [0.0001, 100.0]', 'percentage: {value: 0.00001}'),
      E('exponentialDelay not supported yet', 'exponentialDelay:'),
    ],
  },
  // ---- mirrors
  {
    name: 'valid mirrors',
    spec: `  hosts: [foo.bar]\n  http:\n  - mirrors:\n    - destination: {host: a.b}\n      percentage: {value: 50}\n    mirrorPercentage: {value: 1}\n${ROUTE}`,
  },
  {
    name: 'bad mirror percentages',
    spec: `  hosts: [foo.bar]\n  http:\n  - mirrorPercent: 101\n${ROUTE}  - mirror: {host: "*"}\n    mirrorPercentage: {value: 101}\n${ROUTE}  - mirrors:\n    - destination: {host: a.b}\n      percentage: {value: -1}\n${ROUTE}`,
    want: [
      E('mirror_percent must have a max value of 100 (it has 101)', 'mirrorPercent: 101'),
      W('using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', 'mirrorPercent: 101'),
      E('invalid destination host *', 'mirror: {host'),
      E('mirror_percentage must have a max value of 100 (it has 101.000000)', 'mirrorPercentage: {value: 101}'),
      E('mirror percentage must have a min value of 0 (it has -1.000000)', 'percentage: {value: -1}'),
    ],
  },
  // ---- TCP
  {
    name: 'valid tcp',
    spec: '  hosts: [mongo.prod.svc.cluster.local]\n  tcp:\n  - match:\n    - port: 27017\n      destinationSubnets: [10.0.0.0/8, 2001:db8::/32, 10.1.1.1]\n    route:\n    - destination: {host: mongo.backup.svc.cluster.local, port: {number: 5555}}\n',
  },
  {
    name: 'bad tcp match',
    spec: '  hosts: [foo.bar]\n  tcp:\n  - match:\n    - port: 70000\n      destinationSubnets: [10.0.0.0/33, 1.2.3]\n      sourceLabels: {"-x": z}\n    route:\n    - destination: {host: foo.baz}\n',
    want: [
      E('port number 70000 must be in the range 1..65535', 'port: 70000'),
      E('10.0.0.0/33 is not a valid CIDR block', 'destinationSubnets:'),
      E('1.2.3 is not a valid IP', 'destinationSubnets:'),
      E('invalid tag key: "-x"', 'sourceLabels:'),
    ],
  },
  // ---- exportTo, metadata
  { name: 'valid exportTo', spec: `  hosts: [foo.bar]\n  exportTo: [".", other]\n  http:\n${HTTP1}` },
  {
    name: 'bad exportTo',
    spec: `  hosts: [foo.bar]\n  exportTo: [web, ".", "~", Bad_NS]\n  http:\n${HTTP1}`,
    want: [
      E('duplicate entries in exportTo: . and current namespace web', 'exportTo:'),
      E('exportTo ~ (none) is not allowed for Istio configuration objects', 'exportTo:'),
      E('only .,*,~, or a valid DNS 1123 label is allowed as exportTo entry', 'exportTo:'),
    ],
  },
  {
    name: 'public and non-public exportTo',
    spec: `  hosts: [foo.bar]\n  exportTo: ["*", other]\n  http:\n${HTTP1}`,
    want: [E('cannot have both public (*) and non-public exportTo values for a resource', 'exportTo:')],
  },
  {
    name: 'dry-run annotation on a VirtualService',
    meta: '  annotations:\n    istio.io/dry-run: "true"\n',
    spec: '  hosts: ["*"]\n',
    want: [E('web/vs has unsupported annotation istio.io/dry-run, please remove the annotation', 'istio.io/dry-run')],
  },
  // ---- served versions
  {
    name: 'v1alpha3 is validated too',
    apiVersion: 'networking.istio.io/v1alpha3',
    spec: '  hosts: [foo.bar]\n  http:\n  - redirect: {}\n',
    want: [E('redirect must specify URI, authority, scheme, or port', 'redirect: {}')],
  },
  {
    name: 'v1beta1 is validated too',
    apiVersion: 'networking.istio.io/v1beta1',
    spec: '  hosts: [foo.bar]\n  http:\n  - redirect: {}\n',
    want: [E('redirect must specify URI, authority, scheme, or port', 'redirect: {}')],
  },
];

for (const c of CASES) {
  test(`VirtualService webhook validation: ${c.name}`, () => expectFindings(doc(c), c.want ?? []));
}

test('VirtualService webhook validation: input of the wrong shape never throws and leaves type errors to the schema', () => {
  const shapes = [
    'spec: 5', 'spec: {hosts: foo}', 'spec: {hosts: [1, null, {a: b}], http: [null, 5, {route: 7, match: [null, {headers: 3}]}]}',
    'spec: {http: [{route: [{destination: 5, weight: x}], headers: {request: {set: [1]}}, corsPolicy: {allowOrigins: 5}}]}',
    'spec: {tls: [{match: [{sniHosts: [5]}]}], tcp: [{match: 3}]}', 'spec: {http: [{fault: {abort: {httpStatus: x}, delay: 5}}]}',
  ];
  for (const s of shapes) {
    const text = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\n${s}\n`;
    assert.doesNotThrow(() => webhook(text), s);
  }
  assert.deepEqual(webhook('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {hosts: foo}\n'), []);
});

test("VirtualService webhook validation: Go's time.ParseDuration", () => {
  assert.equal(vsParseDuration('1.5s'), 1_500_000_000n);
  assert.equal(vsParseDuration('1h2m3s4ms5us6ns'), 3_723_004_005_006n);
  assert.equal(vsParseDuration('-0.5ms'), -500_000n);
  assert.equal(vsParseDuration('0'), 0n);
  assert.equal(vsParseDuration('1.0000001ms'), 1_000_000n); // Go truncates the fraction's nanoseconds
  for (const bad of ['', '1', 's', '1x', '1mss', '.s', '1.5']) assert.equal(vsParseDuration(bad), undefined, bad);
});
