// networking.istio.io/Gateway: Istio's ValidateGateway (pkg/config/validation/validation.go: validateServer,
// validateServerPort, validateServerBind, validateTLSOptions; agent.ValidateNamespaceSlashWildcardHostname), minus what
// the CRD enforces (port, hosts, port number/protocol/name present; TLS enums; credentialName(s)/tlsCertificates CEL
// rules). Not a Gateway converted from the Gateway API (gatewaySemantics off). Pure; never throws.
import {
  asArr, asObj, IssueSink, isDNS1123Label, isHTTPProtocol, isTLSProtocol, ipAddressError, namespaceSlashHostnameErrors,
  num, type Obj, parseProtocol, portError, q, str, unixAddressError,
} from './agent';
import { serverTlsMode, validateServerTLS } from './networking-common';
import { isDNS1123Subdomain } from '../schema/formats';
import type { KindValidator, ValidationPath } from './types';

const UNIX = 'unix://';

/** Go's %v of a Port message, roughly as prototext prints it. */
function portText(port: Obj): string {
  const parts: string[] = [];
  if (num(port, 'number')) parts.push(`number:${num(port, 'number')}`);
  if (str(port, 'protocol')) parts.push(`protocol:${q(str(port, 'protocol'))}`);
  if (str(port, 'name')) parts.push(`name:${q(str(port, 'name'))}`);
  return parts.join(' ');
}

/** validateServerPort: reports what the CRD does not; returns whether Go's portErr would be non-nil. */
function validateServerPort(sink: IssueSink, path: ValidationPath, port: Obj | undefined, bind: string): boolean {
  if (!port) return true; // "port is required": the CRD requires it
  let failed = false;
  const at = (k: string): ValidationPath => [...path, k];
  if (parseProtocol(str(port, 'protocol')) === 'UnsupportedProtocol') {
    failed = true;
    if (typeof port.protocol === 'string') {
      sink.error(at('protocol'), `invalid protocol ${q(port.protocol)}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
    }
  }
  const number = num(port, 'number');
  if (number > 0 || !bind.startsWith(UNIX)) {
    const err = portError(number);
    if (err) {
      failed = true;
      if (typeof port.number === 'number') sink.error(at('number'), err);
    }
  }
  if (num(port, 'targetPort') > 0) {
    failed = true;
    sink.error(at('targetPort'), 'targetPort has no impact on Gateways');
  }
  if (str(port, 'name') === '') {
    failed = true;
    if (typeof port.name === 'string') sink.error(at('name'), `port name must be set: ${portText(port)}`);
  }
  return failed;
}

function validateServer(sink: IssueSink, path: ValidationPath, server: Obj): void {
  const hosts = asArr(server.hosts);
  if (hosts && hosts.length === 0) sink.error([...path, 'hosts'], 'server config must contain at least one host');
  hosts?.forEach((h, i) => {
    if (typeof h !== 'string') return;
    for (const err of namespaceSlashHostnameErrors(h, true)) sink.error([...path, 'hosts', i], err);
  });
  const port = asObj(server.port);
  const bind = str(server, 'bind');
  const portFailed = validateServerPort(sink, [...path, 'port'], port, bind);

  // validateServerBind
  if (bind.startsWith(UNIX)) {
    const err = unixAddressError(bind.slice(UNIX.length));
    if (err) sink.error([...path, 'bind'], err);
    if (port && num(port, 'number') !== 0) sink.error([...path, 'port', 'number'], `port number must be 0 for unix domain socket: ${portText(port)}`);
  } else if (bind.length !== 0) {
    const err = ipAddressError(bind);
    if (err) sink.error([...path, 'bind'], err);
  }

  const tls = asObj(server.tls);
  if (tls) validateServerTLS(sink, [...path, 'tls'], tls);

  // If the port is HTTPS or TLS, the server must have TLS options
  if (!portFailed && port) {
    const p = parseProtocol(str(port, 'protocol'));
    if (isTLSProtocol(p) && !tls) {
      sink.error([...path, 'port', 'protocol'], 'server must have TLS settings for HTTPS/TLS protocols');
    } else if (!isTLSProtocol(p) && tls) {
      if (isHTTPProtocol(p)) {
        // only a TLS redirect is allowed on a plain text HTTP server
        const mode = serverTlsMode(tls);
        const passThrough = mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH';
        if (!passThrough || str(tls, 'caCertificates') || str(tls, 'privateKey') || str(tls, 'serverCertificate')) {
          sink.error([...path, 'tls'], 'server cannot have TLS settings for plain text HTTP ports');
        }
      } else {
        sink.error([...path, 'tls'], 'server cannot have TLS settings for non HTTPS/TLS ports');
      }
    }
  }
}

export const validateGateway: KindValidator = ({ name, obj }) => {
  const sink = new IssueSink();
  // Gateway names must be DNS labels (no dots); a name the API server refuses anyway is the schema's to report
  if (name && !isDNS1123Label(name) && isDNS1123Subdomain(name).length === 0) {
    sink.error(['metadata', 'name'], `invalid gateway name: ${q(name)}`);
  }
  const spec = asObj(obj.spec) ?? {};
  const servers = asArr(spec.servers) ?? [];
  if (servers.length === 0) sink.error(spec.servers === undefined ? ['spec'] : ['spec', 'servers'], 'gateway must have at least one server');
  servers.forEach((s, i) => {
    const server = asObj(s);
    if (server) validateServer(sink, ['spec', 'servers', i], server);
  });

  // port names must be unique across servers
  const portNames = new Set<string>();
  servers.forEach((s, i) => {
    const port = asObj(asObj(s)?.port);
    if (!port) return;
    const portName = port.name;
    if (typeof portName === 'string') {
      if (portNames.has(portName)) sink.error(['spec', 'servers', i, 'port', 'name'], `port names in servers must be unique: duplicate name ${portName}`);
      portNames.add(portName);
    }
    const tls = asObj(asObj(s)?.tls);
    if (tls?.httpsRedirect === true && !isHTTPProtocol(parseProtocol(str(port, 'protocol')))) {
      sink.warn(['spec', 'servers', i, 'tls', 'httpsRedirect'], 'tls.httpsRedirect should only be used with http servers');
    }
  });
  return sink.issues;
};
