// destinationrule.CaCertificateAnalyzer: TLS mode SIMPLE/MUTUAL without caCertificates (IST0128 destination level, IST0129 port level).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, fullName, num, obj, spec, str, type Obj } from '../model';

function needsCa(tls: Obj, hasSelector: boolean): boolean {
  const mode = str(tls.mode);
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return false;
  if (str(tls.caCertificates) !== '') return false;
  // A credentialName with a workloadSelector lets the gateway read the CA from the secret.
  return !(str(tls.credentialName) !== '' && hasSelector);
}

export const caCertificateAnalyzer: MeshAnalyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  analyze(ctx) {
    for (const r of ctx.subjects(GK.DestinationRule)) {
      const s = spec(r);
      const hasSelector = s.workloadSelector !== undefined && s.workloadSelector !== null;
      const tp = obj(s.trafficPolicy);
      const tls = obj(tp.tls);
      if (needsCa(tls, hasSelector)) {
        ctx.report('IST0128', r, ['spec', 'trafficPolicy', 'tls', 'mode'], [fullName(r), r.namespace, str(tls.mode), str(s.host)]);
      }
      arr(tp.portLevelSettings).forEach((p, i) => {
        const ptls = obj(obj(p).tls);
        if (!needsCa(ptls, hasSelector)) return;
        const port = num(obj(obj(p).port).number);
        ctx.report('IST0129', r, ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'],
          [fullName(r), r.namespace, str(ptls.mode), str(s.host), port === undefined ? '' : `number:${port}`]);
      });
    }
  },
};
