// Checks of Istio's pkg/config/validation/validation.go used by more than one networking kind: validateTLSOptions
// (ServerTLSSettings: Gateway servers and Sidecar ingress listeners), validateConnectionPool (DestinationRule traffic
// policies and Sidecar ingress/inbound pools) and validateDestination (Sidecar egressProxy, VirtualService route and
// mirror destinations). What the CRD schema or its CEL rules enforce is left out (durations below 1ms, enums, required
// fields, the credentialName(s)/tlsCertificates exclusivity). Pure; never throws.
import {
  asArr, asObj, checkDuration, checkDurationPrecision, durationMillis, has, IssueSink, isDNS1123Label, nonEmptyList,
  num, type Obj, portError, str, wildcardDomainError,
} from './agent';
import type { ValidationPath } from './types';

// pkg/config/security ValidCipherSuites (`bssl ciphers -openssl-name ALL | rg -v PSK`)
const VALID_CIPHER_SUITES = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-ECDSA-AES128-SHA', 'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA', 'AES256-SHA',
  'DES-CBC3-SHA',
]);

/** security.IsValidCipherSuite: "", ALL, expressions starting with an operator, or a known suite. */
function isValidCipherSuite(cs: string): boolean {
  if (cs === '' || cs === 'ALL') return true;
  if (!/^[\p{L}\p{N}]/u.test(cs)) return true;
  return VALID_CIPHER_SUITES.has(cs);
}

/** ServerTLSSettings.mode as Go sees it: PASSTHROUGH (0) when unset. */
export function serverTlsMode(tls: Obj): string {
  return typeof tls.mode === 'string' ? tls.mode : 'PASSTHROUGH';
}

const SERVER_TLS_MODES = new Set(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']);

/** Go's %v of a sorted string list: [a b c]. */
function goList(items: Iterable<string>): string {
  return `[${[...items].sort().join(' ')}]`;
}

/** validateTLSOptions: a server's TLS settings (`path` is the tls field). */
export function validateServerTLS(sink: IssueSink, path: ValidationPath, tls: Obj): void {
  const mode = serverTlsMode(tls);
  if (!SERVER_TLS_MODES.has(mode)) return; // not an enum value: the schema rejects it, the webhook never sees it
  const at = (k: string): ValidationPath => [...path, k];
  if ((tls.minProtocolVersion === 'TLSV1_0' || tls.minProtocolVersion === 'TLSV1_1') && !nonEmptyList(tls, 'cipherSuites')) {
    sink.warn(at('minProtocolVersion'), 'TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.');
  }
  const invalid = new Set<string>();
  const valid = new Set<string>();
  const duplicate = new Set<string>();
  for (const cs of asArr(tls.cipherSuites) ?? []) {
    if (typeof cs !== 'string') continue;
    if (!isValidCipherSuite(cs)) invalid.add(cs);
    else if (valid.has(cs)) duplicate.add(cs);
    else valid.add(cs);
  }
  if (invalid.size) sink.warn(at('cipherSuites'), `ignoring invalid cipher suites: ${goList(invalid)}`);
  if (duplicate.size) sink.warn(at('cipherSuites'), `ignoring duplicate cipher suites: ${goList(duplicate)}`);

  const serverCertificate = str(tls, 'serverCertificate');
  const privateKey = str(tls, 'privateKey');
  const caCertificates = str(tls, 'caCertificates');
  const caCrl = str(tls, 'caCrl');
  const credentialName = str(tls, 'credentialName');
  const credentialNames = nonEmptyList(tls, 'credentialNames');
  const tlsCertificates = asArr(tls.tlsCertificates) ?? [];

  if (mode === 'ISTIO_MUTUAL') {
    // ISTIO_MUTUAL uses either SDS or the default certificate mount paths: no other TLS field may be set
    if (serverCertificate) sink.error(at('serverCertificate'), 'ISTIO_MUTUAL TLS cannot have associated server certificate');
    if (privateKey) sink.error(at('privateKey'), 'ISTIO_MUTUAL TLS cannot have associated private key');
    if (caCertificates) sink.error(at('caCertificates'), 'ISTIO_MUTUAL TLS cannot have associated CA bundle');
    if (tlsCertificates.length) sink.error(at('tlsCertificates'), 'ISTIO_MUTUAL TLS cannot have associated tlsCertificates');
    if (credentialName) sink.error(at('credentialName'), 'ISTIO_MUTUAL TLS cannot have associated credentialName');
    if (credentialNames) sink.error(at('credentialNames'), 'ISTIO_MUTUAL TLS cannot have associated credentialNames');
    return;
  }
  if ((mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') &&
    (caCrl || serverCertificate || privateKey || caCertificates || tlsCertificates.length || credentialName || credentialNames)) {
    sink.warn(has(tls, 'mode') ? at('mode') : path, `${mode} mode does not use certificates, they will be ignored`);
  }
  const sources = new Set<string>();
  if (serverCertificate && privateKey) sources.add('files');
  if (credentialName) sources.add('credentialName');
  if (credentialNames) sources.add('credentialNames');
  if (tlsCertificates.length) sources.add('tlsCertificates');
  // the CRD's CEL rules already reject credentialName with credentialNames, and credentialNames with tlsCertificates
  const celCovered = sources.size === 2 && sources.has('credentialNames') && (sources.has('credentialName') || sources.has('tlsCertificates'));
  if (sources.size > 1 && !celCovered) sink.error(path, 'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified');

  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (terminating && (credentialName || credentialNames)) return; // credentials are fetched remotely
  if (terminating) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !caCertificates) sink.error(path, `${prefix} requires a client CA bundle`);
    const certs: { cert: Obj; path: ValidationPath }[] = tlsCertificates.length
      ? tlsCertificates.map((c, i) => ({ cert: asObj(c) ?? {}, path: [...path, 'tlsCertificates', i] }))
      : [{ cert: tls, path }];
    for (const c of certs) {
      if (!str(c.cert, 'serverCertificate')) sink.error(c.path, `${prefix} requires a server certificate`);
      if (!str(c.cert, 'privateKey')) sink.error(c.path, `${prefix} requires a private key`);
    }
  }
  if (caCrl) {
    if (credentialName) sink.error(at('caCrl'), 'CRL is not supported with credentialName. CRL has to be specified in the credential');
    if (mode === 'SIMPLE') sink.error(at('caCrl'), 'CRL is not supported with SIMPLE TLS');
  }
}

/** validateConnectionPool (`path` is the connectionPool field). */
export function validateConnectionPool(sink: IssueSink, path: ValidationPath, settings: unknown): void {
  const cp = asObj(settings);
  if (!cp) return;
  if (!has(cp, 'http') && !has(cp, 'tcp')) {
    sink.error(path, 'connection pool must have at least one field');
    return;
  }
  const http = asObj(cp.http);
  if (http) {
    const at = (k: string): ValidationPath => [...path, 'http', k];
    if (num(http, 'http1MaxPendingRequests') < 0) sink.error(at('http1MaxPendingRequests'), 'http1 max pending requests must be non-negative');
    if (num(http, 'http2MaxRequests') < 0) sink.error(at('http2MaxRequests'), 'http2 max requests must be non-negative');
    if (num(http, 'maxRequestsPerConnection') < 0) sink.error(at('maxRequestsPerConnection'), 'max requests per connection must be non-negative');
    if (num(http, 'maxRetries') < 0) sink.error(at('maxRetries'), 'max retries must be non-negative');
    checkDurationPrecision(sink, at('idleTimeout'), http.idleTimeout);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true) {
      sink.error(at('useClientProtocol'), 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    }
    if (num(http, 'maxConcurrentStreams') < 0) sink.error(at('maxConcurrentStreams'), 'max concurrent streams must be non-negative');
  }
  const tcp = asObj(cp.tcp);
  if (tcp) {
    const at = (k: string): ValidationPath => [...path, 'tcp', k];
    if (num(tcp, 'maxConnections') < 0) sink.error(at('maxConnections'), 'max connections must be non-negative');
    checkDurationPrecision(sink, at('connectTimeout'), tcp.connectTimeout);
    checkDurationPrecision(sink, at('maxConnectionDuration'), tcp.maxConnectionDuration);
    // tcp.idleTimeout has no CEL rule; 0s (below 1ms) disables the timeout and is not validated
    const idleMs = durationMillis(tcp.idleTimeout);
    if (idleMs !== undefined && idleMs !== 0n) checkDuration(sink, at('idleTimeout'), tcp.idleTimeout);
    const ka = asObj(tcp.tcpKeepalive);
    if (ka) {
      checkDurationPrecision(sink, [...path, 'tcp', 'tcpKeepalive', 'time'], ka.time);
      checkDurationPrecision(sink, [...path, 'tcp', 'tcpKeepalive', 'interval'], ka.interval);
    }
  }
}

/** validateSubsetName */
export function subsetNameError(name: string): string | undefined {
  if (name.length === 0) return 'subset name cannot be empty';
  return isDNS1123Label(name) ? undefined : `subset name is invalid: ${name}`;
}

/** validateDestination (`path` is the destination). */
export function validateDestination(sink: IssueSink, path: ValidationPath, destination: Obj): void {
  if (typeof destination.host === 'string') {
    const host = destination.host;
    if (host === '*') sink.error([...path, 'host'], `invalid destination host ${host}`);
    else {
      const err = wildcardDomainError(host);
      if (err) sink.error([...path, 'host'], err);
    }
  }
  const subset = str(destination, 'subset');
  if (subset) {
    const err = subsetNameError(subset);
    if (err) sink.error([...path, 'subset'], err);
  }
  const port = asObj(destination.port);
  // validatePortSelector: an unset number is 0 (reported at the port when `number` is absent, as there is no such node)
  if (port) sink.error([...path, 'port', ...(has(port, 'number') ? ['number'] : [])], portError(num(port, 'number')));
}
