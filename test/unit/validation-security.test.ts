// istio.WebhookValidationAnalyzer for AuthorizationPolicy, PeerAuthentication and RequestAuthentication: cases after
// Istio's TestValidateAuthorizationPolicy, TestValidateRequestAuthentication, TestValidatePeerAuthentication,
// TestValidateAuthorizationPolicyDryRun and pkg/config/security's TestValidateAttribute, TestCheckValidPathTemplate,
// TestCheckServiceAccount (pkg/config/validation/validation_test.go, pkg/config/security/security_test.go), run through
// the real file analyzer. Every case also passes the real schema validator (the CRD's schema and CEL rules): the
// webhook port must only report what the CRD does not. A line ending in `#!` (error) or `#?` (warning) marks where a
// finding is expected; the case lists the messages.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseYaml } from '../../server/src/yaml/parse';
import { expectMarked, schemaErrors, webhook, type MarkedCase } from './validation-harness';

type Case = MarkedCase;
const check = (c: Case): void => expectMarked(c, { schema: true });
const run = webhook;

const ap = (spec: string, meta = '', version = 'v1') => `
apiVersion: security.istio.io/${version}
kind: AuthorizationPolicy
metadata:
  name: pol
  namespace: foo
${meta}spec:
${spec}`;

const AUTHZ: Case[] = [
  { name: 'good', yaml: ap(`
  selector:
    matchLabels: {app: httpbin, version: v1}
  rules:
  - from:
    - source:
        principals: ["sa1", "sa2"]
        requestPrincipals: ["id-1"]
        namespaces: ["ns"]
        ipBlocks: ["1.2.3.4", "5.6.0.0/16", "2001:db8::/32"]
        notRemoteIpBlocks: ["10.0.0.1"]
    to:
    - operation:
        methods: ["GET", "POST"]
        paths: ["/info*", "/foo/{*}/bar", "/foo/{**}"]
        ports: ["80", "65535"]
    when:
    - key: source.ip
      values: ["10.0.0.0/8"]
    - key: request.headers[User-Agent]
      notValues: ["curl"]
    - key: destination.port
      values: ["8080"]
    - key: source.serviceAccount
      values: ["default/productpage", "reviews"]
    - key: request.auth.claims[iss]
      values: ["https://issuer"]`) },
  { name: 'good service accounts, v1beta1', yaml: ap(`
  rules:
  - from:
    - source:
        serviceAccounts: ["ns/sa", "sa2"]
        notServiceAccounts: ["other/sa"]`, '', 'v1beta1') },
  { name: 'allow without rules', yaml: ap(`
  action: ALLOW`) },
  { name: 'deny with an empty rule', yaml: ap(`
  action: DENY
  rules:
  - {}`) },
  { name: 'deny with ports is TCP-safe', yaml: ap(`
  action: DENY
  rules:
  - to:
    - operation:
        ports: ["8080"]
        paths: ["/admin"]`) },
  { name: 'custom good', yaml: ap(`
  action: CUSTOM
  provider:
    name: my-ext-authz
  rules:
  - to:
    - operation:
        paths: ["/admin"]`) },
  { name: 'custom without rules', yaml: ap(`
  action: CUSTOM #!
  provider:
    name: my-ext-authz`), want: ['invalid policy pol.foo: CUSTOM action without `rules` is meaningless'] },
  { name: 'custom with empty provider name', yaml: ap(`
  action: CUSTOM
  provider:
    name: "" #!
  rules:
  - {}`), want: ['`provider.name` must not be empty'] },
  { name: 'custom with unsupported sources and conditions', yaml: ap(`
  action: CUSTOM
  provider:
    name: ext
  rules:
  - from:
    - source:
        namespaces: ["ns"] #!
        principals: ["p"] #!
        requestPrincipals: ["r"] #!
    when:
    - key: request.auth.claims[iss] #!
      values: ["x"]
    - key: source.namespace #!
      values: ["x"]`), want: ['From.Namespaces is currently not supported with CUSTOM action', 'From.Principals is currently not supported with CUSTOM action',
    'From.RequestPrincipals is currently not supported with CUSTOM action', 'request.auth.claims[iss] is currently not supported with CUSTOM action',
    'source.namespace is currently not supported with CUSTOM action'] },
  { name: 'provider with non-custom action', yaml: ap(`
  action: DENY
  provider:
    name: ext #!
  rules:
  - {}`), want: ['`provider` must not be with non CUSTOM action, found DENY'] },
  { name: 'provider with default action', yaml: ap(`
  provider:
    name: ext #!`), want: ['`provider` must not be with non CUSTOM action, found ALLOW'] },
  { name: 'deny without rules', yaml: ap(`
  action: DENY #!`), want: ['DENY action without `rules` is meaningless as it will never be triggered'] },
  { name: 'from without source, to without operation', yaml: ap(`
  rules:
  - from:
    - {} #!
    to:
    - {} #!`), want: ['`from.source` must not be nil, found at rule 0', '`to.operation` must not be nil, found at rule 0'] },
  { name: 'empty source and operation', yaml: ap(`
  rules:
  - {}
  - from:
    - source: {} #!
    to:
    - operation: {} #!`), want: ['`from.source` must not be empty, found at rule 1', '`to.operation` must not be empty, found at rule 1'] },
  { name: 'bad IP blocks', yaml: ap(`
  rules:
  - from:
    - source:
        ipBlocks:
        - 1.2.3.4
        - 1.2.3.4/33 #!
        - 1.2.3.4/01 #!
        notIpBlocks: ["xyz"] #!
        remoteIpBlocks: ["1.2.3.4/"] #!
        notRemoteIpBlocks: ["fe80::1%eth0/64"] #!`), want: [
    'bad CIDR range (1.2.3.4/33): netip.ParsePrefix("1.2.3.4/33"): prefix length out of range',
    'bad CIDR range (1.2.3.4/01): netip.ParsePrefix("1.2.3.4/01"): bad bits after slash: "01"',
    'bad IP address (xyz)', 'bad bits after slash: ""', 'IPv6 zones cannot be present in a prefix'] },
  { name: 'empty values', yaml: ap(`
  rules:
  - from:
    - source:
        principals: ["a", ""] #!
        notNamespaces: [""] #!
    to:
    - operation:
        methods: [""] #!
        notHosts: ["a", ""] #!`), want: ['empty value not allowed, found in Principals', 'empty value not allowed, found in NotNamespaces',
    'empty value not allowed, found in Methods', 'empty value not allowed, found in NotHosts'] },
  { name: 'bad service accounts', yaml: ap(`
  rules:
  - from:
    - source:
        serviceAccounts: ["ns/sa", "a/b/c"] #!
        notServiceAccounts: ["/sa"] #!
  - from:
    - source:
        serviceAccounts: ["ns/*"] #!
        notServiceAccounts: ["ns/"] #!`), want: [`expected format 'serviceAccount' or 'namespace/serviceAccount', found "a/b/c" in ServiceAccounts`,
    'found empty namespace "/sa" in NotServiceAccounts', 'wildcard not allowed, found in ServiceAccounts', 'found empty serviceAccount "ns/" in NotServiceAccounts'] },
  { name: 'bad ports', yaml: ap(`
  rules:
  - to:
    - operation:
        ports: ["80", "65536"] #!
        notPorts: ["http", "-1"] #!!`), want: ['bad port (65536): <nil>', 'bad port (http): strconv.ParseUint: parsing "http": invalid syntax',
    'bad port (-1): strconv.ParseUint: parsing "-1": invalid syntax'] },
  { name: 'bad path templates', yaml: ap(`
  rules:
  - to:
    - operation:
        paths: ["/foo/{**}/{*}"] #!
        notPaths: ["/foo/{bar}/baz"] #!
  - to:
    - operation:
        paths: ["/foo/{*}/b[r"] #!`), want: ['invalid or unsupported path foo/{**}/{*}, found in Paths. {**} is not the last operator',
    "invalid or unsupported path foo/{bar}/baz, found in NotPaths. Contains '{' or '}' beyond a supported path template",
    'invalid or unsupported path foo/{*}/b[r, found in Paths. Contains segment b[r with invalid string literal'] },
  { name: 'conditions', yaml: ap(`
  rules:
  - when:
    - key: "" #!
      values: ["a"]
    - key: request.auth.principal #!
    - key: source.ip
      values: ["1.2.3.4", "1.2.3"] #!
    - key: request.headers #!
      values: ["x"] #!
    - key: destination.port
      notValues: ["99999"] #!
    - key: destination.labels[app] #!
      values: ["x"] #!
    - key: source.serviceAccount
      values: ["a/b/c"] #!
    - key: request.auth.claims[iss]
      values: [""] #!`), want: ['`key` must not be empty', 'at least one of `values` or `notValues` must be set for key request.auth.principal',
    'invalid `value` for `key` source.ip: bad IP address (1.2.3)', 'invalid `notValue` for `key` request.headers: bad key (request.headers): should have format a[b]',
    'invalid `value` for `key` request.headers: bad key (request.headers): should have format a[b]',
    'invalid `notValue` for `key` destination.port: bad port (99999): <nil>',
    'invalid `notValue` for `key` destination.labels[app]: attribute destination.labels[app] is replaced by the workload selector',
    'invalid `value` for `key` destination.labels[app]: attribute destination.labels[app] is replaced by the workload selector',
    `invalid \`value\` for \`key\` source.serviceAccount: expected format 'serviceAccount' or 'namespace/serviceAccount'`,
    'invalid `value` for `key` request.auth.claims[iss]: empty value not allowed, found in request.auth.claims[iss]'] },
  { name: 'unknown attribute: Go checks both value lists', yaml: ap(`
  rules:
  - when:
    - key: foo.bar #!
      notValues: ["x"] #!`), want: ['invalid `value` for `key` foo.bar: unknown attribute: foo.bar', 'invalid `notValue` for `key` foo.bar: unknown attribute: foo.bar'] },
  { name: 'deprecated attributes', yaml: ap(`
  rules:
  - when:
    - key: destination.name #!
      values: ["x"] #!
    - key: destination.namespace #!
      values: ["x"] #!`), want: ['invalid `notValue` for `key` destination.name: deprecated attribute destination.name: only supported in v1alpha1',
    'invalid `value` for `key` destination.name: deprecated attribute', 'invalid `notValue` for `key` destination.namespace: attribute destination.namespace is replaced by the metadata.namespace',
    'invalid `value` for `key` destination.namespace'] },
  { name: 'deny with only HTTP attributes warns', yaml: ap(`
  action: DENY
  rules:
  - to: #?
    - operation:
        methods: ["GET"]
  - from: #?
    - source:
        requestPrincipals: ["*"]
  - from:
    - source:
        namespaces: ["ns"]`), want: ['configured AuthorizationPolicy will deny all traffic to TCP ports', 'configured AuthorizationPolicy will deny all traffic to TCP ports'] },
  { name: 'selector without labels', yaml: ap(`
  selector: {} #?`), want: ['workload selector specified without labels'] },
  { name: 'targetRef kinds', yaml: ap(`
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: gw
  - kind: Service
    group: ""
    name: svc
  - kind: ServiceEntry
    group: networking.istio.io
    name: se
  - kind: Deployment #!
    group: apps
    name: d`), want: ['targetRef must be to one of [core/v1/Service networking.istio.io/v1/ServiceEntry gateway.networking.k8s.io/v1/Gateway gateway.networking.k8s.io/v1/GatewayClass] but was apps/Deployment'] },
  { name: 'dry-run valid', yaml: ap(`
  action: DENY
  rules:
  - from:
    - source:
        namespaces: ["ns"]`, `  annotations:\n    istio.io/dry-run: "true"\n`) },
  { name: 'dry-run invalid value', yaml: ap(`
  rules:
  - {}`, `  annotations:\n    istio.io/dry-run: "yes" #!\n`), want: ['foo/pol has annotation istio.io/dry-run with invalid value (yes): strconv.ParseBool: parsing "yes": invalid syntax'] },
  { name: 'dry-run with audit, and Go stops there', yaml: ap(`
  action: AUDIT
  selector: {}
  rules:
  - {}`, `  annotations:\n    istio.io/dry-run: "true" #!\n`), want: ['the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action AUDIT in foo/pol'] },
];

const ra = (spec: string, meta = '') => `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: ra
  namespace: foo
${meta}spec:
${spec}`;

const REQAUTHN: Case[] = [
  { name: 'ra good', yaml: ra(`
  selector:
    matchLabels: {app: httpbin}
  jwtRules:
  - issuer: foo.com
    jwksUri: https://foo.com/cert
    audiences: [a, b]
    fromHeaders: [{name: x-jwt, prefix: "Bearer "}]
    fromParams: [token]
    fromCookies: [session]
    outputClaimToHeaders: [{header: x-sub, claim: sub}]
    timeout: 5s
  - jwksUri: http://bar.com:8080/keys
  - issuer: baz.com
    jwks_uri: https://baz.com/keys`) },
  { name: 'ra no issuer nor jwksUri', yaml: ra(`
  jwtRules:
  - audiences: [a] #!`), want: ['issuer or jwksUri must be non-empty string'] },
  { name: 'ra underscore in output header', yaml: ra(`
  jwtRules:
  - issuer: foo.com
    outputClaimToHeaders:
    - header: x_sub #!
      claim: sub`), want: ['header name x_sub is not a valid header name'] },
  { name: 'ra timeout precision', yaml: ra(`
  jwtRules:
  - issuer: foo.com
    timeout: 1.5ms #!`), want: ['only durations to ms precision are supported'] },
  { name: 'ra selector without labels', yaml: ra(`
  selector:
    matchLabels: {} #?`), want: ['workload selector specified without labels'] },
  { name: 'ra bad targetRef kind', yaml: ra(`
  targetRef:
    kind: Pod #!
    name: p`), want: ['but was /Pod'] },
  { name: 'ra dry-run not supported', yaml: ra(`
  jwtRules:
  - {}`, `  annotations:\n    istio.io/dry-run: "true" #!\n`), want: ['foo/ra has unsupported annotation istio.io/dry-run, please remove the annotation'] },
];

const pa = (spec: string, meta = '') => `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: pa
  namespace: foo
${meta}spec:
${spec}`;

const PEERAUTHN: Case[] = [
  { name: 'pa good', yaml: pa(`
  selector:
    matchLabels: {app: httpbin}
  mtls: {mode: STRICT}
  portLevelMtls:
    "8080": {mode: DISABLE}`) },
  { name: 'pa mesh-wide', yaml: pa(`
  mtls: {mode: PERMISSIVE}`) },
  { name: 'pa selector without labels', yaml: pa(`
  selector: {} #?
  mtls: {mode: STRICT}`), want: ['workload selector specified without labels'] },
  { name: 'pa dry-run not supported', yaml: pa(`
  mtls: {mode: STRICT}`, `  annotations:\n    istio.io/dry-run: "false" #!\n`), want: ['foo/pa has unsupported annotation istio.io/dry-run'] },
];

for (const [group, cases] of [['AuthorizationPolicy', AUTHZ], ['RequestAuthentication', REQAUTHN], ['PeerAuthentication', PEERAUTHN]] as const) {
  test(`${group} (${cases.length} cases)`, () => {
    for (const c of cases) check(c);
  });
}

test('security kinds: odd shapes never throw and report nothing the schema owns', () => {
  const docs = [
    'spec: null', 'spec: []', 'spec: {rules: [null, 1, "x", {from: [null, {source: null}], to: "x", when: [null, {key: 3}]}]}',
    'spec: {rules: [{from: [{source: {ipBlocks: [1, null], principals: "x"}}], to: [{operation: {ports: [80]}}]}]}',
    'spec: {jwtRules: [null, 3, {outputClaimToHeaders: [null, {header: 1}]}], selector: []}', 'spec: {action: 5, provider: []}',
    'spec: {targetRefs: [null, {kind: 3}], targetRef: "x", portLevelMtls: []}', 'metadata: {annotations: {"istio.io/dry-run": true}}',
  ];
  for (const kind of ['AuthorizationPolicy', 'RequestAuthentication', 'PeerAuthentication']) {
    for (const d of docs) run(`apiVersion: security.istio.io/v1\nkind: ${kind}\nmetadata:\n  name: x\n${d}\n`);
  }
});

test("Istio's CRD test data: invalid cases are the schema's alone, valid ones are not rejected", () => {
  const FIX = path.resolve(__dirname, '../../../test/fixtures/schema/validation');
  const data = JSON.parse(fs.readFileSync(path.join(FIX, 'validation-cases.json'), 'utf8')) as { cases: { file: string; doc: number; kind: string; name: string; valid: boolean }[] };
  let seen = 0;
  for (const c of data.cases) {
    if (!['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].includes(c.kind)) continue;
    const text = fs.readFileSync(path.join(FIX, c.file), 'utf8');
    const d = parseYaml(text).docs[c.doc];
    const src = text.slice(d.start, d.end).replace(/^_err:.*$/m, '');
    const rejected = run(src).filter((f) => f.severity === 'Error').map((f) => f.message);
    if (c.valid) assert.deepEqual(rejected, [], `${c.kind} ${c.name}: valid, but rejected`);
    else {
      assert.ok(schemaErrors(src).length > 0, `${c.kind} ${c.name}: the schema should catch it`);
      assert.deepEqual(rejected, [], `${c.kind} ${c.name}: reported twice`);
    }
    seen++;
  }
  assert.ok(seen >= 30, `only ${seen} cases`);
});
