// gateway.CertificateAnalyzer (IST0138) compares each gateway only with the gateways it shares a certificate key with;
// Istio compares every pair. Here random gateways (credential names, certificate files, selectors, names repeated) are
// analyzed and the findings compared with a literal port of Istio's pairwise loop over the same gateways.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { MeshIndex } from '../../server/src/mesh/index';
import { runMeshAnalysis } from '../../server/src/mesh/run';
import { random } from './random';

type Tls = Record<string, string> | 'none' | 'scalar';
interface Gw { ns: string; name: string; selector: Record<string, string>; servers: Tls[] }

const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** Istio's comparison of two servers' TLS settings (gateway/certificate.go). */
function same(a: Record<string, string>, b: Record<string, string>): boolean {
  const [ca, cb] = [str(a.credentialName), str(b.credentialName)];
  if (ca && cb) return ca === cb;
  if (!ca && !cb) {
    const [sa, sb] = [str(a.serverCertificate), str(b.serverCertificate)];
    if (sa && sb && sa === sb) return str(a.privateKey) !== '' && str(b.privateKey) !== '' && a.privateKey === b.privateKey;
  }
  return false;
}
function subset(x: Record<string, string>, y: Record<string, string>): boolean {
  return Object.entries(x).every(([k, v]) => y[k] === v);
}

/** Istio's loop: every gateway with a TLS server against every other one. */
function literal(gws: Gw[]): string[] {
  const tls = gws.filter((g) => g.servers.some((s) => typeof s === 'object'));
  const out: string[] = [];
  for (const cur of tls) {
    for (const other of tls) {
      const [a, b] = [`${cur.ns}/${cur.name}`, `${other.ns}/${other.name}`];
      if (other === cur || a === b) continue;
      if (Object.keys(cur.selector).length && !subset(cur.selector, other.selector)) continue;
      for (const cs of cur.servers) for (const os of other.servers) {
        if (typeof cs === 'object' && typeof os === 'object' && same(cs, os)) out.push(`${a} ~ ${b}`);
      }
    }
  }
  return out;
}

function yaml(g: Gw): string {
  const sel = Object.entries(g.selector).map(([k, v]) => `\n    ${k}: ${v}`).join('') || ' {}';
  const servers = g.servers.map((s) => {
    const tls = s === 'none' ? '' : s === 'scalar' ? '\n    tls: simple' : `\n    tls:\n      mode: SIMPLE${Object.entries(s).map(([k, v]) => `\n      ${k}: ${v}`).join('')}`;
    return `\n  - port:\n      number: 443\n      name: https\n      protocol: HTTPS\n    hosts:\n    - "*"${tls}`;
  }).join('');
  return `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${g.name}\n  namespace: ${g.ns}\nspec:\n  selector:${sel}\n  servers:${servers}\n`;
}

test('IST0138 over random gateways: the same pairs, in the same order, as Istio\'s loop over every pair', () => {
  let reported = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const rnd = random(seed);
    const pick = <T>(xs: T[]) => xs[rnd(xs.length)];
    const gws: Gw[] = Array.from({ length: 1 + rnd(14) }, () => ({
      ns: pick(['a', 'b']), name: `gw${rnd(6)}`,
      selector: pick<Record<string, string>>([{}, { istio: 'ingressgateway' }, { istio: 'ingressgateway', app: 'x' }, { app: 'x' }]),
      servers: Array.from({ length: 1 + rnd(3) }, (): Tls => {
        const k = rnd(6);
        if (k === 0) return 'none';
        if (k === 1) return 'scalar';
        const t: Record<string, string> = {};
        if (rnd(2)) t.credentialName = pick(['c1', 'c2', '""']);
        if (rnd(2)) t.serverCertificate = pick(['/etc/cert.pem', '/etc/other.pem', '""']);
        if (rnd(2)) t.privateKey = pick(['/etc/key.pem', '/etc/k2.pem', '""']);
        return t;
      }),
    }));
    // Quoted empty strings in YAML are empty strings for the comparison too.
    const plain = gws.map((g) => ({ ...g, servers: g.servers.map((s) => (typeof s === 'object' ? Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === '""' ? '' : v])) : s)) }));
    const index = new MeshIndex({ defaultNamespace: 'default' });
    gws.forEach((g, i) => index.setFile(`gw${i}.yaml`, yaml(g)));
    const res = runMeshAnalysis(index, { only: new Set(['gateway.CertificateAnalyzer']) })!;
    const got = res.findings.filter((f) => f.finding.code === 'IST0138').map((f) => /\[(\S+) (\S+)\]/.exec(f.finding.message)!.slice(1).join(' ~ '));
    // Definitions of one gateway in several files are alternatives: compare with the ones the index keeps active.
    const active = new Set(index.active().map((r) => r.uri));
    const expected = literal(plain.filter((_, i) => active.has(`gw${i}.yaml`)));
    // The analysis reports gateways in the index's order and merges repeated findings (one per pair of gateways, where
    // Istio's loop reports each pair of servers): compare the pairs reported.
    assert.deepEqual([...new Set(got)].sort(), [...new Set(expected)].sort(), `seed ${seed}`);
    reported += got.length;
  }
  assert.ok(reported > 100, `the random gateways share certificates often enough (${reported} findings)`);
});
