// gateway.CertificateAnalyzer: two gateways for the same workloads use the same certificate (IST0138).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, fullName, obj, spec, str, type Obj } from '../model';
import { gatewaySelector } from './gwutil';

export const certificateAnalyzer: MeshAnalyzer = {
  name: 'gateway.CertificateAnalyzer',
  analyze(ctx) {
    // Only gateways with a TLS server can share a certificate.
    const gws = ctx.forEach(GK.Gateway).filter((g) => arr(spec(g).servers).some((s) => isTls(obj(s).tls)));
    // Istio compares every pair of gateways; only pairs with a certificate in common can report, so each gateway is
    // compared with those (in the same order as Istio's loop), not with all of them.
    const names = gws.map(fullName);
    const sels = gws.map(gatewaySelector);
    const certs = gws.map((g) => new Set(arr(spec(g).servers).flatMap((s) => certificateKey(obj(s).tls) ?? [])));
    const byCert = new Map<string, number[]>();
    certs.forEach((keys, i) => keys.forEach((k) => (byCert.get(k) ?? byCert.set(k, []).get(k)!).push(i)));
    for (let i = 0; i < gws.length; i++) {
      const cur = gws[i];
      const sel = sels[i];
      const others = new Set<number>();
      for (const k of certs[i]) for (const j of byCert.get(k)!) others.add(j);
      for (const j of [...others].sort((a, b) => a - b)) {
        const other = gws[j];
        if (other === cur || names[j] === names[i]) continue;
        if (Object.keys(sel).length && !selectorSubset(sel, sels[j])) continue;
        for (const cs of arr(spec(cur).servers)) {
          for (const os of arr(spec(other).servers)) {
            const a = obj(cs).tls;
            const b = obj(os).tls;
            if (!a || !b || typeof a !== 'object' || typeof b !== 'object') continue;
            if (sameCertificate(obj(a), obj(b))) {
              ctx.report('IST0138', cur, ['metadata', 'name'], [[names[i], names[j]]], [relatedAt(other, `Gateway ${names[j]} uses the same certificate`)]);
            }
          }
        }
      }
    }
  },
};

function isTls(v: unknown): boolean {
  return !!v && typeof v === 'object';
}

function selectorSubset(x: Record<string, string>, y: Record<string, string>): boolean {
  let count = 0;
  for (const [k, v] of Object.entries(x)) {
    if (k in y) {
      if (y[k] !== v) return false;
      count++;
    }
  }
  return count === Object.keys(x).length;
}

/**
 * What sameCertificate compares, as one key: two TLS settings are the same certificate exactly when both have a key and
 * the keys are equal. Undefined when the settings name no certificate that can match another.
 */
function certificateKey(tls: unknown): string | undefined {
  if (!tls || typeof tls !== 'object') return undefined;
  const t = obj(tls);
  const credential = str(t.credentialName);
  if (credential) return `credential:${credential}`;
  const cert = str(t.serverCertificate);
  const key = str(t.privateKey);
  return cert && key ? `files:${JSON.stringify([cert, key])}` : undefined;
}

function sameCertificate(a: Obj, b: Obj): boolean {
  const [ca, cb] = [str(a.credentialName), str(b.credentialName)];
  if (ca && cb) return ca === cb;
  if (!ca && !cb) {
    const [sa, sb] = [str(a.serverCertificate), str(b.serverCertificate)];
    if (sa && sb && sa === sb) {
      const [pa, pb] = [str(a.privateKey), str(b.privateKey)];
      return pa !== '' && pb !== '' && pa === pb;
    }
  }
  return false;
}
