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
    for (const cur of gws) {
      const sel = gatewaySelector(cur);
      for (const other of gws) {
        if (other === cur || fullName(other) === fullName(cur)) continue;
        if (Object.keys(sel).length && !selectorSubset(sel, gatewaySelector(other))) continue;
        for (const cs of arr(spec(cur).servers)) {
          for (const os of arr(spec(other).servers)) {
            const a = obj(cs).tls;
            const b = obj(os).tls;
            if (!a || !b || typeof a !== 'object' || typeof b !== 'object') continue;
            if (sameCertificate(obj(a), obj(b))) {
              ctx.report('IST0138', cur, ['metadata', 'name'], [[fullName(cur), fullName(other)]], [relatedAt(other, `Gateway ${fullName(other)} uses the same certificate`)]);
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
