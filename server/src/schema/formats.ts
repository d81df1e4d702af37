// String formats and Kubernetes name rules, with the API server's wording. Pure.

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';

const re = (s: string) => new RegExp(`^(?:${s})$`);
const dns1123Label = re(DNS1123_LABEL);
const dns1123Subdomain = re(DNS1123_SUBDOMAIN);
const dns1035Label = re(DNS1035_LABEL);
const qualifiedName = re(QUALIFIED_NAME);
const labelValue = re(LABEL_VALUE);

/**
 * What the checks below return for a valid value (almost every value): one shared empty list, not a new array per label,
 * annotation and name of every document. Frozen: callers only read it.
 */
const VALID: string[] = Object.freeze([]) as unknown as string[];

/** Validation problems of a name, as apimachinery's validation package words them (empty when valid). */
export function isDNS1123Label(v: string): string[] {
  if (v.length <= 63 && dns1123Label.test(v)) return VALID;
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!dns1123Label.test(v)) {
    errs.push(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`);
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  if (v.length <= 253 && dns1123Subdomain.test(v)) return VALID;
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!dns1123Subdomain.test(v)) {
    errs.push(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`);
  }
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  if (v.length <= 63 && dns1035Label.test(v)) return VALID;
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!dns1035Label.test(v)) {
    errs.push(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`);
  }
  return errs;
}

/** Label and annotation keys: an optional DNS subdomain prefix and a name. */
export function isQualifiedName(v: string): string[] {
  // The common valid shapes, "name" and "prefix/name", tested without splitting; anything else is worded below.
  const slash = v.indexOf('/');
  if (slash < 0 ? qualifiedNameOk(v) : slash > 0 && v.indexOf('/', slash + 1) < 0 && slash <= 253 &&
    dns1123Subdomain.test(v.slice(0, slash)) && qualifiedNameOk(v.slice(slash + 1))) return VALID;
  const parts = v.split('/');
  let name = v;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return [`a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length && !qualifiedName.test(name)) {
    errs.push(`name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}')`);
  }
  return errs;
}

/** A qualified name's name part is valid (non-empty, at most 63 characters, the pattern). */
function qualifiedNameOk(name: string): boolean {
  return name.length > 0 && name.length <= 63 && qualifiedName.test(name);
}

export function isLabelValue(v: string): string[] {
  if (v.length <= 63 && labelValue.test(v)) return VALID;
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!labelValue.test(v)) {
    errs.push(`a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`);
  }
  return errs;
}

/** metadata.name rules per kind (what the API server's ValidateXName functions check). */
export function nameValidator(apiVersion: string, kind: string): (v: string) => string[] {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  if (group === '' && kind === 'Service') return isDNS1035Label;
  if (group === '' && kind === 'Namespace') return isDNS1123Label;
  if (group === 'batch' && kind === 'CronJob') return cronJobName;
  if (group === 'batch' && kind === 'Job') return jobName;
  return isDNS1123Subdomain;
}

const cronJobName = (v: string): string[] => [...isDNS1123Subdomain(v), ...(v.length > 52 ? ['must be no more than 52 characters'] : [])];
const jobName = (v: string): string[] => [...isDNS1123Subdomain(v), ...(v.length > 63 ? ['must be no more than 63 characters'] : [])];

const INT32 = [-2147483648, 2147483647];
const INT64 = [-(2 ** 63), 2 ** 63];

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$/;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const HOSTNAME = /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;

export function isIPv4(v: string): boolean {
  const parts = v.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(v: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(v) || v.split('::').length > 2) return false;
  let s = v;
  let groups = 0;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  for (const h of halves) {
    if (h === '') continue;
    const parts = h.split(':');
    if (parts.some((p) => !/^[0-9A-Fa-f]{1,4}$/.test(p))) return false;
    groups += parts.length;
  }
  return halves.length === 2 ? groups < 8 : groups === 8;
}

export function isIP(v: string): boolean {
  return isIPv4(v) || isIPv6(v);
}

export function isCIDR(v: string): boolean {
  const m = /^(.*)\/(\d{1,3})$/.exec(v);
  if (!m) return false;
  const bits = Number(m[2]);
  return isIPv4(m[1]) ? bits <= 32 : isIPv6(m[1]) && bits <= 128;
}

export function isQuantity(v: string): boolean {
  return QUANTITY.test(v);
}

/** Whether a string satisfies an OpenAPI/Kubernetes format; unknown formats pass. */
export function stringFormatOk(format: string, v: string): boolean {
  switch (format) {
    case 'date-time': case 'datetime': return RFC3339.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')));
    case 'date': return DATE.test(v);
    case 'byte': return BASE64.test(v.replace(/\s+/g, ''));
    case 'uuid': case 'uuid3': case 'uuid4': case 'uuid5': return UUID.test(v);
    case 'ipv4': return isIPv4(v);
    case 'ipv6': return isIPv6(v);
    case 'cidr': return isCIDR(v);
    case 'mac': return MAC.test(v);
    case 'hostname': return v.length <= 255 && HOSTNAME.test(v);
    case 'email': return EMAIL.test(v);
    case 'duration': return GO_DURATION.test(v);
    case 'quantity': return isQuantity(v);
    case 'uri': try { return Boolean(new URL(v).protocol); } catch { return false; }
    default: return true;
  }
}

/** Range check for integer formats (int32/int64); other numeric formats pass. */
export function integerFormatOk(format: string, v: number): boolean {
  if (format === 'int32') return v >= INT32[0] && v <= INT32[1];
  if (format === 'int64') return v >= INT64[0] && v < INT64[1];
  return true;
}
