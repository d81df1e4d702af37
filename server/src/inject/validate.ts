// Istio's validation of injection annotations (pkg/kube/inject/validate.go), with its error texts. Pure.

type Validator = (value: string) => string | null;

function parsePort(s: string): string | null {
  const t = s.trim();
  if (!/^\d+$/.test(t) || Number(t) > 65535) return `failed parsing port '0': strconv.ParseUint: parsing ${JSON.stringify(t)}: invalid syntax`;
  return null;
}

function portList(param: string): Validator {
  return (v) => {
    const t = v.trim();
    if (t === '') return null;
    for (const p of t.split(',')) {
      const e = parsePort(p);
      if (e) return `${param} invalid: failed parsing port '0': ${e}`;
    }
    return null;
  };
}

const wildcardOr = (f: Validator): Validator => (v) => (v === '*' ? null : f(v));

function isCidr(s: string): boolean {
  const m = /^([^/]+)\/(\d+)$/.exec(s);
  if (!m) return false;
  const [, ip, bits] = m;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip.split('.').every((o) => Number(o) <= 255) && Number(bits) <= 32;
  return ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip) && Number(bits) <= 128;
}

function cidrList(param: string): Validator {
  return (v) => {
    if (v === '') return null;
    for (const c of v.split(',')) {
      const t = c.trim();
      if (t === '') continue;
      if (!isCidr(t)) return `${param} invalid: failed parsing CIDR ${JSON.stringify(t)}: invalid CIDR address: ${t}`;
    }
    return null;
  };
}

const uint32: Validator = (v) => (/^\d+$/.test(v) && Number(v) <= 0xffffffff ? null : `strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
const bool: Validator = (v) => (/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(v) ? null : `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
const statusPort: Validator = (v) => (/^\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 65535 ? null : `failed parsing port ${JSON.stringify(v)}`);
const interceptionMode: Validator = (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? null : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${v}`);
const quantity: Validator = (v) => (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/.test(v) ? null : 'quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'');

const VALIDATION: Record<string, Validator> = {
  'sidecar.istio.io/interceptionMode': interceptionMode,
  'traffic.sidecar.istio.io/includeOutboundIPRanges': wildcardOr(cidrList('includeIPRanges')),
  'traffic.sidecar.istio.io/excludeOutboundIPRanges': cidrList('excludeIPRanges'),
  'traffic.sidecar.istio.io/includeInboundPorts': wildcardOr(portList('includeInboundPorts')),
  'traffic.sidecar.istio.io/excludeInboundPorts': portList('excludeInboundPorts'),
  'traffic.sidecar.istio.io/excludeOutboundPorts': portList('excludeOutboundPorts'),
  'traffic.sidecar.istio.io/includeOutboundPorts': portList('includeOutboundPorts'),
  'status.sidecar.istio.io/port': statusPort,
  'readiness.status.sidecar.istio.io/initialDelaySeconds': uint32,
  'readiness.status.sidecar.istio.io/periodSeconds': uint32,
  'readiness.status.sidecar.istio.io/failureThreshold': uint32,
  'readiness.status.sidecar.istio.io/applicationPorts': wildcardOr(portList('readinessApplicationPorts')),
  'prometheus.istio.io/merge-metrics': bool,
  'sidecar.istio.io/proxyCPU': quantity,
  'sidecar.istio.io/proxyMemory': quantity,
  'sidecar.istio.io/proxyCPULimit': quantity,
  'sidecar.istio.io/proxyMemoryLimit': quantity,
};

/** Returns Istio's error for invalid injection annotations, or null. */
export function validateAnnotations(annotations: Record<string, unknown>): string | null {
  const errs: string[] = [];
  for (const [name, value] of Object.entries(annotations)) {
    const v = VALIDATION[name];
    if (!v) continue;
    const e = v(String(value));
    if (e) errs.push(`invalid value '${String(value)}' for annotation '${name}': ${e}`);
  }
  if (errs.length === 0) return null;
  if (errs.length === 1) return errs[0];
  return `${errs.length} errors occurred:\n${errs.map((e) => `\t* ${e}`).join('\n')}`;
}
