// gateway.SecretAnalyzer's IST0161 (InvalidGatewayCredential) with certificates made at test time: a self-signed X.509
// built here (DER by hand, signed by node:crypto) with the validity we choose, so "valid now" and "expired" are decided
// against the real clock as the analyzer does; openssl, when installed, makes an independent valid certificate.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { MeshIndex } from '../../server/src/mesh/index';
import { runMeshAnalysis, setAssumedResources } from '../../server/src/mesh/run';

const DAY = 86_400_000;

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
const seq = (...p: Buffer[]): Buffer => der(0x30, ...p);
const oid = (hex: string): Buffer => der(0x06, Buffer.from(hex, 'hex'));
const ECDSA_SHA256 = '2a8648ce3d040302';

/** UTCTime (years before 2050) or GeneralizedTime, to the second. */
function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(s.slice(2))) : der(0x18, Buffer.from(s));
}

/** A self-signed P-256 certificate valid from notBefore to notAfter, and its key, both PEM. */
function selfSigned(notBefore: Date, notAfter: Date): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = seq(der(0x31, seq(oid('550403'), der(0x0c, Buffer.from('gateway.example.com')))));
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([0x01, 0x23, 0x45, 0x67])),
    seq(oid(ECDSA_SHA256)),
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const cert = seq(tbs, seq(oid(ECDSA_SHA256)), der(0x03, Buffer.from([0]), sign('sha256', tbs, privateKey)));
  return { cert: pem('CERTIFICATE', cert), key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

function pem(type: string, body: Buffer): string {
  return `-----BEGIN ${type}-----\n${body.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${type}-----\n`;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function workspace(data: Record<string, string>, extra = ''): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: ${v}`).join('\n');
  return `apiVersion: v1
kind: Secret
metadata:
  name: gw-cert
  namespace: istio-system
type: kubernetes.io/tls
data:
${lines}
${extra}---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*"]
    tls:
      mode: SIMPLE
      credentialName: gw-cert
`;
}

function analyze(text: string) {
  const index = new MeshIndex();
  index.setFile('file:///ws/gw.yaml', text);
  setAssumedResources(index);
  return runMeshAnalysis(index, { only: new Set(['gateway.SecretAnalyzer']) })!.findings;
}

function tlsData(c: { cert: string; key: string }): Record<string, string> {
  return { 'tls.crt': b64(c.cert), 'tls.key': b64(c.key) };
}

test('the test certificates are what they claim: self-signed, matching their key, with the chosen validity', () => {
  const now = Date.now();
  const c = selfSigned(new Date(now - DAY), new Date(now + 30 * DAY));
  const x = new X509Certificate(c.cert);
  assert.ok(x.verify(x.publicKey));
  assert.ok(x.checkPrivateKey(createPrivateKey(c.key)));
  assert.ok(Date.parse(x.validTo) > now && Date.parse(x.validFrom) < now);
});

test('a valid certificate: no finding; an expired one: IST0161 on credentialName, saying when it expired', () => {
  const now = Date.now();
  assert.deepEqual(analyze(workspace(tlsData(selfSigned(new Date(now - DAY), new Date(now + 30 * DAY))))), []);

  const expiredAt = new Date(Math.floor((now - 2 * DAY) / 1000) * 1000);
  const f = analyze(workspace(tlsData(selfSigned(new Date(now - 40 * DAY), expiredAt))));
  assert.equal(f.length, 1);
  assert.equal(f[0].finding.code, 'IST0161');
  assert.equal(f[0].finding.severity, 'Error');
  assert.equal(f[0].friendly, 'Gateway istio-system/gw');
  assert.ok(f[0].finding.message.startsWith('The credential referenced by the Gateway gw in namespace istio-system is invalid'), f[0].finding.message);
  assert.ok(f[0].finding.message.includes(`expired on ${expiredAt.toISOString().replace('.000Z', 'Z')}`), f[0].finding.message);
  // On the credentialName value (line 23), related to the Secret's tls.crt value (line 7).
  assert.equal(f[0].finding.range.start.line, 23);
  assert.equal(f[0].finding.related?.[0].range.start.line, 7);
});

test('a certificate not valid yet, a chain whose first block does not parse, and the generic keys', () => {
  const now = Date.now();
  const future = analyze(workspace(tlsData(selfSigned(new Date(now + 10 * DAY), new Date(now + 40 * DAY)))));
  assert.match(future[0]?.finding.message ?? '', /is not valid before \d{4}-/);

  const good = selfSigned(new Date(now - DAY), new Date(now + DAY));
  const broken = analyze(workspace({ 'tls.crt': b64(pem('CERTIFICATE', Buffer.from('not DER at all')) + good.cert), 'tls.key': b64(good.key) }));
  assert.match(broken[0]?.finding.message ?? '', /the certificate in "tls\.crt" does not parse/);

  // "cert"/"key" (checked first, as Istio does) with a valid certificate satisfy the reference.
  assert.deepEqual(analyze(workspace({ cert: b64(good.cert), key: b64(good.key) })), []);
});

test('missing and empty keys are named; malformed base64 and odd values are reported, never thrown', () => {
  const now = Date.now();
  const good = selfSigned(new Date(now - DAY), new Date(now + DAY));
  const msg = (data: Record<string, string>, extra = ''): string => {
    const f = analyze(workspace(data, extra));
    assert.equal(f.length, 1, JSON.stringify(data));
    assert.equal(f[0].finding.code, 'IST0161');
    return f[0].finding.message;
  };
  assert.match(msg({ 'tls.crt': b64(good.cert) }), /no key "tls\.key" \(keys found: tls\.crt\)/);
  assert.match(msg({ 'tls.crt': '""', 'tls.key': b64(good.key) }), /"tls\.crt" is empty/);
  // Unpadded base64 (which Buffer.from would accept, Go's decoder does not).
  assert.match(msg({ 'tls.crt': 'bm90IGJhc2U2NA', 'tls.key': b64(good.key) }), /data key "tls\.crt" is not valid base64/);
  assert.match(msg({ 'tls.crt': '[1, 2]', 'tls.key': b64(good.key) }), /data key "tls\.crt" is not a base64 string/);
  assert.match(msg({ 'ca.crt': b64(good.cert) }, 'stringData:\n  tls.crt: x\n  tls.key: y\n'), /no keys .* \(keys found: ca\.crt\); stringData is not read/);
  // Garbage documents around a Secret never crash the analysis.
  for (const data of ['data: 3', 'data: [a, b]', 'data:', 'data: {tls.crt: !!binary "AAAA", tls.key: null}']) {
    const text = workspace({}).replace('data:\n\n', `${data}\n`);
    assert.doesNotThrow(() => analyze(text));
  }
});

test('a valid certificate made by openssl: no finding', (t) => {
  let dir: string | undefined;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not installed: the certificates built by this test cover the same check');
    return;
  }
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-gwsecret-'));
    const [keyFile, certFile] = [path.join(dir, 'k.pem'), path.join(dir, 'c.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=gateway.example.com'], { stdio: 'ignore' });
    const c = { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
    assert.ok(new X509Certificate(c.cert).checkPrivateKey(createPrivateKey(c.key) as KeyObject));
    assert.deepEqual(analyze(workspace(tlsData(c))), []);
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});
