// networking.istio.io/ServiceEntry: Istio's ValidateServiceEntry (pkg/config/validation/validation.go, with
// ValidateAlphaWorkloadSelector, validateWorkloadEntry, validateExportTo, ValidatePortName, ValidateProtocol;
// agent.ValidateWildcardDomain, ValidatePartialWildCard, ValidateIPSubnet, ValidateFQDN; labels.Instance.Validate;
// serviceentry.ShouldV2AutoAllocateIPFromConfig with istiod's defaults), minus what the CRD enforces: hosts required and
// not "*", selector/endpoints exclusivity, CIDR only for NONE/STATIC, no endpoints for NONE, at most one endpoint for
// DNS_ROUND_ROBIN, port numbers/targetPorts in range and unique, port names unique (list-map key), endpoint port names
// and numbers, unix endpoint paths and ports, an endpoint address or network, label value wildcards. Pure; never throws.
import {
  asArr, asObj, fqdnError, ipSubnetError, isHTTPProtocol, isTLSProtocol, isValidIPAddress, IssueSink, type Obj,
  parseProtocol, partialWildcardError, portNameError, protocolError, q, str, validateExportTo, validateLabels,
  wildcardDomainError,
} from './agent';
import type { KindValidator, ValidationPath } from './types';

const UNIX = 'unix://';

/**
 * ValidateAlphaWorkloadSelector: an empty or wildcard key is an error (a wildcard value too, but the CRD's CEL rule
 * reports that); no labels is a warning, worded `<prefix>: workload selector specified without labels, ...`.
 * Returns true when the selector has an error: the webhook then stops and reports nothing else.
 */
export function validateAlphaWorkloadSelector(sink: IssueSink, selectorValue: unknown, prefix: string): boolean {
  const selector = asObj(selectorValue);
  if (!selector) return false;
  const path: ValidationPath = ['spec', 'workloadSelector'];
  const labels = asObj(selector.labels) ?? {};
  let failed = false;
  for (const [k, v] of Object.entries(labels)) {
    const pair = q(`${k}=${typeof v === 'string' ? v : ''}`);
    if (k === '') {
      failed = true;
      sink.error([...path, 'labels'], `empty key is not supported in selector: ${pair}`);
    }
    if (k.includes('*')) {
      failed = true;
      sink.error([...path, 'labels', k], `wildcard is not supported in selector: ${pair}`);
    } else if (typeof v === 'string' && v.includes('*')) {
      failed = true; // the CRD's CEL rule reports a wildcard in a value
    }
  }
  if (failed) return true;
  if (Object.keys(labels).length === 0) {
    sink.warn(path, `${prefix}: workload selector specified without labels, will be applied to all services in namespace`);
  }
  return false;
}

/** protocol.Instance.IsTCP */
function isTCPProtocol(p: string): boolean {
  const proto = parseProtocol(p);
  return proto !== 'UDP' && proto !== 'UnsupportedProtocol';
}

/**
 * validateWorkloadEntry's checks the CRD leaves to the webhook, for a WorkloadEntry spec (`servicePorts` undefined,
 * FQDN addresses allowed) or a STATIC ServiceEntry endpoint (the entry's port names, IP addresses only).
 */
export function validateWorkloadEntryFields(sink: IssueSink, path: ValidationPath, we: Obj, servicePorts: Set<string> | undefined, allowFQDNAddresses: boolean): void {
  const addr = str(we, 'address');
  const network = str(we, 'network');
  if (addr === '') {
    if (network === '') return; // "address is required": the CRD's CEL rule
    sink.warn([...path, 'network'], `address is unset with network ${q(network)}`);
  }
  const unixEndpoint = addr.startsWith(UNIX); // the path and "must not include ports": the CRD's CEL rules
  if (!unixEndpoint && addr !== '' && !isValidIPAddress(addr)) {
    if (!allowFQDNAddresses) sink.error([...path, 'address'], `endpoint address ${q(addr)} is not a valid IP address`);
    else if (fqdnError(addr)) sink.error([...path, 'address'], `endpoint address ${q(addr)} is not a valid FQDN or an IP address`);
  }
  checkEndpointPorts(sink, path, we, servicePorts);
  validateLabels(sink, [...path, 'labels'], we.labels);
  if (unixEndpoint && servicePorts && servicePorts.size !== 1) sink.error([...path, 'address'], 'exactly 1 service port required for unix endpoints');
}

/** Endpoint ports must be the service entry's (port names and numbers themselves are the CRD's CEL rules). */
function checkEndpointPorts(sink: IssueSink, path: ValidationPath, we: Obj, servicePorts: Set<string> | undefined): void {
  if (!servicePorts) return;
  for (const [name, port] of Object.entries(asObj(we.ports) ?? {})) {
    if (!servicePorts.has(name)) sink.error([...path, 'ports', name], `endpoint port ${String(port)} is not defined by the service entry`);
  }
}


export const validateServiceEntry: KindValidator = ({ namespace, obj }) => {
  const sink = new IssueSink();
  const spec = asObj(obj.spec) ?? {};
  if (validateAlphaWorkloadSelector(sink, spec.workloadSelector, 'service entry')) return sink.issues;
  const hasSelector = asObj(spec.workloadSelector) !== undefined;

  const hosts = (asArr(spec.hosts) ?? []).map((h) => (typeof h === 'string' ? h : undefined));
  hosts.forEach((h, i) => {
    if (h === undefined || h === '*') return; // "*" is the CRD's CEL rule
    sink.error(['spec', 'hosts', i], wildcardDomainError(h));
    sink.warn(['spec', 'hosts', i], partialWildcardError(h));
  });

  const addresses = asArr(spec.addresses) ?? [];
  addresses.forEach((a, i) => {
    if (typeof a === 'string') sink.error(['spec', 'addresses', i], ipSubnetError(a));
  });

  const resolution = typeof spec.resolution === 'string' ? spec.resolution : 'NONE';

  const ports = (asArr(spec.ports) ?? []).map(asObj);
  const servicePorts = new Set<string>();
  ports.forEach((port, i) => {
    if (!port) return; // a null port: the schema's
    const at: ValidationPath = ['spec', 'ports', i];
    servicePorts.add(str(port, 'name'));
    // targetPort with NONE resolution only warns when ENABLE_RESOLUTION_NONE_TARGET_PORT is off (on by default)
    const protocol = str(port, 'protocol');
    // The webhook's warning "addresses are required for ports serving TCP (or unset) protocol ..." is not repeated here:
    // the mesh analyzer serviceentry.Analyzer reports the same problem as IST0134 (ServiceEntryAddressesRequired), with
    // the mesh config's auto-allocation taken into account. One problem, one finding.
    sink.error([...at, 'name'], portNameError(str(port, 'name')));
    sink.error([...at, 'protocol'], protocolError(protocol));
  });

  const endpoints = asArr(spec.endpoints) ?? [];
  switch (resolution) {
    case 'NONE':
      // endpoints with NONE: the CRD's CEL rule
      if (hasSelector) sink.warn(['spec', 'workloadSelector'], 'workloadSelector should not be set when resolution mode is NONE');
      break;
    case 'STATIC':
      endpoints.forEach((e, i) => {
        const we = asObj(e);
        if (we) validateWorkloadEntryFields(sink, ['spec', 'endpoints', i], we, servicePorts, false);
      });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        hosts.forEach((h, i) => {
          if (h !== undefined && fqdnError(h)) sink.error(['spec', 'hosts', i], `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`);
        });
      }
      // more than one endpoint with DNS_ROUND_ROBIN: the CRD's CEL rule
      endpoints.forEach((e, i) => {
        const we = asObj(e);
        if (!we) return;
        const at: ValidationPath = ['spec', 'endpoints', i];
        const addr = str(we, 'address');
        if (!isValidIPAddress(addr) && fqdnError(addr)) {
          sink.error(we.address === undefined ? at : [...at, 'address'], `endpoint address ${q(addr)} is not a valid FQDN or an IP address`);
        }
        validateLabels(sink, [...at, 'labels'], we.labels);
        checkEndpointPorts(sink, at, we, servicePorts);
      });
      if (hasSelector) sink.warn(['spec', 'workloadSelector'], `workloadSelector should not be set when resolution mode is ${resolution}`);
      if (addresses.length > 0 && hosts.length > 1) {
        const tcp = ports.findIndex((p) => p !== undefined && isTCPProtocol(str(p, 'protocol')));
        if (tcp >= 0) {
          sink.warn(['spec', 'hosts'], 'service entry can not have more than one host specified simultaneously with address and tcp port');
        }
      }
      break;
    default:
      // DYNAMIC_DNS (and any newer mode): Istio 1.32's rules for it are not ported, so nothing is reported
      break;
  }

  // plain TCP cannot tell several hosts apart, unless the hosts are ignored (NONE)
  if (resolution !== 'NONE' && hosts.length > 1) {
    const i = ports.findIndex((p) => {
      if (!p) return false;
      const proto = parseProtocol(str(p, 'protocol'));
      return !isHTTPProtocol(proto) && !isTLSProtocol(proto);
    });
    if (i >= 0) sink.error(['spec', 'ports', i, 'protocol'], 'multiple hosts provided with non-HTTP, non-TLS ports');
  }

  validateExportTo(sink, ['spec', 'exportTo'], namespace, spec.exportTo, false, true);
  return sink.issues;
};
