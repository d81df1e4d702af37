// Helpers of Istio's webhook validation shared by the networking kinds (Gateway, DestinationRule, Sidecar), ported
// from istio/istio pkg/config/validation/agent (ValidatePort, ValidateFQDN, ValidateWildcardDomain, ValidateIPAddress,
// ValidateNamespaceSlashWildcardHostname, ValidateDuration), pkg/config/labels (IsDNS1123Label, Instance.Validate),
// pkg/config/protocol (Parse), pkg/config/visibility and net.SplitHostPort / strconv.Atoi with Go's error texts.
// Messages keep Istio's wording. Pure; never throws.
import { isIP } from '../schema/formats';
import type { ValidationIssue, ValidationPath } from './types';

/** Collects issues; identical (path, message) pairs are kept once (Go sometimes appends the same error twice). */
export class IssueSink {
  readonly issues: ValidationIssue[] = [];
  private readonly seen = new Set<string>();
  /** Adds an error; an undefined message (a Go helper's nil error) adds nothing. */
  error(path: ValidationPath, message: string | undefined): void {
    if (message) this.add(path, message, 'Error');
  }
  warn(path: ValidationPath, message: string | undefined): void {
    if (message) this.add(path, message, 'Warning');
  }
  private add(path: ValidationPath, message: string, severity: 'Error' | 'Warning'): void {
    const key = `${severity}\u0000${path.join('\u0000')}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.issues.push({ path: [...path], message, severity });
  }
}

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
export function asArr(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}
/** The field as a string, '' when absent or not a string (Go's zero value). */
export function str(o: Obj | undefined, k: string): string {
  const v = o?.[k];
  return typeof v === 'string' ? v : '';
}
/** The field as a number, 0 when absent or not a number (Go's zero value). */
export function num(o: Obj | undefined, k: string): number {
  const v = o?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
/** A proto message field is non-nil: present and not null. */
export function has(o: Obj | undefined, k: string): boolean {
  return o !== undefined && o[k] !== undefined && o[k] !== null;
}
/** A repeated field is non-empty (an empty list is nil in proto). */
export function nonEmptyList(o: Obj | undefined, k: string): boolean {
  const v = o?.[k];
  return Array.isArray(v) && v.length > 0;
}
/** Go's %q for a string (close enough: JSON escaping). */
export function q(s: string): string {
  return JSON.stringify(s);
}
/** Go's len() of a string: its UTF-8 byte count. */
export function utf8Length(v: string): number {
  let len = 0;
  for (const ch of v) {
    const c = ch.codePointAt(0) ?? 0;
    len += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return len;
}

// pkg/config/labels: Istio's DNS-1123 label allows upper case letters (the class is [-a-z-A-Z0-9]).
const DNS1123_LABEL = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const dns1123Label = new RegExp(`^${DNS1123_LABEL}$`);
const wildcardPrefix = new RegExp(`^(?:\\*|(?:\\*|\\*-)?${DNS1123_LABEL})$`);
const tagKey = new RegExp(`^(${DNS1123_LABEL}(?:\\.${DNS1123_LABEL})*/)?((?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$`);
const labelValue = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isDNS1123Label(v: string): boolean {
  return v.length <= 63 && dns1123Label.test(v);
}
export function isWildcardDNS1123Label(v: string): boolean {
  return v.length <= 63 && wildcardPrefix.test(v);
}

/** labels.Instance.Validate: each key and value of a label map; issues at the key. */
export function validateLabels(sink: IssueSink, path: ValidationPath, labels: unknown): void {
  const o = asObj(labels);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    const m = tagKey.exec(k);
    if (!m) sink.error([...path, k], `invalid tag key: ${q(k)}`);
    else if (m[1] && m[1].length - 1 > 253) sink.error([...path, k], `invalid tag key: ${q(k)} (DNS prefix is too long)`);
    else if (m[2].length > 63) sink.error([...path, k], `invalid tag key: ${q(k)} (name is too long)`);
    if (typeof v === 'string' && !labelValue.test(v)) sink.error([...path, k], `invalid tag value: ${q(v)}`);
  }
}

/** agent.ValidatePort */
export function portError(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/** ValidatePortName */
export function portNameError(name: string): string | undefined {
  return isDNS1123Label(name) ? undefined : `invalid port name: ${name}`;
}

// pkg/config/protocol
export type Protocol = 'TCP' | 'UDP' | 'GRPC' | 'GRPC-Web' | 'HTTP' | 'HTTP_PROXY' | 'HTTP2' | 'HTTPS' | 'TLS' | 'Mongo' | 'Redis' | 'MySQL' | 'UnsupportedProtocol';
const PROTOCOLS: Record<string, Protocol> = {
  tcp: 'TCP', udp: 'UDP', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', http: 'HTTP', http_proxy: 'HTTP_PROXY', http2: 'HTTP2',
  https: 'HTTPS', tls: 'TLS', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL',
};
export function parseProtocol(s: string): Protocol {
  return Object.prototype.hasOwnProperty.call(PROTOCOLS, s.toLowerCase()) ? PROTOCOLS[s.toLowerCase()] : 'UnsupportedProtocol';
}
export function isHTTPProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'HTTP_PROXY' || p === 'GRPC' || p === 'GRPC-Web';
}
export function isTLSProtocol(p: Protocol): boolean {
  return p === 'HTTPS' || p === 'TLS';
}
/** ValidateProtocol: empty is protocol sniffing. */
export function protocolError(p: string): string | undefined {
  return p !== '' && parseProtocol(p) === 'UnsupportedProtocol' ? `unsupported protocol: ${p}` : undefined;
}

/** netip.ParseAddr: IPv4 (no leading zeros) or IPv6, with an optional zone on IPv6. */
export function isValidIPAddress(addr: string): boolean {
  const pct = addr.indexOf('%');
  if (pct >= 0) return pct < addr.length - 1 && addr.slice(0, pct).includes(':') && isIP(addr.slice(0, pct));
  return isIP(addr);
}
/** agent.ValidateIPAddress */
export function ipAddressError(addr: string): string | undefined {
  return isValidIPAddress(addr) ? undefined : `${addr} is not a valid IP`;
}

/** netip.ParsePrefix succeeds: an IP without zone, '/', decimal bits without a leading zero, within the address's length. */
function isValidPrefix(s: string): boolean {
  const slash = s.lastIndexOf('/');
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (addr.includes('%') || !isIP(addr)) return false;
  if (!/^(?:0|[1-9]\d{0,2})$/.test(bits)) return false;
  return Number(bits) <= (addr.includes(':') ? 128 : 32);
}

/** agent.ValidateIPSubnet: CIDR notation (one '/') or a plain IP address. */
export function ipSubnetError(subnet: string): string | undefined {
  if (subnet.split('/').length === 2) return isValidPrefix(subnet) ? undefined : `${subnet} is not a valid CIDR block`;
  return ipAddressError(subnet);
}

/** strconv.Atoi: the int64 or Go's error. */
export function atoi(s: string): { value?: number; error?: string } {
  if (!/^[+-]?\d+$/.test(s)) return { error: `strconv.Atoi: parsing ${q(s)}: invalid syntax` };
  const b = BigInt(s);
  if (b > 9223372036854775807n || b < -9223372036854775808n) return { error: `strconv.Atoi: parsing ${q(s)}: value out of range` };
  return { value: Number(b) };
}

/** agent.CheckDNS1123Preconditions (Go's len: bytes). */
export function checkDNS1123Preconditions(name: string): string | undefined {
  if (utf8Length(name) > 255) return `domain name ${q(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

/** agent.ValidateDNS1123Labels */
export function dns1123LabelsError(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1];
  if (atoi(tld).error === undefined) return `domain name ${q(domain)} invalid (top level domain ${q(tld)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDNS1123Label(parts[i])) return `domain name ${q(domain)} invalid (label ${q(parts[i])} invalid)`;
  }
  return undefined;
}

/** agent.ValidateFQDN */
export function fqdnError(fqdn: string): string | undefined {
  return checkDNS1123Preconditions(fqdn) ?? dns1123LabelsError(fqdn);
}

/** agent.ValidateWildcardDomain: an FQDN whose first label may be a wildcard. */
export function wildcardDomainError(domain: string): string | undefined {
  const pre = checkDNS1123Preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardDNS1123Label(first)) return `domain name ${q(domain)} invalid (label ${q(first)} invalid)`;
  return dot < 0 ? undefined : dns1123LabelsError(domain.slice(dot + 1));
}

/** agent.ValidatePartialWildCard */
export function partialWildcardError(host: string): string | undefined {
  return host.includes('*') && host.length !== 1 && !host.startsWith('*.') ? `partial wildcard ${q(host)} not allowed` : undefined;
}

function hostnamePartErrors(hostname: string, isGateway: boolean): string[] {
  const errs: string[] = [];
  if (hostname !== '*' && !hostname.includes('.')) errs.push('short names (non FQDN) are not allowed');
  const err = wildcardDomainError(hostname);
  if (err !== undefined) {
    if (!isGateway) errs.push(err);
    if (!isValidIPAddress(hostname)) errs.push(err); // Gateway allows IP as the host string, as well
  }
  const pw = partialWildcardError(hostname);
  if (pw) errs.push(pw);
  return errs;
}

/** agent.ValidateNamespaceSlashWildcardHostname (gatewaySemantics false: not a converted Gateway API resource). */
export function namespaceSlashHostnameErrors(hostname: string, isGateway: boolean): string[] {
  const slash = hostname.indexOf('/');
  if (slash < 0) {
    if (isGateway) return hostnamePartErrors(hostname, true); // old style host in the gateway
    return ['host must be of form namespace/dnsName'];
  }
  const ns = hostname.slice(0, slash);
  const dns = hostname.slice(slash + 1);
  const errs: string[] = [];
  if (ns.length === 0 || dns.length === 0) errs.push('config namespace and dnsName in host entry cannot be empty');
  if (ns !== '*' && ns !== '.' && (isGateway || ns !== '~') && !isDNS1123Label(ns)) {
    errs.push(`invalid namespace value ${q(ns)} in ${isGateway ? 'gateway' : 'sidecar'}`);
  }
  errs.push(...hostnamePartErrors(dns, isGateway));
  return errs;
}

/** ValidateUnixAddress (the path after unix://). */
export function unixAddressError(addr: string): string | undefined {
  if (addr.length === 0) return 'unix address must not be empty';
  if (addr.startsWith('@')) return undefined;
  if (!addr.startsWith('/') || addr.endsWith('/')) return `${addr} is not an absolute path to a file`;
  return undefined;
}

const UNIT_NS = new Map<string, bigint>([
  ['ns', 1n], ['us', 1000n], ['µs', 1000n], ['μs', 1000n], ['ms', 1000000n], ['s', 1000000000n], ['m', 60000000000n], ['h', 3600000000000n],
]);

const MAX_DURATION = 1n << 63n;

/** time.ParseDuration's leadingFraction: digits until the uint64 would overflow (the rest are dropped), and 10^digits. */
function leadingFraction(digits: string): { f: bigint; scale: number } {
  let f = 0n;
  let scale = 1;
  for (const c of digits) {
    if (f > (MAX_DURATION - 1n) / 10n) break;
    const y = f * 10n + BigInt(c);
    if (y > MAX_DURATION) break;
    f = y;
    scale *= 10;
  }
  return { f, scale };
}

/**
 * time.ParseDuration as nanoseconds; undefined when Go would not parse it (the schema's CEL rule reports that). As Go:
 * a fraction is added as uint64(float64(f) * (float64(unit) / scale)), and any overflow past int64 is an error.
 */
export function parseGoDuration(s: string): bigint | undefined {
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let d = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(rest);
    if (!m || (m[1] === '' && !m[2])) return undefined; // no digits before or after the period
    const unit = UNIT_NS.get(m[3]);
    if (unit === undefined) return undefined; // missing or unknown unit
    let v = BigInt(m[1] || '0');
    if (v > MAX_DURATION || v > MAX_DURATION / unit) return undefined;
    v *= unit;
    const { f, scale } = leadingFraction(m[2] ?? '');
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > MAX_DURATION) return undefined;
    }
    d += v;
    if (d > MAX_DURATION) return undefined;
    rest = rest.slice(m[0].length);
  }
  if (neg) return -d;
  return d > MAX_DURATION - 1n ? undefined : d;
}

const MS = 1000000n;

/**
 * agent.ValidateDuration on a field whose CRD already has the CEL rule `duration(self) >= duration('1ms')`: only the
 * millisecond precision is left to report (below 1ms is the CEL rule's).
 */
export function checkDurationPrecision(sink: IssueSink, path: ValidationPath, v: unknown): void {
  if (typeof v !== 'string') return;
  const ns = parseGoDuration(v);
  if (ns === undefined || ns < MS) return;
  if (ns % MS !== 0n) sink.error(path, 'only durations to ms precision are supported');
}

/** agent.ValidateDuration on a field without the CEL rule. */
export function checkDuration(sink: IssueSink, path: ValidationPath, v: unknown): void {
  if (typeof v !== 'string') return;
  const ns = parseGoDuration(v);
  if (ns === undefined) return;
  if (ns < MS) sink.error(path, 'duration must be greater than 1ms');
  else if (ns % MS !== 0n) sink.error(path, 'only durations to ms precision are supported');
}

/** Milliseconds() of a duration string (truncated toward zero), undefined when it does not parse. */
export function durationMillis(v: unknown): bigint | undefined {
  if (typeof v !== 'string') return undefined;
  const ns = parseGoDuration(v);
  return ns === undefined ? undefined : ns / MS;
}

/** net.SplitHostPort with Go's AddrError texts. */
export function splitHostPort(hostport: string): { host: string; port: string; error?: string } {
  const fail = (why: string) => ({ host: '', port: '', error: `address ${hostport}: ${why}` });
  const i = hostport.lastIndexOf(':');
  if (i < 0) return fail('missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) return fail("missing ']' in address");
    if (end + 1 === hostport.length) return fail('missing port in address');
    if (end + 1 !== i) return fail(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return fail('too many colons in address');
  }
  if (hostport.slice(j).includes('[')) return fail("unexpected '[' in address");
  if (hostport.slice(k).includes(']')) return fail("unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}

/** visibility.Instance.Validate */
function visibilityError(v: string): string | undefined {
  if (v === '.' || v === '*') return undefined;
  if (v === '~') return 'exportTo ~ (none) is not allowed for Istio configuration objects';
  return isDNS1123Label(v) ? undefined : 'only .,*,~, or a valid DNS 1123 label is allowed as exportTo entry';
}

/**
 * validateExportTo (not for ServiceEntry). `namespace` is the object's namespace, '' when the file does not say: the
 * API server fills it in from the client's context, so checks that need it are skipped rather than guessed.
 */
export function validateExportTo(
  sink: IssueSink, path: ValidationPath, namespace: string, exportTo: unknown, isDestinationRuleWithSelector: boolean, isServiceEntry = false,
): void {
  const list = asArr(exportTo);
  if (!list || list.length === 0) return;
  const PRIVATE = '\u0000.'; // "." when the namespace is unknown
  const set = new Set<string>();
  list.forEach((e, i) => {
    if (typeof e !== 'string') return;
    const key = e === '.' ? namespace || PRIVATE : e;
    if (set.has(key)) {
      sink.error([...path, i], key !== e ? `duplicate entries in exportTo: . and current namespace ${namespace}`.trimEnd() : `duplicate entries in exportTo for entry ${e}`);
      return;
    }
    // a ServiceEntry may be exported to no one (~): only the proxies of the service see it
    const err = isServiceEntry && e === '~' ? undefined : visibilityError(key === PRIVATE ? '.' : key);
    if (err) sink.error([...path, i], err);
    else set.add(key);
  });
  if (isDestinationRuleWithSelector && set.size > 0) {
    const current = namespace || PRIVATE;
    const unknownNames = !namespace && [...set].some((k) => k !== PRIVATE && k !== '*');
    if (set.has(current)) {
      if (set.size > 1 && !unknownNames) sink.error(path, 'destination rule with workload selector cannot have multiple entries in exportTo');
    } else if (!unknownNames) {
      sink.error(path, 'destination rule with workload selector cannot have exportTo beyond current namespace');
    }
  }
  if (set.has('*') && list.length > 1) sink.error(path, 'cannot have both public (*) and non-public exportTo values for a resource');
  if (set.has('~') && list.length > 1) sink.error(path, 'cannot export service entry to no one (~) and someone');
}

const GO_BOOLS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * validateMetadata's checkDryRunAnnotation (wraps every kind's validation): istio.io/dry-run only on an
 * AuthorizationPolicy whose action is ALLOW or DENY, with a strconv.ParseBool value. `authzAction` is the policy's
 * action (ALLOW when unset), undefined for every other kind. Returns false when Go would stop there.
 */
export function checkDryRunAnnotation(sink: IssueSink, name: string, namespace: string, annotations: unknown, authzAction?: string): boolean {
  const a = asObj(annotations);
  const KEY = 'istio.io/dry-run';
  if (!a || !(KEY in a)) return true;
  const path: ValidationPath = ['metadata', 'annotations', KEY];
  if (authzAction === undefined) {
    sink.error(path, `${namespace}/${name} has unsupported annotation ${KEY}, please remove the annotation`);
    return false;
  }
  const val = a[KEY];
  if (authzAction === 'ALLOW' || authzAction === 'DENY') {
    if (typeof val === 'string' && !GO_BOOLS.has(val)) {
      sink.error(path, `${namespace}/${name} has annotation ${KEY} with invalid value (${val}): strconv.ParseBool: parsing ${q(val)}: invalid syntax`);
      return false;
    }
    return true;
  }
  sink.error(path, `the annotation ${KEY} currently only supports action ALLOW/DENY, found action ${authzAction} in ${namespace}/${name}`);
  return false;
}

/** validateWorkloadSelector: what the CRD's CEL rules leave (empty keys and wildcards are theirs): a selector without labels. */
export function checkWorkloadSelector(sink: IssueSink, path: ValidationPath, selector: unknown): void {
  const s = asObj(selector);
  if (!s) return;
  const labels = asObj(s.matchLabels);
  if (!labels || Object.keys(labels).length === 0) sink.warn(path, 'workload selector specified without labels');
}

const TARGET_GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TARGET_KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

// validatePolicyTargetReference's allowedTargetRefs (gvk.Service, ServiceEntry, KubernetesGateway, GatewayClass).
const ALLOWED_TARGET_REFS: readonly [string, string, string][] = [
  ['core', 'v1', 'Service'], ['networking.istio.io', 'v1', 'ServiceEntry'],
  ['gateway.networking.k8s.io', 'v1', 'Gateway'], ['gateway.networking.k8s.io', 'v1', 'GatewayClass'],
];

/**
 * validatePolicyTargetReference(s) for targetRef and targetRefs: the referenced group/kind must be one Istio supports
 * (name and namespace are the CRD's: minLength and a CEL rule). `prefix` is put before each message (Go's multierror.Prefix).
 */
export function checkPolicyTargetRefs(sink: IssueSink, spec: Obj, prefix = ''): void {
  const one = (ref: unknown, path: ValidationPath) => {
    const r = asObj(ref);
    if (!r || typeof r.kind !== 'string') return; // kind is required by the CRD
    const group = str(r, 'group');
    const kind = r.kind;
    // a group or kind the CRD's pattern refuses is the schema's to report
    if (group.length > 253 || !TARGET_GROUP.test(group) || kind.length > 63 || !TARGET_KIND.test(kind)) return;
    const canonical = group === '' ? 'core' : group;
    if (ALLOWED_TARGET_REFS.some(([g, , k]) => g === canonical && k === kind)) return;
    const list = ALLOWED_TARGET_REFS.map(([g, v, k]) => `${g}/${v}/${k}`).join(' ');
    sink.error([...path, 'kind'], `${prefix}targetRef must be to one of [${list}] but was ${group}/${kind}`);
  };
  one(spec.targetRef, ['spec', 'targetRef']);
  asArr(spec.targetRefs)?.forEach((r, i) => one(r, ['spec', 'targetRefs', i]));
}
