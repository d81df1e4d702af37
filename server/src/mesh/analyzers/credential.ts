// What Istio's gateway.SecretAnalyzer checks of a gateway's credential Secret (its isValidSecret): kube.ExtractCertInfo
// picks the certificate ("cert" and "key", else "tls.crt" and "tls.key", both with a value), then xds.ValidateCertificate
// decodes the certificate's first PEM block and requires every certificate in it to parse and to be valid at the time
// given. Neither reads the private key's contents nor the CA keys ("cacert", "ca.crt"). Node's X509Certificate parses.
// Pure (the time is an argument); never throws on any input.
import { X509Certificate } from 'node:crypto';
import { obj, type Obj } from '../model';

/** What is wrong with a credential Secret: a sentence, and the data key it is about when there is one. */
export interface CredentialProblem {
  text: string;
  key?: string;
}

const GENERIC = ['cert', 'key'] as const;
const TLS = ['tls.crt', 'tls.key'] as const;

/** The Secret's certificate as far as it does not depend on the time: a problem, or the validity of each certificate. */
type Assessment = { problem: CredentialProblem } | { key: string; validity: { notBefore: number; notAfter: number }[] };

/** Assessments per Secret document (the time-independent part of the check is done once per parse of the file). */
const ASSESSED = new WeakMap<Obj, Assessment>();

/** The problem of the Secret `secret` (a Secret's plain data) as a gateway credential at time `now` (ms), if any. */
export function credentialProblem(secret: Obj, now: number): CredentialProblem | undefined {
  let a = ASSESSED.get(secret);
  if (!a) ASSESSED.set(secret, (a = assess(secret)));
  if ('problem' in a) return a.problem;
  // xds.ValidateCertificate: every certificate of the block, in order, must be valid now.
  for (const v of a.validity) {
    if (now > v.notAfter) return { key: a.key, text: `the certificate in "${a.key}" expired on ${isoSeconds(v.notAfter)}` };
    if (now < v.notBefore) return { key: a.key, text: `the certificate in "${a.key}" is not valid before ${isoSeconds(v.notBefore)}` };
  }
  return undefined;
}

function assess(secret: Obj): Assessment {
  const hint = stringDataHint(secret);
  // A Secret's data is decoded as a whole (a malformed value fails the Secret): every value must be base64.
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(obj(secret.data))) {
    if (v === null || v === undefined) {
      data.set(k, Buffer.alloc(0));
      continue;
    }
    const bytes = typeof v === 'string' ? base64Decode(v) : undefined;
    if (!bytes) return { problem: { key: k, text: `the value of data key "${k}" is not ${typeof v === 'string' ? 'valid base64' : 'a base64 string'}` } };
    data.set(k, bytes);
  }
  // kube.ExtractCertInfo
  const pair = [GENERIC, TLS].find((p) => p.every((k) => (data.get(k)?.length ?? 0) > 0));
  if (!pair) return { problem: missingKeys(data, hint) };
  const key = pair[0];
  // xds.ValidateCertificate
  const block = pemDecode(data.get(key)!);
  if (!block) return { problem: { key, text: `"${key}" holds no PEM block (a PEM certificate is expected)` } };
  const validity: { notBefore: number; notAfter: number }[] = [];
  for (const der of splitDer(block)) {
    const cert = der && parseCertificate(der);
    if (!cert) return { problem: { key, text: `the certificate in "${key}" does not parse` } };
    validity.push(cert);
  }
  return { key, validity };
}

/** Which of the expected keys are missing or empty (Istio's error names the pairs and the keys found). */
function missingKeys(data: Map<string, Buffer>, hint: string): CredentialProblem {
  // The pair Istio would read, when the Secret has any of its keys (the generic pair first, as Istio checks it first).
  const pair = [GENERIC, TLS].find((p) => p.some((k) => data.has(k)));
  if (pair) {
    const missing = pair.filter((k) => !data.has(k));
    const empty = pair.filter((k) => data.get(k)?.length === 0);
    const q = (keys: readonly string[]): string => keys.map((k) => `"${k}"`).join(' and ');
    const parts = [
      ...(missing.length ? [`no key ${q(missing)}`] : []),
      ...(empty.length ? [`${q(empty)} ${empty.length > 1 ? 'are' : 'is'} empty`] : []),
    ];
    return { key: empty[0], text: `${parts.join(', and ')} (keys found: ${foundKeys(data)})${hint}` };
  }
  return { text: `no keys "cert" and "key" or "tls.crt" and "tls.key" (keys found: ${foundKeys(data)})${hint}` };
}

/** Istio's truncatedKeysMessage: the keys sorted, at most three named. */
function foundKeys(data: Map<string, Buffer>): string {
  const keys = [...data.keys()].sort();
  if (keys.length === 0) return 'none';
  return keys.length < 3 ? keys.join(', ') : `${keys.slice(0, 3).join(', ')}, and ${keys.length - 3} more...`;
}

function stringDataHint(secret: Obj): string {
  const sd = Object.keys(obj(secret.stringData)).filter((k) => [...GENERIC, ...TLS].includes(k as never));
  return sd.length ? '; stringData is not read by the analysis (the API server moves it into data)' : '';
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Go's base64.StdEncoding.Decode as encoding/json applies it to []byte: padded, the standard alphabet, line breaks
 * ignored, nothing else. Undefined when malformed.
 */
export function base64Decode(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

/**
 * Go's encoding/pem.Decode: the bytes of the first well-formed PEM block (any type, headers skipped), trying each
 * "-----BEGIN " in turn. Undefined when there is none.
 */
export function pemDecode(bytes: Buffer): Buffer | undefined {
  // latin1: one character per byte, so indices are byte offsets.
  const data = bytes.toString('latin1');
  let rest = data;
  for (;;) {
    if (rest.startsWith('-----BEGIN ')) rest = rest.slice('-----BEGIN '.length);
    else {
      const i = rest.indexOf('\n-----BEGIN ');
      if (i < 0) return undefined;
      rest = rest.slice(i + '\n-----BEGIN '.length);
    }
    let typeLine: string;
    [typeLine, rest] = getLine(rest);
    if (!typeLine.endsWith('-----')) continue;
    const type = typeLine.slice(0, -5);
    let headers = 0;
    for (;;) {
      if (rest.length === 0) return undefined;
      const [line, next] = getLine(rest);
      if (!line.includes(':')) break;
      headers++;
      rest = next;
    }
    let endIndex: number;
    let trailerIndex: number;
    if (headers === 0 && rest.startsWith('-----END ')) {
      endIndex = 0;
      trailerIndex = '-----END '.length;
    } else {
      endIndex = rest.indexOf('\n-----END ');
      trailerIndex = endIndex + '\n-----END '.length;
    }
    if (endIndex < 0) continue;
    const trailerLen = type.length + 5;
    const endTrailer = rest.slice(trailerIndex);
    if (endTrailer.length < trailerLen) continue;
    if (!endTrailer.startsWith(type) || endTrailer.slice(type.length, trailerLen) !== '-----') continue;
    if (getLine(endTrailer.slice(trailerLen))[0].length !== 0) continue;
    const body = base64Decode(rest.slice(0, endIndex).replace(/[ \t]/g, ''));
    if (!body) continue;
    return body;
  }
}

/** Go's pem getLine: the line up to "\n" with trailing spaces, tabs and "\r" removed, and what follows it. */
function getLine(s: string): [string, string] {
  const i = s.indexOf('\n');
  const [line, rest] = i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
  return [line.replace(/[ \t\r]+$/, ''), rest];
}

/** x509.ParseCertificates' split of concatenated DER certificates: one buffer per SEQUENCE, undefined for a bad one. */
function* splitDer(der: Buffer): Generator<Buffer | undefined> {
  let off = 0;
  while (off < der.length) {
    const end = derEnd(der, off);
    if (end === undefined) {
      yield undefined;
      return;
    }
    yield der.subarray(off, end);
    off = end;
  }
}

function derEnd(b: Buffer, off: number): number | undefined {
  if (b[off] !== 0x30 || off + 1 >= b.length) return undefined;
  let len = b[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) {
      if (p >= b.length) return undefined;
      len = len * 256 + b[p++];
    }
  }
  return p + len <= b.length ? p + len : undefined;
}

/** The validity of one DER certificate; undefined when it does not parse. */
function parseCertificate(der: Buffer): { notBefore: number; notAfter: number } | undefined {
  try {
    const c = new X509Certificate(der);
    const notBefore = Date.parse(c.validFrom);
    const notAfter = Date.parse(c.validTo);
    // A date V8 cannot read is not held against the certificate.
    return { notBefore: Number.isNaN(notBefore) ? -Infinity : notBefore, notAfter: Number.isNaN(notAfter) ? Infinity : notAfter };
  } catch {
    return undefined;
  }
}
