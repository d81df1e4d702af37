// istio.WebhookValidationAnalyzer for Gateway, DestinationRule and Sidecar: cases after Istio's TestValidateGateway,
// TestValidateServer, TestValidateServerPort, TestValidateTlsOptions, TestValidateDestinationRule,
// TestValidateTrafficPolicy, TestValidateConnectionPool, TestValidateLoadBalancer, TestValidateOutlierDetection,
// TestValidateLocalityLbSetting, TestValidateTLS, TestValidateSidecar and TestValidateExportTo
// (pkg/config/validation/validation_test.go, agent/validation_test.go), run through the real file analyzer.
// A line ending in `#!` (error) or `#?` (warning) marks where a finding is expected; the case lists the messages.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration, splitHostPort, wildcardDomainError, namespaceSlashHostnameErrors } from '../../server/src/validation/agent';
import { expectMarked, webhook, type MarkedCase } from './validation-harness';

type Case = MarkedCase;
const check = (c: Case): void => expectMarked(c, { schema: true });
const run = webhook;

const gw = (servers: string, name = 'gw') => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
spec:
  selector:
    istio: ingressgateway
  servers:
${servers}`;

const GATEWAY: Case[] = [
  { name: 'valid gateway', yaml: gw(`
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["foo.bar.com", "ns/*.example.com", "*/*", "./host.example.com", "10.1.1.1"]
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, credentialName: my-cert}
  - port: {number: 8443, name: mtls, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: MUTUAL, serverCertificate: /etc/cert.pem, privateKey: /etc/key.pem, caCertificates: /etc/ca.pem}
  - port: {number: 15443, name: tls, protocol: TLS}
    hosts: ["*.local"]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 8080, name: http-redirect, protocol: HTTP}
    hosts: ["foo.bar.com"]
    tls: {httpsRedirect: true}
  - port: {number: 0, name: uds, protocol: HTTP}
    bind: unix:///var/run/gw.sock
    hosts: ["foo.bar.com"]
  - port: {number: 9443, name: istio, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: ISTIO_MUTUAL, minProtocolVersion: TLSV1_2, cipherSuites: ["ECDHE-RSA-AES256-GCM-SHA384", "-ALL"]}`) },
  { name: 'gateway name with dots', yaml: gw(`
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["foo.bar.com"]`, 'gw.v1 #!'), want: ['invalid gateway name: "gw.v1"'] },
  { name: 'no servers', yaml: `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  servers: [] #!
`, want: ['gateway must have at least one server'] },
  { name: 'hosts: empty, short name, bad namespace, partial wildcard, bad domain', yaml: gw(`
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [] #!
  - port: {number: 81, name: http2, protocol: HTTP}
    hosts:
    - foo #!
    - "ns_bad/foo.com" #!
    - "ns/foo*.bar.com" #!!
    - "-invalid.com" #!
    - "/foo.com" #!!`), want: [
    'server config must contain at least one host',
    'short names (non FQDN) are not allowed',
    'invalid namespace value "ns_bad" in gateway',
    'partial wildcard "foo*.bar.com" not allowed', 'domain name "foo*.bar.com" invalid (label "foo*" invalid)',
    'domain name "-invalid.com" invalid',
    'config namespace and dnsName in host entry cannot be empty', 'invalid namespace value "" in gateway',
  ] },
  { name: 'port: protocol, number, targetPort, empty name', yaml: gw(`
  - port:
      number: 66000 #!
      name: http
      protocol: HTTPX #!
    hosts: ["foo.bar.com"]
  - port:
      number: 81
      targetPort: 8081 #!
      name: "" #!
      protocol: HTTP
    hosts: ["foo.bar.com"]`), want: [
    'port number 66000 must be in the range 1..65535',
    'invalid protocol "HTTPX", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
    'targetPort has no impact on Gateways',
    'port name must be set: number:81',
  ] },
  { name: 'duplicate port names across servers', yaml: gw(`
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["foo.bar.com"]
  - port:
      number: 81
      name: http #!
      protocol: HTTP
    hosts: ["foo.bar.com"]`), want: ['port names in servers must be unique: duplicate name http'] },
  { name: 'binds: bad IP, unix socket with a port number, relative socket path', yaml: gw(`
  - port: {number: 80, name: http, protocol: HTTP}
    bind: 1.2.3 #!
    hosts: ["foo.bar.com"]
  - port:
      number: 81 #!
      name: uds
      protocol: HTTP
    bind: unix://var/run/x.sock #!
    hosts: ["foo.bar.com"]`), want: [
    '1.2.3 is not a valid IP',
    'port number must be 0 for unix domain socket',
    'var/run/x.sock is not an absolute path to a file',
  ] },
  { name: 'TLS required on HTTPS, forbidden on plain ports', yaml: gw(`
  - port:
      number: 443
      name: https
      protocol: HTTPS #!
    hosts: ["foo.bar.com"]
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["foo.bar.com"]
    tls:
      mode: SIMPLE #!
      credentialName: c
  - port: {number: 81, name: tcp, protocol: TCP}
    hosts: ["foo.bar.com"]
    tls:
      httpsRedirect: true #!?`), want: [
    'server must have TLS settings for HTTPS/TLS protocols',
    'server cannot have TLS settings for plain text HTTP ports',
    'server cannot have TLS settings for non HTTPS/TLS ports',
    'tls.httpsRedirect should only be used with http servers',
  ] },
  { name: 'TLS modes: SIMPLE/MUTUAL requirements, ISTIO_MUTUAL extras, PASSTHROUGH certificates, CRL', yaml: gw(`
  - port: {number: 443, name: a, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: SIMPLE #!!
  - port: {number: 444, name: b, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: MUTUAL #!!!
  - port: {number: 445, name: c, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: ISTIO_MUTUAL
      serverCertificate: /a #!
      credentialName: x #!
  - port: {number: 446, name: d, protocol: TLS}
    hosts: ["foo.bar.com"]
    tls:
      mode: PASSTHROUGH #?
      credentialName: x
  - port: {number: 447, name: e, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: SIMPLE
      serverCertificate: /a
      privateKey: /b
      caCrl: /crl #!`), want: [
    'SIMPLE TLS requires a server certificate', 'SIMPLE TLS requires a private key',
    'MUTUAL TLS requires a client CA bundle', 'MUTUAL TLS requires a server certificate', 'MUTUAL TLS requires a private key',
    'ISTIO_MUTUAL TLS cannot have associated server certificate',
    'ISTIO_MUTUAL TLS cannot have associated credentialName',
    'PASSTHROUGH mode does not use certificates, they will be ignored',
    'CRL is not supported with SIMPLE TLS',
  ] },
  { name: 'TLS: more than one certificate source; tlsCertificates entries; CRL with credentialName', yaml: gw(`
  - port: {number: 443, name: a, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: SIMPLE #!
      credentialName: x
      serverCertificate: /a
      privateKey: /b
  - port: {number: 444, name: b, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: SIMPLE
      tlsCertificates:
      - serverCertificate: /a
        privateKey: /b
      - serverCertificate: /c #!
  - port: {number: 445, name: c, protocol: TLS}
    hosts: ["foo.bar.com"]
    tls:
      mode: PASSTHROUGH #?
      credentialName: x
      caCrl: /crl #!`), want: [
    'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified',
    'SIMPLE TLS requires a private key',
    'PASSTHROUGH mode does not use certificates, they will be ignored',
    'CRL is not supported with credentialName. CRL has to be specified in the credential',
  ] },
  { name: 'TLS versions and cipher suites', yaml: gw(`
  - port: {number: 443, name: a, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: SIMPLE
      credentialName: x
      minProtocolVersion: TLSV1_1 #?
  - port: {number: 444, name: b, protocol: HTTPS}
    hosts: ["foo.bar.com"]
    tls:
      mode: SIMPLE
      credentialName: x
      cipherSuites:
      - ECDHE-RSA-AES128-GCM-SHA256 #??
      - not-a-cipher
      - ECDHE-RSA-AES128-GCM-SHA256
      - Bogus`), want: [
    'TLS version below TLSV1_2 require setting compatible ciphers',
    'ignoring invalid cipher suites: [Bogus not-a-cipher]',
    'ignoring duplicate cipher suites: [ECDHE-RSA-AES128-GCM-SHA256]',
  ] },
];

const dr = (spec: string, meta = '  name: reviews\n  namespace: default') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
${meta}
spec:
${spec}`;

const DESTINATION_RULE: Case[] = [
  { name: 'valid destination rule', yaml: dr(`
  host: reviews.prod.svc.cluster.local
  exportTo: [".", "other-ns"]
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 100, connectTimeout: 30ms, idleTimeout: 0s, tcpKeepalive: {time: 7200s, interval: 75s}}
      http: {http1MaxPendingRequests: 10, maxRetries: 3, idleTimeout: 1h}
    outlierDetection: {consecutive5xxErrors: 7, interval: 5m, baseEjectionTime: 15m, maxEjectionPercent: 100}
    loadBalancer:
      simple: LEAST_REQUEST
      localityLbSetting:
        distribute:
        - from: us-west/zone1/*
          to: {"us-west/zone1/*": 80, "us-west/zone2/*": 20}
    tls: {mode: ISTIO_MUTUAL}
    portLevelSettings:
    - port: {number: 80}
      loadBalancer: {consistentHash: {maglev: {tableSize: 65537}, httpHeaderName: x-user}}
  subsets:
  - name: v1
    labels: {version: v1, "app.kubernetes.io/name": reviews}
  - name: V2
    labels: {version: v2}
    trafficPolicy:
      tls: {mode: SIMPLE, credentialName: "configmap://default/ca"}`) },
  { name: 'bad host', yaml: dr(`
  host: "reviews.*.svc" #!`), want: ['domain name "*.svc" invalid (label "*" invalid)'] },
  { name: 'subsets: duplicate and invalid names, bad labels', yaml: dr(`
  host: reviews
  subsets:
  - name: v1
  - name: v1 #!
  - name: "v_2" #!
  - name: ""  #!
  - name: v4
    labels:
      "-bad": x #!
      ok: "bad value!" #!`), want: [
    'duplicate subset names: v1', 'subset name is invalid: v_2', 'subset name cannot be empty',
    'invalid tag key: "-bad"', 'invalid tag value: "bad value!"',
  ] },
  { name: 'traffic policy: empty, tunnel with proxyProtocol', yaml: dr(`
  host: reviews
  trafficPolicy: {} #!
  subsets:
  - name: v1
    trafficPolicy:
      tunnel: {targetHost: example.com, targetPort: 8443} #!
      proxyProtocol: {version: V1}`), want: ['traffic policy must have at least one field', 'tunnel and proxyProtocol must not be set together'] },
  { name: 'connection pool: empty, negatives, upgrade with client protocol, ms precision', yaml: dr(`
  host: reviews
  trafficPolicy:
    connectionPool: {} #!
  subsets:
  - name: v1
    trafficPolicy:
      connectionPool:
        http:
          http1MaxPendingRequests: -1 #!
          http2MaxRequests: -1 #!
          maxRequestsPerConnection: -1 #!
          maxRetries: -1 #!
          maxConcurrentStreams: -1 #!
          h2UpgradePolicy: UPGRADE
          useClientProtocol: true #!
          idleTimeout: 1.5ms #!
        tcp:
          maxConnections: -1 #!
          connectTimeout: 1001us #!
          idleTimeout: 100us
  - name: v2
    trafficPolicy:
      connectionPool:
        tcp:
          idleTimeout: -2s #!`), want: [
    'connection pool must have at least one field',
    'http1 max pending requests must be non-negative', 'http2 max requests must be non-negative',
    'max requests per connection must be non-negative', 'max retries must be non-negative',
    'max concurrent streams must be non-negative', 'use client protocol must not be true when H2UpgradePolicy is UPGRADE',
    'only durations to ms precision are supported', 'max connections must be non-negative',
    'only durations to ms precision are supported', 'duration must be greater than 1ms',
  ] },
  { name: 'outlier detection', yaml: dr(`
  host: reviews
  trafficPolicy:
    outlierDetection:
      consecutiveErrors: 5 #?
      consecutiveLocalOriginFailures: 3 #!
      maxEjectionPercent: 101 #!
      minHealthPercent: -1 #!
      interval: 10.5ms #!`), want: [
    'outlier detection consecutive errors is deprecated',
    'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
    'percentage 101 is not in range 0..100', 'percentage -1 is not in range 0..100',
    'only durations to ms precision are supported',
  ] },
  { name: 'load balancer: consistent hash', yaml: dr(`
  host: reviews
  subsets:
  - name: a
    trafficPolicy:
      loadBalancer:
        consistentHash:
          httpCookie:
            name: "" #!
            ttl: 0s
  - name: b
    trafficPolicy:
      loadBalancer:
        consistentHash:
          useSourceIp: true
          minimumRingSize: 1024 #?!
          ringHash: {minimumRingSize: 1024}
  - name: c
    trafficPolicy:
      loadBalancer:
        consistentHash:
          useSourceIp: true
          maglev:
            tableSize: 1000 #!
  - name: d
    trafficPolicy:
      loadBalancer:
        consistentHash:
          useSourceIp: true
          maglev: {} #!!`), want: [
    'name required for HttpCookie',
    'consistent hash MinimumRingSize is deprecated', 'only one of MinimumRingSize or Maglev/Ringhash can be specified',
    'tableSize must be a prime number for maglev',
    'tableSize must be set for maglev', 'tableSize must be a prime number for maglev',
  ] },
  { name: 'load balancer: warmup aggression', yaml: dr(`
  host: reviews
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
      warmup:
        duration: 10s
        aggression: 0.5 #!`), want: ['aggression should be greater than or equal to 1'] },
  { name: 'locality lb settings', yaml: dr(`
  host: reviews
  subsets:
  - name: a
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          distribute: [{from: a, to: {b: 100}}] #!
          failover: [{from: a, to: b}]
  - name: b
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          distribute:
          - from: a
            to:
              b: 50 #!
              c: 40
  - name: c
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          distribute:
          - from: a
            to:
              b: 0 #!
              c: 100
  - name: d
    trafficPolicy:
      outlierDetection: {consecutive5xxErrors: 5}
      loadBalancer:
        localityLbSetting:
          failover:
          - {from: us-east, to: us-east} #!
          - {from: us-east/zone1, to: us-west} #!
          - {from: "us-*", to: us-west} #!
  - name: e
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          failoverPriority: ["topology.kubernetes.io/network"] #?
  - name: f
    trafficPolicy:
      outlierDetection: {consecutive5xxErrors: 5}
      loadBalancer:
        localityLbSetting:
          failover: [{from: a, to: b}]
          failoverPriority:
          - "topology.kubernetes.io/zone" #!
  - name: g
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          distribute:
          - {from: "a/*", to: {x: 100}} #!
          - {from: "a/b", to: {y: 100}}
  - name: h
    trafficPolicy:
      loadBalancer:
        localityLbSetting:
          distribute:
          - from: "a"
            to:
              "x/*/z": 100 #!`), want: [
    "can not simultaneously specify 'distribute' and 'failover'",
    'total locality weight 90 != 100',
    'locality weight must be in range [1, 100]',
    'locality lb failover settings must specify different regions',
    'locality lb failover only specify region',
    "locality lb failover region should not contain '*' wildcard",
    'outlier detection policy must be provided for failover',
    "can not simultaneously set 'failover' and topology label 'topology.kubernetes.io/zone' in 'failover_priority'",
    'locality a/b overlap with previous specified ones',
    "locality x/*/z wildcard '*' number can not exceed 1 and must be in the end",
  ] },
  { name: 'client TLS', yaml: dr(`
  host: reviews
  subsets:
  - name: a
    trafficPolicy:
      tls:
        mode: MUTUAL #!!
  - name: b
    trafficPolicy:
      tls:
        mode: SIMPLE
        credentialName: x #!
        caCertificates: /ca
  - name: c
    trafficPolicy:
      tls:
        mode: SIMPLE
        caCertificates: /ca
        insecureSkipVerify: true #!
  - name: d
    trafficPolicy:
      tls:
        mode: MUTUAL
        clientCertificate: /c
        privateKey: /k
        subjectAltNames: [a]
        insecureSkipVerify: true #!
  - name: e
    trafficPolicy:
      tls:
        mode: SIMPLE
        credentialName: "configmap://other/ca" #!
  - name: f
    trafficPolicy:
      tls:
        mode: SIMPLE
        credentialName: "configmap://ca" #!`), want: [
    'client certificate required for mutual tls', 'private key required for mutual tls',
    'cannot specify client certificates or CA certificate or CA CRL If credentialName is set',
    'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true',
    'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true',
    'invalid configmap:// credentialName: namespace must match the configuration namespace "default"',
    'invalid configmap:// credentialName: invalid resource name "configmap://ca". Expected namespace and name',
  ] },
  { name: 'port level settings and tunnel', yaml: dr(`
  host: reviews
  trafficPolicy:
    portLevelSettings:
    - loadBalancer: {simple: RANDOM} #!
    - port: {number: 80} #!
    tunnel:
      protocol: GET #!
      targetHost: "bad_host" #!
      targetPort: 0 #!`), want: [
    'portTrafficPolicy must have valid port', 'port traffic policy must have at least one field',
    'tunnel protocol must be "CONNECT" or "POST"',
    'tunnel target host must be valid FQDN or IP address: domain name "bad_host" invalid (label "bad_host" invalid); bad_host is not a valid IP',
    'tunnel target port is invalid: port number 0 must be in the range 1..65535',
  ] },
  { name: 'exportTo', yaml: dr(`
  host: reviews
  exportTo:
  - default #!
  - "." #!
  - "~" #!
  - "bad_ns" #!
  - "*"`), want: [
    'cannot have both public (*) and non-public exportTo values for a resource',
    'duplicate entries in exportTo: . and current namespace default',
    'exportTo ~ (none) is not allowed for Istio configuration objects',
    'only .,*,~, or a valid DNS 1123 label is allowed as exportTo entry',
  ] },
  { name: 'exportTo with "*" and others; workload selector rules', yaml: dr(`
  host: reviews
  workloadSelector:
    matchLabels: {} #?
  exportTo:
  - "*" #!!
  - other`), want: [
    'workload selector specified without labels',
    'cannot have both public (*) and non-public exportTo values for a resource',
    'destination rule with workload selector cannot have exportTo beyond current namespace',
  ] },
  { name: 'workload selector with several exportTo entries', yaml: dr(`
  host: reviews
  workloadSelector:
    matchLabels: {app: reviews}
  exportTo:
  - "." #!
  - other`), want: ['destination rule with workload selector cannot have multiple entries in exportTo'] },
  { name: 'namespace unknown: nothing guessed', yaml: dr(`
  host: reviews
  workloadSelector:
    matchLabels: {app: reviews}
  exportTo: [".", other]
  trafficPolicy:
    tls: {mode: SIMPLE, credentialName: "configmap://other/ca"}`, '  name: reviews') },
];

const sc = (spec: string, ns = 'default') => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${ns}
spec:
${spec}`;

const SIDECAR: Case[] = [
  { name: 'valid sidecar', yaml: sc(`
  workloadSelector:
    labels: {app: productpage}
  ingress:
  - port: {number: 9080, protocol: HTTP, name: somename}
    defaultEndpoint: 127.0.0.1:8080
    captureMode: NONE
    connectionPool: {http: {http1MaxPendingRequests: 10}}
  - port: {number: 9081, protocol: HTTPS, name: tls}
    defaultEndpoint: "[::1]:8081"
    tls: {mode: SIMPLE, serverCertificate: /a, privateKey: /b}
  - port: {number: 9082, protocol: TCP}
    defaultEndpoint: unix:///var/run/app.sock
  egress:
  - port: {number: 0, protocol: HTTP, name: uds}
    bind: unix:///var/run/someuds.sock
    hosts: ["istio-system/*"]
  - port: {number: 8080, protocol: HTTP_PROXY}
    bind: 127.0.0.1
    captureMode: NONE
    hosts: ["*/*"]
  - hosts: ["ns1/*", "./foo.com", "~/*"]
  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy: {host: foo.bar, subset: shiny, port: {number: 5000}}`) },
  { name: 'empty configuration', yaml: `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
spec: {} #!
`, want: ['sidecar: empty configuration provided'] },
  { name: 'workload selector without labels; bad key stops validation', yaml: sc(`
  workloadSelector:
    labels: {} #?
  egress:
  - hosts: ["*/*"]`) + `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: b
spec:
  workloadSelector:
    labels:
      "app*": x #!
  egress:
  - hosts: ["bad"]`, want: [
    'sidecar: workload selector specified without labels, will be applied to all services in namespace',
    'wildcard is not supported in selector: "app*=x"',
  ] },
  { name: 'ingress: ports, binds, duplicates, default endpoints', yaml: sc(`
  ingress:
  - port:
      number: 0 #!
      protocol: HTTPX #!
      name: "bad_name" #!
      targetPort: 8080 #!
    bind: 1.1.1 #!
  - port:
      number: 9080
      protocol: HTTP
    defaultEndpoint: 1.1.1.1:90 #!
  - port:
      number: 9080 #!
      protocol: HTTP
    defaultEndpoint: "127.0.0.1:abc" #!
  - port: {number: 9081}
    defaultEndpoint: "127.0.0.1" #!!
  - port: {number: 9082}
    defaultEndpoint: "unix://relative.sock" #!`), want: [
    'port number 0 must be in the range 1..65535', 'unsupported protocol: HTTPX', 'invalid port name: bad_name',
    'targetPort has no impact on Sidecars', '1.1.1 is not a valid IP',
    'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset',
    'sidecar: ports on IP bound listeners must be unique',
    'sidecar: defaultEndpoint port (abc) is not a number: strconv.Atoi: parsing "abc": invalid syntax',
    'address 127.0.0.1: missing port in address', 'sidecar: defaultEndpoint port () is not a number',
    'relative.sock is not an absolute path to a file',
  ] },
  { name: 'ingress TLS', yaml: sc(`
  ingress:
  - port: {number: 9080, protocol: HTTP}
    tls:
      mode: ISTIO_MUTUAL #!!
      httpsRedirect: true #!
      subjectAltNames: [a] #!
      credentialName: x #!!`), want: [
    'server cannot have TLS settings for non HTTPS/TLS ports',
    'configuration is invalid: cannot set mode to ISTIO_MUTUAL in sidecar ingress tls',
    'sidecar: httpsRedirect is not supported', 'sidecar: subjectAltNames is not supported in ingress tls',
    'ISTIO_MUTUAL TLS cannot have associated credentialName', 'sidecar: credentialName is not currently supported',
  ] },
  { name: 'ingress connection pools', yaml: sc(`
  inboundConnectionPool:
    http:
      maxRetries: -1 #!
  ingress:
  - port: {number: 9080, protocol: TCP, name: tcp}
    connectionPool:
      http: {maxRetries: 1} #?
  - port: {number: 9081, protocol: HTTP}
    connectionPool: {} #!`), want: [
    'max retries must be non-negative',
    'sidecar: HTTP connection pool settings are configured for port 9080 ("tcp") but its protocol is not HTTP (TCP); only TCP settings will apply',
    'connection pool must have at least one field',
  ] },
  { name: 'egress: catch-all order, unix sockets, duplicate ports', yaml: sc(`
  egress:
  - hosts: ["*/*"] #!
  - port:
      number: 0
      protocol: HTTP
    bind: 127.0.0.1 #!
    hosts: ["*/*"]
  - port:
      number: 0
    bind: unix:///a.sock
    captureMode: IPTABLES #!
    hosts: ["*/*"]
  - port:
      number: 0
    bind: unix:///a.sock #!
    hosts: ["*/*"]
  - port: {number: 80, protocol: HTTP}
    hosts: ["*/*"]
  - port:
      number: 80 #!
      protocol: HTTP
    hosts: ["*/*"]`), want: [
    'sidecar: the egress listener with empty port should be the last listener in the list',
    'sidecar: ports with 0 value must have a unix domain socket bind address',
    'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners',
    'sidecar: unix domain socket values for listeners must be unique',
    'sidecar: ports on IP bound listeners must be unique',
  ] },
  { name: 'egress hosts', yaml: sc(`
  egress:
  - port: {number: 81}
    hosts: [] #!
  - port: {number: 80}
    hosts:
    - foo.com #!?
    - "bad_ns/foo.com" #!
    - "ns1/*" 
    - "ns1/foo.com" #?
    - "ns2/a.com"
    - "ns2/a.com" #?
    - "*/*"
    - "ns3/short" #!
    - "ns3/foo*.com" #!!`), want: [
    'sidecar: egress listener must contain at least one host',
    'host must be of form namespace/dnsName',
    '`*/*` host select all resources, no other hosts can be added',
    'invalid namespace value "bad_ns" in sidecar',
    'duplicated egress host: ns1/foo.com',
    'duplicated egress host: ns2/a.com',
    'short names (non FQDN) are not allowed',
    'partial wildcard "foo*.com" not allowed', 'domain name "foo*.com" invalid (label "foo*" invalid)',
  ] },
  { name: 'outbound traffic policy', yaml: sc(`
  outboundTrafficPolicy:
    mode: REGISTRY_ONLY #!
    egressProxy: {host: foo.bar, port: {number: 80}}`) + `
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: b
spec:
  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy:
      host: foo.bar #!
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: c
spec:
  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy:
      host: "foo" 
      subset: "bad_subset" #!
      port:
        number: 70000 #!`, want: [
    'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode',
    'sidecar: egress_proxy port must be non-nil',
    'subset name is invalid: bad_subset',
    'port number 70000 must be in the range 1..65535',
  ] },
];

for (const [group, cases] of [['Gateway', GATEWAY], ['DestinationRule', DESTINATION_RULE], ['Sidecar', SIDECAR]] as const) {
  for (const c of cases) test(`${group}: ${c.name}`, () => check(c));
}

test('every served version of the three kinds is validated', () => {
  for (const v of ['v1', 'v1beta1', 'v1alpha3']) {
    for (const [kind, spec] of [['Gateway', 'spec:\n  servers: []'], ['DestinationRule', 'spec:\n  host: "a.*"'], ['Sidecar', 'spec: {}']]) {
      const f = run(`apiVersion: networking.istio.io/${v}\nkind: ${kind}\nmetadata:\n  name: x\n${spec}\n`);
      assert.equal(f.length, 1, `${v} ${kind}: ${JSON.stringify(f.map((x) => x.message))}`);
    }
  }
});

test('other groups and kinds are left alone', () => {
  assert.deepEqual(run('apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: a.b\nspec: {}\n'), []);
});

test('odd shapes never throw and report nothing the schema owns', () => {
  const docs = [
    'spec: null', 'spec: []', 'spec: {servers: [null, 1, "x", {port: null, hosts: null}]}', 'spec: {servers: [{port: {number: "80"}, hosts: [1, null]}]}',
    'spec: {host: 5, subsets: [null, {name: 3}], trafficPolicy: [], exportTo: "x"}', 'spec: {ingress: [null, {port: []}], egress: "x"}',
  ];
  for (const kind of ['Gateway', 'DestinationRule', 'Sidecar']) {
    for (const d of docs) run(`apiVersion: networking.istio.io/v1\nkind: ${kind}\nmetadata:\n  name: x\n${d}\n`);
  }
});

test('Go duration parsing', () => {
  assert.equal(parseGoDuration('1h2m3.5s'), 3723500000000n);
  assert.equal(parseGoDuration('1.5ms'), 1500000n);
  assert.equal(parseGoDuration('100us'), 100000n);
  assert.equal(parseGoDuration('-0'), 0n);
  assert.equal(parseGoDuration('.5s'), 500000000n);
  for (const bad of ['', '5', 's', '1x', '.s', '1.5.5s']) assert.equal(parseGoDuration(bad), undefined, bad);
});

test('net.SplitHostPort and host helpers keep Go\'s texts', () => {
  assert.deepEqual(splitHostPort(':8080'), { host: '', port: '8080' });
  assert.deepEqual(splitHostPort('[::1]:80'), { host: '::1', port: '80' });
  assert.equal(splitHostPort('::1:80').error, 'address ::1:80: too many colons in address');
  assert.equal(splitHostPort('[::1]80').error, 'address [::1]80: missing port in address');
  assert.equal(wildcardDomainError('foo.123'), 'domain name "123" invalid (top level domain "123" cannot be all-numeric)');
  assert.equal(wildcardDomainError('istio.io.'), undefined);
  assert.equal(wildcardDomainError('*-foo.bar.com'), undefined);
  assert.deepEqual(namespaceSlashHostnameErrors('1.2.3.4', true), []);
  assert.deepEqual(namespaceSlashHostnameErrors('ns/1.2.3.4', false), ['domain name "2.3.4" invalid (top level domain "4" cannot be all-numeric)']);
  assert.deepEqual(namespaceSlashHostnameErrors('~/foo.com', true), ['invalid namespace value "~" in gateway']);
});
