// security.istio.io/AuthorizationPolicy: Istio's ValidateAuthorizationPolicy (pkg/config/validation/validation.go, with
// validateMetadata's dry-run check, validateWorkloadSelector, validatePolicyTargetReference) and its helpers in
// pkg/config/security (ValidateIPs, ValidatePorts, CheckEmptyValues, CheckServiceAccount, CheckValidPathTemplate,
// ValidateAttribute), minus what the CRD enforces (action enum; one of selector/targetRef(s); serviceAccounts not with
// namespaces or principals; at most 16 service accounts of at most 320 characters; `when` needs a key; selector keys).
// Errors carry Go's multierror prefix "invalid policy <name>.<namespace>:". Left out on purpose: "`from`/`to` must
// not be empty" and DENY/CUSTOM with `rules: []` (whether an empty JSON list reaches Go as nil is not certain, and
// a false report is worse than a miss). Pure; never throws.
import { asArr, asObj, checkDryRunAnnotation, checkPolicyTargetRefs, checkWorkloadSelector, has, isValidIPAddress, IssueSink, q, str } from './agent';
import type { KindValidator, ValidationPath } from './types';

const ACTIONS = new Set(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);

/** The string items of a list field (non-strings are the schema's) with their index. */
function items(o: Record<string, unknown> | undefined, k: string): [string, number][] {
  const out: [string, number][] = [];
  asArr(o?.[k])?.forEach((v, i) => {
    if (typeof v === 'string') out.push([v, i]);
  });
  return out;
}
function len(o: Record<string, unknown> | undefined, k: string): number {
  return asArr(o?.[k])?.length ?? 0;
}

/** netip.ParsePrefix's error text, undefined when it parses. */
function parsePrefixError(s: string): string | undefined {
  const fail = (msg: string) => `netip.ParsePrefix(${q(s)}): ${msg}`;
  const i = s.lastIndexOf('/');
  if (i < 0) return fail("no '/'");
  const addr = s.slice(0, i);
  if (!isValidIPAddress(addr)) return fail(`ParseAddr(${q(addr)}): unable to parse IP`);
  if (addr.includes('%')) return fail('IPv6 zones cannot be present in a prefix');
  const bits = s.slice(i + 1);
  if ((bits.length > 1 && (bits[0] < '1' || bits[0] > '9')) || !/^[+-]?\d+$/.test(bits)) return fail(`bad bits after slash: ${q(bits)}`);
  const n = Number(bits);
  if (n < 0 || n > (addr.includes(':') ? 128 : 32)) return fail('prefix length out of range');
  return undefined;
}

/** security.ValidateIPs: one error per bad entry. */
function ipErrors(values: [string, number][]): [string, number][] {
  const out: [string, number][] = [];
  for (const [v, i] of values) {
    if (v.includes('/')) {
      const err = parsePrefixError(v);
      if (err) out.push([`bad CIDR range (${v}): ${err}`, i]);
    } else if (!isValidIPAddress(v)) out.push([`bad IP address (${v})`, i]);
  }
  return out;
}

/** security.ValidatePorts: one error per bad entry (strconv.ParseUint(port, 10, 32), then at most 65535). */
function portErrors(values: [string, number][]): [string, number][] {
  const out: [string, number][] = [];
  for (const [p, i] of values) {
    if (!/^\d+$/.test(p)) out.push([`bad port (${p}): strconv.ParseUint: parsing ${q(p)}: invalid syntax`, i]);
    else if (BigInt(p) > 4294967295n) out.push([`bad port (${p}): strconv.ParseUint: parsing ${q(p)}: value out of range`, i]);
    else if (Number(p) > 65535) out.push([`bad port (${p}): <nil>`, i]);
  }
  return out;
}

/** security.CheckEmptyValues: the first empty entry. */
function emptyValueError(key: string, values: [string, number][]): [string, number] | undefined {
  const hit = values.find(([v]) => v === '');
  return hit ? [`empty value not allowed, found in ${key}`, hit[1]] : undefined;
}

/** security.CheckServiceAccount (more than 16 entries and longer than 320 are the CRD's): the first bad entry. */
function serviceAccountError(key: string, values: [string, number][]): [string, number] | undefined {
  const FORMAT = "expected format 'serviceAccount' or 'namespace/serviceAccount', found";
  for (const [v, i] of values) {
    if (v === '') return [`empty value not allowed, found in ${key}`, i];
    if (v.includes('*')) return [`wildcard not allowed, found in ${key}`, i];
    const segments = v.split('/').length - 1;
    if (segments !== 0 && segments !== 1) return [`${FORMAT} ${q(v)} in ${key}`, i];
    if (segments === 1) {
      const [ns, sa] = v.split('/');
      if (ns === '') return [`${FORMAT} empty namespace ${q(v)} in ${key}`, i];
      if (sa === '') return [`${FORMAT} empty serviceAccount ${q(v)} in ${key}`, i];
    }
  }
  return undefined;
}

const VALID_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

/** security.CheckValidPathTemplate: the first bad path. */
function pathTemplateError(key: string, values: [string, number][]): [string, number] | undefined {
  for (const [raw, i] of values) {
    const hasTemplate = raw.includes('{*}') || raw.includes('{**}');
    const path = raw.replace(/^\/+|\/+$/g, '');
    let foundAny = false;
    for (const glob of path.split('/')) {
      if (glob === '{*}' && !foundAny) continue;
      if (glob === '{**}' && !foundAny) {
        foundAny = true;
        continue;
      }
      if (glob === '{**}' || glob === '{*}') return [`invalid or unsupported path ${path}, found in ${key}. {**} is not the last operator`, i];
      if (/[{}]/.test(glob)) return [`invalid or unsupported path ${path}, found in ${key}. Contains '{' or '}' beyond a supported path template`, i];
      if (hasTemplate && !VALID_LITERAL.test(glob)) return [`invalid or unsupported path ${path}, found in ${key}. Contains segment ${glob} with invalid string literal`, i];
    }
  }
  return undefined;
}

function mapKeyError(key: string): string | undefined {
  const open = key.indexOf('[');
  return key.endsWith(']') && open > 0 && open < key.length - 2 ? undefined : `bad key (${key}): should have format a[b]`;
}

/** security.ValidateAttribute: errors with the index of the entry they are about (-1: the whole list). */
function attributeErrors(key: string, values: [string, number][]): [string, number][] {
  const empty = emptyValueError(key, values);
  if (empty) return [empty];
  const one = (m: string | undefined): [string, number][] => (m ? [[m, -1]] : []);
  if (key.startsWith('request.headers') || key.startsWith('request.experimental.inline.headers')) return one(mapKeyError(key));
  switch (key) {
    case 'source.ip': case 'remote.ip': case 'destination.ip':
      return ipErrors(values);
    case 'source.serviceAccount': {
      const e = serviceAccountError(key, values);
      return e ? [e] : [];
    }
    case 'destination.port':
      return portErrors(values);
    case 'source.namespace': case 'source.principal': case 'request.auth.principal': case 'request.auth.audiences':
    case 'request.auth.presenter': case 'connection.sni': case 'source.trustDomain': // trustDomain: accepted by Istio 1.32 (its authz-valid test data)
      return [];
    case 'destination.namespace':
      return one(`attribute ${key} is replaced by the metadata.namespace`);
    case 'destination.name': case 'destination.user':
      return one(`deprecated attribute ${key}: only supported in v1alpha1`);
  }
  if (key.startsWith('request.auth.claims') || key.startsWith('experimental.envoy.filters.')) return one(mapKeyError(key));
  if (key.startsWith('destination.labels')) return one(`attribute ${key} is replaced by the workload selector`);
  return one(`unknown attribute: ${key}`);
}

const SOURCE_LISTS = ['principals', 'requestPrincipals', 'namespaces', 'ipBlocks', 'remoteIpBlocks', 'notPrincipals', 'notRequestPrincipals',
  'notNamespaces', 'notIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts'];
const SOURCE_EMPTY_CHECKS: [string, string][] = [['principals', 'Principals'], ['requestPrincipals', 'RequestPrincipals'], ['namespaces', 'Namespaces'],
  ['ipBlocks', 'IpBlocks'], ['remoteIpBlocks', 'RemoteIpBlocks'], ['notPrincipals', 'NotPrincipals'], ['notRequestPrincipals', 'NotRequestPrincipals'],
  ['notNamespaces', 'NotNamespaces'], ['notIpBlocks', 'NotIpBlocks'], ['notRemoteIpBlocks', 'NotRemoteIpBlocks']];
const SOURCE_TCP = ['principals', 'notPrincipals', 'ipBlocks', 'notIpBlocks', 'namespaces', 'notNamespaces', 'remoteIpBlocks', 'notRemoteIpBlocks',
  'serviceAccounts', 'notServiceAccounts'];
const OP_LISTS: [string, string][] = [['ports', 'Ports'], ['methods', 'Methods'], ['paths', 'Paths'], ['hosts', 'Hosts'], ['notPorts', 'NotPorts'],
  ['notMethods', 'NotMethods'], ['notPaths', 'NotPaths'], ['notHosts', 'NotHosts']];
const CUSTOM_UNSUPPORTED_FROM: [string, string][] = [['namespaces', 'From.Namespaces'], ['notNamespaces', 'From.NotNamespaces'],
  ['serviceAccounts', 'From.ServiceAccounts'], ['notServiceAccounts', 'From.NotServiceAccounts'], ['principals', 'From.Principals'],
  ['notPrincipals', 'From.NotPrincipals'], ['requestPrincipals', 'From.RequestPrincipals'], ['notRequestPrincipals', 'From.NotRequestPrincipals']];

export const validateAuthorizationPolicy: KindValidator = ({ name, namespace, obj }) => {
  const sink = new IssueSink();
  const spec = asObj(obj.spec) ?? {};
  const action = str(spec, 'action') || 'ALLOW';
  if (!ACTIONS.has(action)) return sink.issues; // the schema's enum; Go would not even decode the object
  if (!checkDryRunAnnotation(sink, name, namespace, asObj(obj.metadata)?.annotations, action)) return sink.issues;
  if (!asObj(obj.spec)) return sink.issues;

  const prefix = `invalid policy ${name}${namespace ? `.${namespace}` : ''}: `;
  const err = (path: ValidationPath, msg: string) => sink.error(path, prefix + msg);
  const at = (path: ValidationPath, k: string, e: [string, number] | undefined) => {
    if (e) err(e[1] >= 0 ? [...path, k, e[1]] : [...path, k], e[0]);
  };

  checkWorkloadSelector(sink, ['spec', 'selector'], spec.selector);
  checkPolicyTargetRefs(sink, spec, prefix);

  const actionPath: ValidationPath = has(spec, 'action') ? ['spec', 'action'] : ['spec'];
  const rulesMissing = !has(spec, 'rules');
  const rules = asArr(spec.rules) ?? [];
  if (action === 'CUSTOM') {
    if (rulesMissing) {
      err(actionPath, 'CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
    } else {
      const provider = asObj(spec.provider);
      if (!provider || str(provider, 'name') === '') err(provider ? ['spec', 'provider'] : actionPath, '`provider.name` must not be empty');
    }
    rules.forEach((r, i) => {
      const rule = asObj(r);
      asArr(rule?.from)?.forEach((f, j) => {
        const src = asObj(asObj(f)?.source);
        for (const [k, label] of CUSTOM_UNSUPPORTED_FROM) {
          if (len(src, k) !== 0) err(['spec', 'rules', i, 'from', j, 'source', k], `${label} is currently not supported with CUSTOM action`);
        }
      });
      asArr(rule?.when)?.forEach((w, j) => {
        const key = asObj(w)?.key;
        if (typeof key !== 'string') return;
        if (key === 'source.namespace' || key === 'source.serviceAccount' || key === 'source.principal' || key.startsWith('request.auth.')) {
          err(['spec', 'rules', i, 'when', j, 'key'], `${key} is currently not supported with CUSTOM action`);
        }
      });
    });
  }
  if (has(spec, 'provider') && action !== 'CUSTOM') err(['spec', 'provider'], `\`provider\` must not be with non CUSTOM action, found ${action}`);
  if (action === 'DENY' && rulesMissing) {
    err(actionPath, 'DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request');
  }

  rules.forEach((r, i) => {
    const rule = asObj(r);
    if (!rule) return; // null: the schema's
    const rp: ValidationPath = ['spec', 'rules', i];
    let tcpInFrom = false;
    let tcpInTo = false;
    let fromExists = false;
    let toExists = false;
    asArr(rule.from)?.forEach((f, j) => {
      const from = asObj(f);
      if (!from) return;
      const fp: ValidationPath = [...rp, 'from', j];
      if (!has(from, 'source')) {
        err(fp, `\`from.source\` must not be nil, found at rule ${i}`);
        return;
      }
      fromExists = true;
      const src = asObj(from.source);
      if (!src) return;
      const sp: ValidationPath = [...fp, 'source'];
      if (SOURCE_LISTS.every((k) => len(src, k) === 0)) err(sp, `\`from.source\` must not be empty, found at rule ${i}`);
      for (const k of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']) {
        for (const [m, idx] of ipErrors(items(src, k))) err([...sp, k, idx], m);
      }
      for (const [k, label] of SOURCE_EMPTY_CHECKS) at(sp, k, emptyValueError(label, items(src, k)));
      at(sp, 'serviceAccounts', serviceAccountError('ServiceAccounts', items(src, 'serviceAccounts')));
      at(sp, 'notServiceAccounts', serviceAccountError('NotServiceAccounts', items(src, 'notServiceAccounts')));
      if (SOURCE_TCP.some((k) => has(src, k))) tcpInFrom = true;
    });
    asArr(rule.to)?.forEach((t, j) => {
      const to = asObj(t);
      if (!to) return;
      const tp: ValidationPath = [...rp, 'to', j];
      if (!has(to, 'operation')) {
        err(tp, `\`to.operation\` must not be nil, found at rule ${i}`);
        return;
      }
      toExists = true;
      const op = asObj(to.operation);
      if (!op) return;
      const opp: ValidationPath = [...tp, 'operation'];
      if (OP_LISTS.every(([k]) => len(op, k) === 0)) err(opp, `\`to.operation\` must not be empty, found at rule ${i}`);
      for (const k of ['ports', 'notPorts']) {
        for (const [m, idx] of portErrors(items(op, k))) err([...opp, k, idx], m);
      }
      for (const [k, label] of OP_LISTS) at(opp, k, emptyValueError(label, items(op, k)));
      at(opp, 'paths', pathTemplateError('Paths', items(op, 'paths')));
      at(opp, 'notPaths', pathTemplateError('NotPaths', items(op, 'notPaths')));
      if (has(op, 'ports') || has(op, 'notPorts')) tcpInTo = true;
    });
    asArr(rule.when)?.forEach((c, j) => {
      const cond = asObj(c);
      if (!cond || typeof cond.key !== 'string') return; // null or no key: the schema's
      const cp: ValidationPath = [...rp, 'when', j];
      const key = cond.key;
      if (key === '') {
        err([...cp, 'key'], '`key` must not be empty');
        return;
      }
      if (len(cond, 'values') === 0 && len(cond, 'notValues') === 0) {
        err(cp, `at least one of \`values\` or \`notValues\` must be set for key ${key}`);
        return;
      }
      for (const [field, label] of [['values', 'value'], ['notValues', 'notValue']] as const) {
        for (const [m, idx] of attributeErrors(key, items(cond, field))) {
          err(idx >= 0 ? [...cp, field, idx] : has(cond, field) ? [...cp, field] : [...cp, 'key'], `invalid \`${label}\` for \`key\` ${key}: ${m}`);
        }
      }
    });
    if (((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo)) && action === 'DENY') {
      sink.warn(rp, 'configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port');
    }
  });
  return sink.issues;
};
