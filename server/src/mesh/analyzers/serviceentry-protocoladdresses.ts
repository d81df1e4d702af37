// serviceentry.Analyzer: a TCP (or protocol-less) ServiceEntry port needs addresses unless DNS auto-allocation gives them (IST0134).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, obj, spec, str, strMap } from '../model';

export const serviceEntryAnalyzer: MeshAnalyzer = {
  name: 'serviceentry.Analyzer',
  analyze(ctx) {
    const meta = strMap(obj(obj(ctx.mesh.defaultConfig).proxyMetadata));
    const autoAllocated = meta.ISTIO_META_DNS_CAPTURE === 'true' && meta.ISTIO_META_DNS_AUTO_ALLOCATE === 'true';
    for (const r of ctx.subjects(GK.ServiceEntry)) {
      const s = spec(r);
      if (autoAllocated || arr(s.addresses).length > 0) continue;
      // Addresses allocated by Istio (status.addresses) count as addresses.
      if (arr(obj(r.obj.status).addresses).length > 0) continue;
      arr(s.ports).forEach((p, i) => {
        const proto = str(obj(p).protocol).toUpperCase();
        if (proto === '' || proto === 'TCP') ctx.report('IST0134', r, ['spec', 'ports', i], []);
      });
    }
  },
};
