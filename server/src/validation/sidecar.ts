// networking.istio.io/Sidecar: Istio's ValidateSidecar (pkg/config/validation/validation.go: ValidateAlphaWorkloadSelector,
// validateSidecarIngressPortAndBind, validateSidecarEgressPortBindAndCaptureMode, validateSidecarOutboundTrafficPolicy,
// validateTLSOptions, validateConnectionPool; agent.ValidateNamespaceSlashWildcardHostname), minus what the CRD
// enforces (ingress port and egress hosts present, enums, label value wildcards, durations below 1ms). Pure; never throws.
import {
  asArr, asObj, atoi, fqdnError, ipAddressError, isHTTPProtocol, isTLSProtocol, IssueSink, namespaceSlashHostnameErrors,
  nonEmptyList, num, type Obj, parseProtocol, portError, portNameError, protocolError, q, splitHostPort, str,
  unixAddressError,
} from './agent';
import { serverTlsMode, validateConnectionPool, validateDestination, validateServerTLS } from './networking-common';
import type { KindValidator, ValidationPath } from './types';

const UNIX = 'unix://';

/** The port checks shared by ingress and egress listeners on an IP port: name, protocol, number, bind. */
function validateIPPortAndBind(sink: IssueSink, path: ValidationPath, port: Obj, bind: string): void {
  const name = str(port, 'name');
  const nameErr = name ? portNameError(name) : undefined;
  if (nameErr) sink.error([...path, 'port', 'name'], nameErr);
  const protoErr = protocolError(str(port, 'protocol'));
  if (protoErr) sink.error([...path, 'port', 'protocol'], protoErr);
  const numErr = portError(num(port, 'number'));
  if (numErr) sink.error([...path, 'port', 'number'], numErr);
  if (bind) {
    const err = ipAddressError(bind);
    if (err) sink.error([...path, 'bind'], err);
  }
}

function validateDefaultEndpoint(sink: IssueSink, path: ValidationPath, endpoint: string): void {
  if (endpoint.startsWith(UNIX)) {
    const err = unixAddressError(endpoint.slice(UNIX.length));
    if (err) sink.error(path, err);
    return;
  }
  // 127.0.0.1:port, [::1]:port or :port
  const { host, port, error } = splitHostPort(endpoint);
  if (error) sink.error(path, error);
  if (host !== '' && host !== '127.0.0.1' && host !== '0.0.0.0' && host !== '::1' && host !== '::') {
    sink.error(path, 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset');
  }
  const n = atoi(port);
  if (n.error !== undefined) sink.error(path, `sidecar: defaultEndpoint port (${port}) is not a number: ${n.error}`);
  else {
    const err = portError(n.value!);
    if (err) sink.error(path, err);
  }
}

function validateIngress(sink: IssueSink, ingress: unknown[]): void {
  const ports = new Set<number>();
  ingress.forEach((item, i) => {
    const listener = asObj(item);
    if (!listener) return; // null: the schema's to report
    const at: ValidationPath = ['spec', 'ingress', i];
    const port = asObj(listener.port);
    if (!port) return; // "port is required for ingress listeners": the CRD requires it
    if (num(port, 'targetPort') > 0) sink.error([...at, 'port', 'targetPort'], 'targetPort has no impact on Sidecars');
    validateIPPortAndBind(sink, at, port, str(listener, 'bind'));
    const number = num(port, 'number');
    if (ports.has(number)) sink.error([...at, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
    ports.add(number);
    const endpoint = str(listener, 'defaultEndpoint');
    if (endpoint) validateDefaultEndpoint(sink, [...at, 'defaultEndpoint'], endpoint);

    const tls = asObj(listener.tls);
    if (tls) {
      const t = (k: string): ValidationPath => [...at, 'tls', k];
      if (nonEmptyList(tls, 'subjectAltNames')) sink.error(t('subjectAltNames'), 'sidecar: subjectAltNames is not supported in ingress tls');
      if (tls.httpsRedirect === true) sink.error(t('httpsRedirect'), 'sidecar: httpsRedirect is not supported');
      if (str(tls, 'credentialName')) sink.error(t('credentialName'), 'sidecar: credentialName is not currently supported');
      if (nonEmptyList(tls, 'credentialNames')) sink.error(t('credentialNames'), 'sidecar: credentialNames is not currently supported');
      if (nonEmptyList(tls, 'tlsCertificates')) sink.error(t('tlsCertificates'), 'sidecar: tls_certificates is not currently supported');
      const mode = serverTlsMode(tls);
      if (mode === 'ISTIO_MUTUAL' || mode === 'AUTO_PASSTHROUGH') {
        sink.error(t('mode'), `configuration is invalid: cannot set mode to ${mode} in sidecar ingress tls`);
      }
      if (!isTLSProtocol(parseProtocol(str(port, 'protocol')))) sink.error([...at, 'tls'], 'server cannot have TLS settings for non HTTPS/TLS ports');
      validateServerTLS(sink, [...at, 'tls'], tls);
    }

    validateConnectionPool(sink, [...at, 'connectionPool'], listener.connectionPool);
    const cp = asObj(listener.connectionPool);
    if (cp && asObj(cp.http) && !isHTTPProtocol(parseProtocol(str(port, 'protocol')))) {
      sink.warn([...at, 'connectionPool', 'http'],
        `sidecar: HTTP connection pool settings are configured for port ${number} (${q(str(port, 'name'))}) but its protocol is not HTTP (${str(port, 'protocol')}); only TCP settings will apply`);
    }
  });
}

function validateEgress(sink: IssueSink, namespace: string, egress: unknown[]): void {
  const ports = new Set<number>();
  const sockets = new Set<string>();
  let catchAllFound = false;
  egress.forEach((item, index) => {
    const listener = asObj(item);
    if (!listener) return;
    const at: ValidationPath = ['spec', 'egress', index];
    const port = asObj(listener.port);
    if (!port) {
      // only one catch-all listener without a port, and it must be the last one
      if (!catchAllFound) {
        if (index === egress.length - 1) catchAllFound = true;
        else sink.error(at, 'sidecar: the egress listener with empty port should be the last listener in the list');
      } else {
        sink.error(at, 'sidecar: egress can have only one listener with empty port');
        return;
      }
    } else {
      if (num(port, 'targetPort') > 0) sink.error([...at, 'port', 'targetPort'], 'targetPort has no impact on Sidecars');
      const bind = str(listener, 'bind');
      if (num(port, 'number') === 0) {
        // a Unix domain socket listener
        const name = str(port, 'name');
        const nameErr = name ? portNameError(name) : undefined;
        if (nameErr) sink.error([...at, 'port', 'name'], nameErr);
        const protoErr = protocolError(str(port, 'protocol'));
        if (protoErr) sink.error([...at, 'port', 'protocol'], protoErr);
        if (!bind.startsWith(UNIX)) sink.error([...at, 'bind'], 'sidecar: ports with 0 value must have a unix domain socket bind address');
        else {
          const err = unixAddressError(bind.slice(UNIX.length));
          if (err) sink.error([...at, 'bind'], err);
        }
        const captureMode = typeof listener.captureMode === 'string' ? listener.captureMode : 'DEFAULT';
        if (captureMode !== 'DEFAULT' && captureMode !== 'NONE') {
          sink.error([...at, 'captureMode'], 'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners');
        }
        if (sockets.has(bind)) sink.error([...at, 'bind'], 'sidecar: unix domain socket values for listeners must be unique');
        sockets.add(bind);
      } else {
        validateIPPortAndBind(sink, at, port, bind);
        const number = num(port, 'number');
        if (ports.has(number)) sink.error([...at, 'port', 'number'], 'sidecar: ports on IP bound listeners must be unique');
        ports.add(number);
      }
    }

    // hosts are namespace/dnsName: ns1/host, */host, */*, ns1/*, ns1/*.example.com
    const hosts = asArr(listener.hosts);
    if (!hosts) return; // required by the CRD
    if (hosts.length === 0) {
      sink.error([...at, 'hosts'], 'sidecar: egress listener must contain at least one host');
      return;
    }
    const byNs = new Map<string, Set<string>>();
    hosts.forEach((h, j) => {
      if (typeof h !== 'string') return;
      const slash = h.indexOf('/');
      if (slash >= 0) {
        let ns = h.slice(0, slash);
        const svc = h.slice(slash + 1);
        if (ns === '.' && namespace) ns = namespace;
        const svcs = byNs.get(ns) ?? new Set<string>();
        byNs.set(ns, svcs);
        if (svc !== '*' ? svcs.has(svc) || svcs.has('*') : svcs.size !== 0) sink.warn([...at, 'hosts', j], `duplicated egress host: ${h}`);
        svcs.add(svc);
      }
      for (const err of namespaceSlashHostnameErrors(h, false)) sink.error([...at, 'hosts', j], err);
    });
    if (byNs.get('*')?.has('*') && byNs.size !== 1) sink.warn([...at, 'hosts'], '`*/*` host select all resources, no other hosts can be added');
  });
}

function validateOutboundTrafficPolicy(sink: IssueSink, policy: Obj | undefined): void {
  const proxy = asObj(policy?.egressProxy);
  if (!policy || !proxy) return;
  const path: ValidationPath = ['spec', 'outboundTrafficPolicy'];
  const mode = typeof policy.mode === 'string' ? policy.mode : 'REGISTRY_ONLY';
  if (mode !== 'ALLOW_ANY') {
    sink.error(policy.mode === undefined ? [...path, 'egressProxy'] : [...path, 'mode'], 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    return;
  }
  if (typeof proxy.host === 'string') {
    const err = fqdnError(proxy.host);
    if (err) sink.error([...path, 'egressProxy', 'host'], err);
  }
  if (!asObj(proxy.port)) {
    sink.error([...path, 'egressProxy'], 'sidecar: egress_proxy port must be non-nil');
    return;
  }
  validateDestination(sink, [...path, 'egressProxy'], proxy);
}

export const validateSidecar: KindValidator = ({ namespace, obj }) => {
  const sink = new IssueSink();
  const spec = asObj(obj.spec) ?? {};

  const selector = asObj(spec.workloadSelector);
  if (selector) {
    const labels = asObj(selector.labels) ?? {};
    let selectorErr = false;
    for (const [k, v] of Object.entries(labels)) {
      const pair = q(`${k}=${typeof v === 'string' ? v : ''}`);
      if (k === '') {
        selectorErr = true;
        sink.error(['spec', 'workloadSelector', 'labels'], `empty key is not supported in selector: ${pair}`);
      }
      if (k.includes('*')) {
        selectorErr = true;
        sink.error(['spec', 'workloadSelector', 'labels', k], `wildcard is not supported in selector: ${pair}`);
      } else if (typeof v === 'string' && v.includes('*')) {
        selectorErr = true; // the CRD's CEL rule reports a wildcard in a value
      }
    }
    if (selectorErr) return sink.issues; // the webhook stops at a bad selector
    if (Object.keys(labels).length === 0) {
      sink.warn(['spec', 'workloadSelector'], 'sidecar: workload selector specified without labels, will be applied to all services in namespace');
    }
  }

  const ingress = asArr(spec.ingress) ?? [];
  const egress = asArr(spec.egress) ?? [];
  if (ingress.length === 0 && egress.length === 0 && spec.outboundTrafficPolicy == null && spec.inboundConnectionPool == null) {
    return [{ path: ['spec'], message: 'sidecar: empty configuration provided', severity: 'Error' }]; // the warning is dropped too
  }
  validateIngress(sink, ingress);
  validateConnectionPool(sink, ['spec', 'inboundConnectionPool'], spec.inboundConnectionPool);
  validateEgress(sink, namespace, egress);
  validateOutboundTrafficPolicy(sink, asObj(spec.outboundTrafficPolicy));
  return sink.issues;
};
