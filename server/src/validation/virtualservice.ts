// networking.istio.io/VirtualService (v1, v1beta1, v1alpha3): what istiod's validating webhook rejects or warns about
// beyond the CRD's schema and CEL rules. A port of Istio's ValidateVirtualService (pkg/config/validation/validation.go)
// and what it calls (virtualservice.go, agent/validation.go, header_value_validator.go, pkg/config/labels,
// pkg/config/host, pkg/jwt, pkg/config/visibility): same conditions and messages, each at its field. Checks the CRD
// already makes are left out (required destination/host/match/sniHosts, StringMatch and redirect-port oneofs, durations
// of at least 1ms, enums), and so is the unreachable/ineffective rule analysis (IST0130/IST0131), which
// schema.ValidationAnalyzer.VirtualService reports. Null list/map entries are the schema's to report. Pure.
import { RE2JS } from 're2js';
import { hostMatches } from '../mesh/hosts';
import { isIPv4, isIPv6 } from '../schema/formats';
import {
  atoi, checkDNS1123Preconditions, checkDryRunAnnotation, checkDurationPrecision, dns1123LabelsError, fqdnError,
  ipAddressError, isDNS1123Label, IssueSink, isValidIPAddress, isWildcardDNS1123Label, type Obj, parseGoDuration, portError,
  q, utf8Length, validateExportTo, validateLabels, wildcardDomainError,
} from './agent';
import { validateDestination } from './networking-common';
import type { KindValidator } from './types';

/** Go's time.ParseDuration (the shared port in agent.ts). */
export const vsParseDuration = parseGoDuration;

type Path = (string | number)[];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A string field's value; '' (Go's zero value) when absent or of another type. */
const s = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A number field's value; 0 when absent or of another type. */
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
/** A list field: its elements, [] when absent or of another type. */
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A map field's entries with string values (other values are the schema's to report). */
const stringEntries = (v: unknown): [string, string][] =>
  isObj(v) ? Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
const present = (o: Obj, key: string): boolean => o[key] !== undefined && o[key] !== null;

// ---- Go formatting --------------------------------------------------------------------------------------------------

/** Go's %f. */
const goF = (v: number): string => v.toFixed(6);
/** Go's %v of a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e21, two-digit exponents. */
function goV(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e21)) {
    return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(v);
}
/** Go's %v of a []string. */
const goList = (v: readonly string[]): string => `[${v.join(' ')}]`;

// ---- agent/validation.go ---------------------------------------------------------------------------------------------

/** agent.ValidateWildcardDomainForVirtualServiceBoundToGateway. */
function validateWildcardDomainForGateway(sni: boolean, domain: string): string | undefined {
  const pre = checkDNS1123Preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (sni && first === 'outbound_') {
    // regexp.MatchString("outbound_.([0-8].*).*", domain): unanchored
    return /outbound_.([0-8].*).*/s.test(domain) ? undefined : `domain name ${q(domain)} invalid (label ${q(first)} invalid)`;
  }
  if (!isWildcardDNS1123Label(first)) return `domain name ${q(domain)} invalid (label ${q(first)} invalid)`;
  return dot < 0 ? undefined : dns1123LabelsError(domain.slice(dot + 1));
}

/** agent.ValidateIPSubnet (netip.ParsePrefix: no zone, bits within the family's size). */
function validateIPSubnet(subnet: string): string | undefined {
  if (subnet.split('/').length - 1 === 1) {
    const [ip, bits] = subnet.split('/');
    const ok = /^(0|[1-9]\d{0,2})$/.test(bits) && (isIPv4(ip) ? Number(bits) <= 32 : isIPv6(ip) && Number(bits) <= 128);
    return ok ? undefined : `${subnet} is not a valid CIDR block`;
  }
  return ipAddressError(subnet);
}

// ---- headers (validation.go) ------------------------------------------------------------------------------------------

// Go's class "[!#$%&'*+-.^_`|~A-Za-z0-9]" reads "+-." as a range (+ , - .): so does this one
const TCHAR_HEADER_NAME_RE = /^[!#$%&'*+-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
/** Go's "^[^\u0000-\u0008\u000A-\u001F\u007F]*$": no control character other than a tab. */
const hasHeaderControlChar = (v: string): boolean => [...v].some((ch) => {
  const c = ch.charCodeAt(0);
  return (c <= 0x1f && c !== 0x09) || c === 0x7f;
});

const isInternalHeader = (k: string): boolean => k.startsWith(':') || k.toLowerCase() === 'host';
const isAuthorityHeader = (k: string): boolean => k.toLowerCase() === ':authority' || k.toLowerCase() === 'host';

/** jwt.ToRoutingClaim(name).Match */
function isJwtClaimRoute(name: string): boolean {
  const prefix = '@request.auth.claims';
  if (!name.toLowerCase().startsWith(prefix)) return false;
  const rest = name.slice(prefix.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

function validateHeaderNameOrJwtClaimRoute(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isJwtClaimRoute(name) || PSEUDO_HEADERS.has(name)) return undefined;
  return TCHAR_HEADER_NAME_RE.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

function validateCORSHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name === '*') return undefined;
  return TCHAR_HEADER_NAME_RE.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

function validateHeaderWithAuthorityOperationName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isInternalHeader(name) && !isAuthorityHeader(name)) return `invalid header ${q(name)}: header cannot have ":" prefix`;
  return undefined;
}

function validateHeaderOperationName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host') return `invalid header ${q(name)}: cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header ${q(name)}: header cannot have ":" prefix`;
  return undefined;
}

/** header_value_validator.go: Envoy's %VARIABLE% syntax in a header value. */
function envoyHeaderValueError(value: string): string | undefined {
  const enum St { Literal, VarName, ExpectArray, ExpectString, Str, ExpectDelimOrEnd, ExpectArgsEnd, ExpectVarEnd }
  let state = St.Literal;
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const hasNext = pos + 1 < value.length;
    switch (state) {
      case St.Literal:
        if (ch !== '%') break;
        if (!hasNext) return 'invalid header configuration. Un-escaped %';
        if (value[pos + 1] === '%') {
          pos++;
          break;
        }
        state = St.VarName;
        break;
      case St.VarName:
        if (ch === '%') state = St.Literal;
        else if (ch === '(') state = St.ExpectArray;
        break;
      case St.ExpectArray:
        if (ch === '[') state = St.ExpectString;
        else if (ch !== ' ') state = St.Str;
        break;
      case St.ExpectDelimOrEnd:
        if (ch === ',') state = St.ExpectString;
        else if (ch === ']') state = St.ExpectArgsEnd;
        else if (ch !== ' ') return "invalid header configuration. Expecting ',', ']', or whitespace";
        break;
      case St.ExpectString:
        if (ch === '"') state = St.Str;
        else if (ch !== ' ') return 'invalid header configuration. Expecting \'"\'';
        break;
      case St.Str:
        if (ch === '\\') {
          if (!hasNext) return 'invalid header configuration. Un-terminated backslash in JSON string';
          pos++;
        } else if (ch === ')') state = St.ExpectVarEnd;
        else if (ch === '"') state = St.ExpectDelimOrEnd;
        break;
      case St.ExpectArgsEnd:
        if (ch === ')') state = St.ExpectVarEnd;
        else if (ch !== ' ') return "invalid header configuration. Expecting ')' or whitespace after '{}', but found '{}'";
        break;
      case St.ExpectVarEnd:
        if (ch === '%') state = St.Literal;
        else if (ch !== ' ') return "invalid header configuration. Expecting '%' or whitespace after";
        break;
    }
  }
  return state === St.Literal ? undefined : `invalid header configuration. Un-terminated variable expression '${value}'`;
}

/** ValidateHTTPHeaderValue. */
function validateHeaderValue(value: string): string | undefined {
  if (hasHeaderControlChar(value)) return `header value configuration ${value} is invalid`;
  const e = envoyHeaderValueError(value);
  return e ? `header value configuration: ${e}` : undefined;
}

/** The header operations of an HTTP route or of one of its destinations. */
function validateHeaderOperations(headers: unknown, path: Path, out: IssueSink): void {
  if (!isObj(headers)) return;
  const req = isObj(headers.request) ? headers.request : {};
  const res = isObj(headers.response) ? headers.response : {};
  for (const op of ['add', 'set'] as const) {
    for (const [name, val] of stringEntries(req[op])) {
      const p = [...path, 'request', op, name];
      out.error(p, validateHeaderWithAuthorityOperationName(name));
      out.error(p, validateHeaderValue(val));
    }
  }
  list(req.remove).forEach((name, i) => {
    if (typeof name === 'string') out.error([...path, 'request', 'remove', i], validateHeaderOperationName(name));
  });
  for (const op of ['add', 'set'] as const) {
    for (const [name, val] of stringEntries(res[op])) {
      const p = [...path, 'response', op, name];
      out.error(p, validateHeaderOperationName(name));
      out.error(p, validateHeaderValue(val));
    }
  }
  list(res.remove).forEach((name, i) => {
    if (typeof name === 'string') out.error([...path, 'response', 'remove', i], validateHeaderOperationName(name));
  });
}

// ---- string matches ---------------------------------------------------------------------------------------------------

/** The StringMatch's set field (exact/prefix/regex), undefined when none or (the schema's oneOf error) several. */
function matchType(sm: Obj): 'exact' | 'prefix' | 'regex' | undefined {
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => typeof sm[k] === 'string');
  return set.length === 1 ? set[0] : undefined;
}

/** validateStringRegexp: RE2 syntax (Go's regexp) and Envoy's size bound. */
function validateStringRegexp(re: string, where: string): string | undefined {
  if (utf8Length(re) > 1024) return `${q(where)}: regex is too large, max length allowed is 1024`;
  try {
    RE2JS.compile(re);
    return undefined;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return `${q(where)}: ${msg}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`;
  }
}

/** validateStringMatchRegexp: only a regex match is looked at. */
function validateStringMatchRegexp(sm: unknown, where: string, path: Path, out: IssueSink): void {
  if (!isObj(sm) || matchType(sm) !== 'regex') return;
  const re = s(sm.regex);
  if (re === '') out.error([...path, 'regex'], `${q(where)}: regex string match should not be empty`);
  else out.error([...path, 'regex'], validateStringRegexp(re, where));
}

/** validateStringMatch: also an empty prefix. */
function validateStringMatch(sm: unknown, where: string, path: Path, out: IssueSink): void {
  if (!isObj(sm)) return;
  const t = matchType(sm);
  if (t === 'prefix' && s(sm.prefix) === '') out.error([...path, 'prefix'], `${q(where)}: prefix string match should not be empty`);
  else if (t === 'regex') validateStringMatchRegexp(sm, where, path, out);
}

// ---- destinations, gateways -------------------------------------------------------------------------------------------

/** validateGatewayNames: stops at the first name without a namespace, as Istio's loop does. */
function validateGatewayNames(gateways: unknown[], gatewaySemantics: boolean, path: Path, out: IssueSink): void {
  for (let i = 0; i < gateways.length; i++) {
    const name = gateways[i];
    if (typeof name !== 'string') continue;
    const p = [...path, i];
    const slash = name.indexOf('/');
    if (slash < 0) {
      if (name.includes('.')) {
        const parts = name.split('.');
        out.warn(p, `using legacy gatewayName format ${q(name)}; prefer the <namespace>/<name> format: ${q(`${parts[1]}/${parts[0]}`)}`);
      }
      out.error(p, fqdnError(name));
      return;
    }
    const ns = name.slice(0, slash);
    const gw = name.slice(slash + 1);
    if (ns.length === 0 || gw.length === 0) out.error(p, 'config namespace and gateway name cannot be empty');
    if (!isDNS1123Label(ns)) out.error(p, `invalid value for namespace: ${q(ns)}`);
    if (!isDNS1123Label(gw) && !gatewaySemantics) out.error(p, `invalid value for gateway name: ${q(gw)}`);
  }
}

/** validateHTTPRouteDestinations / validateRouteDestinations (weights, header operations for HTTP). */
function validateRouteDestinations(route: unknown[], http: boolean, gatewaySemantics: boolean, path: Path, out: IssueSink): void {
  let total = 0;
  route.forEach((w, i) => {
    if (!isObj(w)) return;
    const p = [...path, i];
    if (http) validateHeaderOperations(w.headers, [...p, 'headers'], out);
    if (!gatewaySemantics && isObj(w.destination)) validateDestination(out, [...p, 'destination'], w.destination);
    const weight = n(w.weight);
    if (weight < 0) out.error([...p, 'weight'], `weight ${weight} < 0`);
    total += weight;
  });
  if (route.length > 1 && total === 0) out.error(path, 'total destination weight = 0');
}

// ---- HTTP routes (virtualservice.go, validation.go) --------------------------------------------------------------------

const SUPPORTED_RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** The codes Go's http.StatusText knows. */
const GO_STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
const SUPPORTED_CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);
const SUPPORTED_GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED',
]);

const validateHTTPStatus = (status: number): string | undefined =>
  status < 200 || status > 600 ? `HTTP status ${status} is not in range 200-599` : undefined;

/** validatePercentage. */
function validatePercentage(pct: unknown, path: Path, out: IssueSink): void {
  if (!isObj(pct)) return;
  const v = n(pct.value);
  if (v < 0 || v > 100 || (v > 0 && v < 0.0001)) {
    out.error([...path, ...(present(pct, 'value') ? ['value'] : [])], `percentage ${goV(v)} is neither 0.0, nor in range [0.0001, 100.0]`);
  }
}

function validateHTTPRouteConflict(http: Obj, routeType: 'independent' | 'root' | 'delegate', p: Path, out: IssueSink): void {
  const name = s(http.name);
  const routeLen = list(http.route).length;
  if (routeType === 'root') {
    if (present(http, 'redirect')) out.error([...p, 'redirect'], `root HTTP route ${name} must not specify redirect`);
    if (routeLen > 0) out.error([...p, 'route'], `root HTTP route ${name} must not specify route`);
    return;
  }
  if (routeType === 'delegate' && present(http, 'delegate')) out.error([...p, 'delegate'], 'delegate HTTP route cannot contain delegate');
  if (present(http, 'redirect')) {
    if (routeLen > 0) out.error([...p, 'redirect'], 'HTTP route cannot contain both route and redirect');
    if (present(http, 'fault')) out.error([...p, 'fault'], 'HTTP route cannot contain both fault and redirect');
    if (present(http, 'rewrite')) out.error([...p, 'rewrite'], 'HTTP route rule cannot contain both rewrite and redirect');
    if (present(http, 'directResponse')) out.error([...p, 'directResponse'], 'HTTP route rule cannot contain both direct_response and redirect');
  } else if (present(http, 'directResponse')) {
    if (routeLen > 0) out.error([...p, 'directResponse'], 'HTTP route cannot contain both route and direct_response');
    if (present(http, 'fault')) out.error([...p, 'fault'], 'HTTP route cannot contain both fault and direct_response');
    if (present(http, 'rewrite')) out.error([...p, 'rewrite'], 'HTTP route rule cannot contain both rewrite and direct_response');
  } else if (routeLen === 0) {
    out.error(p, 'HTTP route, redirect or direct_response is required');
  }
  if (present(http, 'mirror') && list(http.mirrors).length > 0) out.error([...p, 'mirrors'], 'HTTP route cannot contain both mirror and mirrors');
}

function validateHTTPRouteMatchRequest(http: Obj, p: Path, out: IssueSink): void {
  list(http.match).forEach((m, j) => {
    if (!isObj(m)) return;
    const mp = [...p, 'match', j];
    if (isObj(m.headers)) {
      for (const [name, header] of Object.entries(m.headers)) {
        out.error([...mp, 'headers', name], validateHeaderNameOrJwtClaimRoute(name));
        validateStringMatch(header, 'headers', [...mp, 'headers', name], out);
      }
    }
    if (isObj(m.withoutHeaders)) {
      for (const [name, header] of Object.entries(m.withoutHeaders)) {
        out.error([...mp, 'withoutHeaders', name], validateHeaderNameOrJwtClaimRoute(name));
        // "*" is not an RE2 regex: it means the header is present
        if (isObj(header) && !(matchType(header) === 'regex' && header.regex === '*')) {
          validateStringMatch(header, 'withoutHeaders', [...mp, 'withoutHeaders', name], out);
        }
      }
    }
    // an empty uri prefix is allowed; scheme/method/authority ones are not
    validateStringMatchRegexp(m.uri, 'uri', [...mp, 'uri'], out);
    validateStringMatch(m.scheme, 'scheme', [...mp, 'scheme'], out);
    validateStringMatch(m.method, 'method', [...mp, 'method'], out);
    validateStringMatch(m.authority, 'authority', [...mp, 'authority'], out);
    if (isObj(m.queryParams)) {
      for (const [name, qp] of Object.entries(m.queryParams)) validateStringMatch(qp, 'queryParams', [...mp, 'queryParams', name], out);
    }
  });
  list(http.match).forEach((m, j) => {
    if (!isObj(m)) return;
    const mp = [...p, 'match', j];
    if (n(m.port) !== 0) out.error([...mp, 'port'], portError(n(m.port)));
    validateLabels(out, [...mp, 'sourceLabels'], m.sourceLabels);
    validateGatewayNames(list(m.gateways), false, [...mp, 'gateways'], out);
    const sourceNs = s(m.sourceNamespace);
    if (sourceNs !== '' && !isDNS1123Label(sourceNs)) out.error([...mp, 'sourceNamespace'], `sourceNamespace match ${sourceNs} is invalid`);
  });
}

function validateCORSPolicy(cors: unknown, p: Path, out: IssueSink): void {
  if (!isObj(cors)) return;
  list(cors.allowOrigins).forEach((origin, i) => {
    if (!isObj(origin)) return;
    const t = matchType(origin);
    const op = [...p, 'allowOrigins', i];
    if ((t ? s(origin[t]) : '') === '') {
      if (t || Object.keys(origin).every((k) => !['exact', 'prefix', 'regex'].includes(k))) {
        out.error(t ? [...op, t] : op, "'' is not a valid match type for CORS allow origins");
      }
      return;
    }
    validateStringMatchRegexp(origin, 'corsPolicy.allowOrigins', op, out);
  });
  list(cors.allowMethods).forEach((m, i) => {
    if (typeof m === 'string' && !SUPPORTED_CORS_METHODS.has(m)) out.error([...p, 'allowMethods', i], `${q(m)} is not a supported HTTP method`);
  });
  for (const key of ['allowHeaders', 'exposeHeaders']) {
    list(cors[key]).forEach((h, i) => {
      if (typeof h === 'string') out.error([...p, key, i], validateCORSHeaderName(h));
    });
  }
  if (present(cors, 'maxAge')) {
    checkDurationPrecision(out, [...p, 'maxAge'], cors.maxAge);
    // below 1ms is the CRD's CEL rule's to report
    const ns = typeof cors.maxAge === 'string' ? parseGoDuration(cors.maxAge) : undefined;
    if (ns !== undefined && ns >= 1_000_000n && ns % 1_000_000_000n > 0n) out.error([...p, 'maxAge'], 'max_age duration is accurate only to seconds precision');
  }
}

function validateFault(fault: unknown, p: Path, out: IssueSink): void {
  if (!isObj(fault)) return;
  if (!present(fault, 'abort') && !present(fault, 'delay')) out.error(p, 'HTTP fault injection must have an abort and/or a delay');
  if (isObj(fault.abort)) {
    const abort = fault.abort;
    const ap = [...p, 'abort'];
    validatePercentage(abort.percentage, [...ap, 'percentage'], out);
    const types = ['grpcStatus', 'http2Error', 'httpStatus'].filter((k) => present(abort, k));
    if (types.length === 0) out.warn(ap, 'abort configured, but error type not set');
    else if (types.length === 1) {
      const t = types[0];
      if (t === 'grpcStatus' && typeof abort.grpcStatus === 'string' && !SUPPORTED_GRPC_STATUS.has(abort.grpcStatus)) {
        out.error([...ap, t], `gRPC status ${q(abort.grpcStatus)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`);
      } else if (t === 'http2Error') {
        out.error([...ap, t], 'HTTP/2 abort fault injection not supported yet');
      } else if (t === 'httpStatus' && typeof abort.httpStatus === 'number') {
        out.error([...ap, t], validateHTTPStatus(abort.httpStatus));
      }
    }
  }
  if (isObj(fault.delay)) {
    const delay = fault.delay;
    const dp = [...p, 'delay'];
    validatePercentage(delay.percentage, [...dp, 'percentage'], out);
    const fixed = present(delay, 'fixedDelay');
    const exp = present(delay, 'exponentialDelay');
    if (fixed && !exp) checkDurationPrecision(out, [...dp, 'fixedDelay'], delay.fixedDelay);
    if (exp && !fixed) {
      checkDurationPrecision(out, [...dp, 'exponentialDelay'], delay.exponentialDelay);
      out.error([...dp, 'exponentialDelay'], 'exponentialDelay not supported yet');
    }
  }
}

function validateRedirect(redirect: unknown, p: Path, out: IssueSink): void {
  if (!isObj(redirect)) return;
  const hasPort = present(redirect, 'port') || present(redirect, 'derivePort');
  if (s(redirect.uri) === '' && s(redirect.authority) === '' && !hasPort && s(redirect.scheme) === '') {
    out.error(p, 'redirect must specify URI, authority, scheme, or port');
    return;
  }
  const code = n(redirect.redirectCode);
  if (code !== 0 && (code < 300 || code > 399)) {
    out.error([...p, 'redirectCode'], `${code} is not a valid redirect code, must be 3xx`);
    return;
  }
  const scheme = s(redirect.scheme);
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') {
    out.error([...p, 'scheme'], 'invalid redirect scheme, must be "http" or "https"');
    return;
  }
  if (n(redirect.port) > 0) out.error([...p, 'port'], portError(n(redirect.port)));
}

function base64Length(v: string): number {
  const t = v.replace(/\s+/g, '').replace(/=+$/, '');
  return Math.floor((t.length * 3) / 4);
}

function validateDirectResponse(dr: unknown, p: Path, out: IssueSink): void {
  if (!isObj(dr)) return;
  if (isObj(dr.body)) {
    const size = typeof dr.body.string === 'string' ? utf8Length(dr.body.string) : typeof dr.body.bytes === 'string' ? base64Length(dr.body.bytes) : 0;
    if (size > 1024 * 1024) out.error([...p, 'body'], 'large direct_responses may impact control plane performance, must be less than 1MB');
    else if (size > 100 * 1024) out.warn([...p, 'body'], 'large direct_responses may impact control plane performance');
  }
  if (typeof dr.status === 'number') out.error([...p, 'status'], validateHTTPStatus(dr.status | 0));
}

function validateMirrors(mirrors: unknown, p: Path, out: IssueSink): void {
  list(mirrors).forEach((m, i) => {
    if (!isObj(m) || !isObj(m.destination)) return;
    const mp = [...p, i];
    validateDestination(out, [...mp, 'destination'], m.destination);
    if (isObj(m.percentage)) {
      const v = n(m.percentage.value);
      const vp = [...mp, 'percentage', 'value'];
      if (v > 100) out.error(vp, `mirror percentage must have a max value of 100 (it has ${goF(v)})`);
      if (v < 0) out.error(vp, `mirror percentage must have a min value of 0 (it has ${goF(v)})`);
    }
  });
}

function validateRetries(retries: unknown, p: Path, out: IssueSink): void {
  if (!isObj(retries)) return;
  const attempts = n(retries.attempts);
  if (attempts < 0) out.error([...p, 'attempts'], 'attempts cannot be negative');
  const retryOn = s(retries.retryOn);
  if (attempts === 0 && (present(retries, 'perTryTimeout') || retryOn !== '' || present(retries, 'retryRemoteLocalities'))) {
    out.error(present(retries, 'attempts') ? [...p, 'attempts'] : p, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  checkDurationPrecision(out, [...p, 'perTryTimeout'], retries.perTryTimeout);
  if (retryOn !== '') {
    for (const policy of retryOn.split(',')) {
      const code = atoi(policy).value ?? 0;
      if (!GO_STATUS_CODES.has(code) && !SUPPORTED_RETRY_ON.has(policy)) out.error([...p, 'retryOn'], `${q(policy)} is not a valid retryOn policy`);
    }
  }
  checkDurationPrecision(out, [...p, 'backoff'], retries.backoff);
}

function validateRewrite(rewrite: unknown, p: Path, out: IssueSink): void {
  if (!isObj(rewrite)) return;
  const uri = s(rewrite.uri);
  const regexRewrite = rewrite.uriRegexRewrite;
  const hasRegex = regexRewrite !== undefined && regexRewrite !== null;
  if (uri !== '' && hasRegex) {
    out.error([...p, 'uriRegexRewrite'], 'rewrite may only contain one of URI or UriRegexRewrite');
    return;
  }
  if (uri === '' && !hasRegex && s(rewrite.authority) === '') {
    out.error(p, 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified');
    return;
  }
  if (!isObj(regexRewrite)) return;
  const rp = [...p, 'uriRegexRewrite'];
  const match = s(regexRewrite.match);
  if (match === '' || s(regexRewrite.rewrite) === '') {
    out.error(rp, 'UriRegexRewrite has errors\nUriRegexRewrite requires both Rewrite and Match fields to be specified');
    return;
  }
  const e = validateStringRegexp(match, 'HTTPRewrite.UriRegexRewrite.Match');
  if (e) out.error([...rp, 'match'], `UriRegexRewrite has errors\n${e}`);
}

/** validateAuthorityRewrite: the authority may be rewritten in one place only (the first conflict). */
function validateAuthorityRewrite(http: Obj, p: Path, out: IssueSink): void {
  let current = isObj(http.rewrite) ? s(http.rewrite.authority) : '';
  const req = isObj(http.headers) && isObj(http.headers.request) ? http.headers.request : {};
  for (const op of ['set', 'add']) {
    for (const [k, v] of stringEntries(req[op])) {
      if (!isAuthorityHeader(k)) continue;
      if (current !== '') {
        out.error([...p, 'headers', 'request', op, k], `authority header cannot be set multiple times: have ${q(current)}, attempting to set ${q(v)}`);
        return;
      }
      current = v;
    }
  }
}

function validateHTTPRoute(http: Obj, delegate: boolean, gatewaySemantics: boolean, p: Path, out: IssueSink): void {
  const routeType = delegate ? 'delegate' : present(http, 'delegate') ? 'root' : 'independent';
  validateHTTPRouteConflict(http, routeType, p, out);
  validateHTTPRouteMatchRequest(http, p, out);
  validateHeaderOperations(http.headers, [...p, 'headers'], out);
  validateCORSPolicy(http.corsPolicy, [...p, 'corsPolicy'], out);
  validateFault(http.fault, [...p, 'fault'], out);

  const mirrorPercentKey = present(http, 'mirrorPercent') ? 'mirrorPercent' : present(http, 'mirror_percent') ? 'mirror_percent' : undefined;
  if (mirrorPercentKey) {
    const v = n(http[mirrorPercentKey]);
    if (v > 100) out.error([...p, mirrorPercentKey], `mirror_percent must have a max value of 100 (it has ${v})`);
    out.warn([...p, mirrorPercentKey], 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  }
  if (isObj(http.mirrorPercentage)) {
    const v = n(http.mirrorPercentage.value);
    const vp = [...p, 'mirrorPercentage', 'value'];
    if (v > 100) out.error(vp, `mirror_percentage must have a max value of 100 (it has ${goF(v)})`);
    if (v < 0) out.error(vp, `mirror_percentage must have a min value of 0 (it has ${goF(v)})`);
  }

  if (isObj(http.mirror)) validateDestination(out, [...p, 'mirror'], http.mirror);
  validateMirrors(http.mirrors, [...p, 'mirrors'], out);
  validateRedirect(http.redirect, [...p, 'redirect'], out);
  validateDirectResponse(http.directResponse, [...p, 'directResponse'], out);
  validateRetries(http.retries, [...p, 'retries'], out);
  validateRewrite(http.rewrite, [...p, 'rewrite'], out);
  validateAuthorityRewrite(http, p, out);
  validateRouteDestinations(list(http.route), true, gatewaySemantics, [...p, 'route'], out);
  checkDurationPrecision(out, [...p, 'timeout'], http.timeout);
}

// ---- TLS and TCP routes -----------------------------------------------------------------------------------------------

/** host.Name(a).SubsetOf(host.Name(b)). */
function hostSubsetOf(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw) return bw && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (bw) return a.endsWith(b.slice(1));
  return a === b;
}

function validateL4Match(m: Obj, mp: Path, out: IssueSink): void {
  list(m.destinationSubnets).forEach((sub, k) => {
    if (typeof sub === 'string') out.error([...mp, 'destinationSubnets', k], validateIPSubnet(sub));
  });
  if (n(m.port) !== 0) out.error([...mp, 'port'], portError(n(m.port)));
  validateLabels(out, [...mp, 'sourceLabels'], m.sourceLabels);
  validateGatewayNames(list(m.gateways), false, [...mp, 'gateways'], out);
}

interface VsContext {
  hosts: string[];
  appliesToSniGateway: boolean;
  gatewaySemantics: boolean;
}

function validateSniHost(sni: string, ctx: VsContext, p: Path, out: IssueSink): void {
  const e = ctx.appliesToSniGateway ? validateWildcardDomainForGateway(true, sni) : wildcardDomainError(sni);
  if (e) {
    if (isValidIPAddress(sni)) out.warn(p, `using an IP address (${q(sni)}) goes against SNI spec and most clients do not support this`);
    else out.error(p, e);
    return;
  }
  if (ctx.hosts.some((h) => hostSubsetOf(sni, h))) return;
  out.error(p, `SNI host ${q(sni)} is not a compatible subset of any of the virtual service hosts: [${ctx.hosts.join(', ')}]`);
}

function validateTLSRoute(tls: Obj, ctx: VsContext, p: Path, out: IssueSink): void {
  if (Array.isArray(tls.match) && tls.match.length === 0) out.error([...p, 'match'], 'TLS route must have at least one match condition');
  list(tls.match).forEach((m, j) => {
    if (!isObj(m)) return;
    const mp = [...p, 'match', j];
    if (Array.isArray(m.sniHosts) && m.sniHosts.length === 0) out.error([...mp, 'sniHosts'], 'TLS match must have at least one SNI host');
    list(m.sniHosts).forEach((sni, k) => {
      if (typeof sni === 'string') validateSniHost(sni, ctx, [...mp, 'sniHosts', k], out);
    });
    validateL4Match(m, mp, out);
  });
  if (list(tls.route).length === 0) out.error(present(tls, 'route') ? [...p, 'route'] : p, 'TLS route is required');
  validateRouteDestinations(list(tls.route), false, ctx.gatewaySemantics, [...p, 'route'], out);
}

function validateTCPRoute(tcp: Obj, gatewaySemantics: boolean, p: Path, out: IssueSink): void {
  list(tcp.match).forEach((m, j) => {
    if (isObj(m)) validateL4Match(m, [...p, 'match', j], out);
  });
  if (list(tcp.route).length === 0) out.error(present(tcp, 'route') ? [...p, 'route'] : p, 'TCP route is required');
  validateRouteDestinations(list(tcp.route), false, gatewaySemantics, [...p, 'route'], out);
}

// ---- metadata -------------------------------------------------------------------------------------------------------

/** validateMetadata, which wraps every kind's validation: internal annotations a user may not set. */
function validateMetadata(name: string, namespace: string, annotations: Obj, out: IssueSink): boolean {
  const p = ['metadata', 'annotations'];
  if (!checkDryRunAnnotation(out, name, namespace, annotations)) return false;
  if ('internal.istio.io/webhook-always-reject' in annotations) {
    out.error([...p, 'internal.istio.io/webhook-always-reject'], '"internal.istio.io/webhook-always-reject" annotation found, rejecting');
    return false;
  }
  if ('internal.istio.io/parents' in annotations) {
    out.error([...p, 'internal.istio.io/parents'], '"internal.istio.io/parents" annotation found, this may not be set by users');
    return false;
  }
  return true;
}

// ---- ValidateVirtualService -------------------------------------------------------------------------------------------

export const validateVirtualService: KindValidator = ({ name, namespace, obj }) => {
  const out = new IssueSink();
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  if (!validateMetadata(name, namespace, annotations, out)) return out.issues;
  const spec = obj.spec;
  if (!isObj(spec)) return out.issues;
  // a list field of another type is the schema's to report: nothing to validate against then
  for (const key of ['hosts', 'gateways', 'http', 'tcp', 'tls', 'exportTo']) {
    if (present(spec, key) && !Array.isArray(spec[key])) return out.issues;
  }
  const hostsRaw = list(spec.hosts);
  const hosts = hostsRaw.filter((h): h is string => typeof h === 'string');
  const gateways = list(spec.gateways);
  const http = list(spec.http);
  const tcp = list(spec.tcp);
  const tls = list(spec.tls);

  if (hostsRaw.length === 0) {
    // a delegate VirtualService
    if (gateways.length !== 0) out.error(['spec', 'gateways'], 'delegate virtual service must have no gateways specified');
    if (tls.length !== 0) out.error(['spec', 'tls'], 'delegate virtual service must have no tls route specified');
    if (tcp.length !== 0) out.error(['spec', 'tcp'], 'delegate virtual service must have no tcp route specified');
  }
  const gatewaySemantics = annotations['internal.istio.io/route-semantics'] === 'gateway';

  // isGateway: bound to gateways only when "mesh" is not among them (and no gateways counts as such for SNI hosts)
  const noMesh = !gateways.includes('mesh');
  let appliesToMesh = true;
  let appliesToGateway = false;
  if (gateways.length !== 0) {
    validateGatewayNames(gateways, gatewaySemantics, ['spec', 'gateways'], out);
    appliesToGateway = noMesh;
    appliesToMesh = !appliesToGateway;
  }

  if (!appliesToGateway) {
    const gatewayNames = gateways.filter((g): g is string => typeof g === 'string');
    http.forEach((route, i) => {
      if (!isObj(route)) return;
      list(route.match).forEach((m, j) => {
        if (!isObj(m)) return;
        for (const field of ['headers', 'withoutHeaders']) {
          if (!isObj(m[field])) continue;
          for (const key of Object.keys(m[field] as Obj)) {
            if (isJwtClaimRoute(key)) {
              out.error(['spec', 'http', i, 'match', j, field, key],
                `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: ${goList(gatewayNames)}`);
            }
          }
        }
      });
    });
  }

  const sniHost = tls.some((t) => isObj(t) && list(t.match).some((m) => isObj(m) && list(m.sniHosts).length > 0));
  let allHostsValid = true;
  hostsRaw.forEach((h, i) => {
    if (typeof h !== 'string') return;
    const e = appliesToGateway ? validateWildcardDomainForGateway(sniHost, h) : wildcardDomainError(h);
    if (e) {
      if (!isValidIPAddress(h)) {
        out.error(['spec', 'hosts', i], e);
        allHostsValid = false;
      }
    } else if (appliesToMesh && h === '*') {
      out.error(['spec', 'hosts', i], 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    for (let i = 0; i < hostsRaw.length; i++) {
      for (let j = i + 1; j < hostsRaw.length; j++) {
        const a = hostsRaw[i];
        const b = hostsRaw[j];
        if (typeof a === 'string' && typeof b === 'string' && hostMatches(a, b)) {
          out.error(['spec', 'hosts', j], `duplicate hosts in virtual service: ${a} & ${b}`);
        }
      }
    }
  }

  if (http.length === 0 && tcp.length === 0 && tls.length === 0) out.error(['spec'], 'http, tcp or tls must be provided in virtual service');
  http.forEach((route, i) => {
    if (isObj(route)) validateHTTPRoute(route, hostsRaw.length === 0, gatewaySemantics, ['spec', 'http', i], out);
  });
  const ctx: VsContext = { hosts, appliesToSniGateway: noMesh, gatewaySemantics };
  tls.forEach((route, i) => {
    if (isObj(route)) validateTLSRoute(route, ctx, ['spec', 'tls', i], out);
  });
  tcp.forEach((route, i) => {
    if (isObj(route)) validateTCPRoute(route, gatewaySemantics, ['spec', 'tcp', i], out);
  });
  validateExportTo(out, ['spec', 'exportTo'], namespace, spec.exportTo, false);
  return out.issues;
};
