// authn.BlockedCIDRsAnalyzer: RequestAuthentications exist but istiod (a Deployment labelled app=istiod) does not set
// BLOCKED_CIDRS_IN_JWKS_URIS, so JWKS URIs may be fetched from any network (IST0175).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { sameResource } from '../index';
import { arr, fullName, labels, obj, str } from '../model';

const MAX_DISPLAY = 5;

function formatNames(names: string[]): string {
  return names.length <= MAX_DISPLAY ? names.join(', ') : `${names.slice(0, MAX_DISPLAY).join(', ')}, and ${names.length - MAX_DISPLAY} more`;
}

export const blockedCIDRsAnalyzer: MeshAnalyzer = {
  name: 'authn.BlockedCIDRsAnalyzer',
  analyze(ctx) {
    // One name per RequestAuthentication, however many files define it.
    const ras = ctx.forEach(GK.RequestAuthentication).filter((r, i, all) => all.findIndex((o) => sameResource(o, r)) === i).map(fullName);
    if (!ras.length) return;
    for (const d of ctx.where(GK.Deployment, (x) => labels(x).app === 'istiod')) {
      const containers = arr(obj(obj(obj(d.obj.spec).template).spec).containers).map(obj);
      const set = containers.some((c) => arr(c.env).map(obj).some((e) => str(e.name) === 'BLOCKED_CIDRS_IN_JWKS_URIS' && str(e.value) !== ''));
      if (!set) ctx.report('IST0175', d, ['spec', 'template', 'spec', 'containers'], [ras.length, formatNames(ras)]);
    }
  },
};
