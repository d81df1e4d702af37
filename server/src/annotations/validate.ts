// Value checks for Istio annotations, as the injector runs them (istio/istio pkg/kube/inject AnnotationValidation).
// Each returns Go's error text, or undefined when the value is valid.
import { isIP } from 'node:net';
import { parseDocument } from 'yaml';

type Check = (value: string) => string | undefined;

function parseUint(value: string, bits: number): string | undefined {
  if (!/^\d+$/.test(value)) return `strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`;
  return BigInt(value) > (1n << BigInt(bits)) - 1n ? `strconv.ParseUint: parsing ${JSON.stringify(value)}: value out of range` : undefined;
}

const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

function parsePort(p: string): string | undefined {
  const e = parseUint(p.trim(), 16);
  return e && `failed parsing port '${p}': ${e}`;
}

function portList(name: string): Check {
  return (ports) => {
    const s = ports.trim();
    if (!s) return undefined;
    for (const p of s.split(',')) {
      const e = parsePort(p);
      if (e) return `${name} invalid: failed parsing port '${p}': ${e}`;
    }
    return undefined;
  };
}

/** Go's netip.ParsePrefix, enough to tell valid CIDRs from invalid ones. */
function parsePrefix(cidr: string): string | undefined {
  const q = `netip.ParsePrefix(${JSON.stringify(cidr)})`;
  const slash = cidr.lastIndexOf('/');
  if (slash < 0) return `${q}: no '/'`;
  const addr = cidr.slice(0, slash);
  const bits = cidr.slice(slash + 1);
  const family = addr.includes('%') ? 0 : isIP(addr);
  if (!family) return `${q}: ParseAddr(${JSON.stringify(addr)}): unable to parse IP`;
  if (!/^(0|[1-9]\d{0,2})$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return `${q}: bad bits after slash: ${JSON.stringify(bits)}`;
  return undefined;
}

function cidrList(name: string, allowStar: boolean): Check {
  return (v) => {
    if ((allowStar && v === '*') || v.length === 0) return undefined;
    for (const c of v.split(',')) {
      const e = parsePrefix(c);
      if (e) return `${name} invalid: failed parsing cidr '${c}': ${e}`;
    }
    return undefined;
  };
}

/** proxy.istio.io/config holds a ProxyConfig as YAML: it must at least be a YAML mapping. */
function proxyConfig(v: string): string | undefined {
  const doc = parseDocument(v, { prettyErrors: false });
  if (doc.errors.length) return `failed to convert to apply proxy config: ${doc.errors[0].message}`;
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 10 });
  } catch (e) {
    return `failed to convert to apply proxy config: ${e instanceof Error ? e.message : String(e)}`;
  }
  return js === null || (typeof js === 'object' && !Array.isArray(js)) ? undefined : 'failed to convert to apply proxy config: not a ProxyConfig mapping';
}

export const ANNOTATION_VALIDATION: Readonly<Record<string, Check>> = {
  'sidecar.istio.io/interceptionMode': (m) => (['REDIRECT', 'TPROXY', 'NONE'].includes(m) ? undefined : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${m}`),
  'status.sidecar.istio.io/port': (p) => {
    const e = parsePort(p);
    return e && `excludeInboundPorts invalid: ${e}`;
  },
  'readiness.status.sidecar.istio.io/initialDelaySeconds': (v) => parseUint(v, 32),
  'readiness.status.sidecar.istio.io/periodSeconds': (v) => parseUint(v, 32),
  'readiness.status.sidecar.istio.io/failureThreshold': (v) => parseUint(v, 32),
  'traffic.sidecar.istio.io/includeOutboundIPRanges': cidrList('includeIPRanges', true),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrList('excludeIPRanges', false),
  'traffic.sidecar.istio.io/includeInboundPorts': (p) => (p === '*' ? undefined : portList('includeInboundPorts')(p)),
  'traffic.sidecar.istio.io/excludeInboundPorts': portList('excludeInboundPorts'),
  'traffic.sidecar.istio.io/excludeOutboundPorts': portList('excludeOutboundPorts'),
  'prometheus.istio.io/merge-metrics': (v) => (GO_BOOLS.has(v) ? undefined : `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`),
  'proxy.istio.io/config': proxyConfig,
};
