// virtualservice.JWTClaimRouteAnalyzer: routing on "@request.auth.claims.*" at a gateway whose pods no
// RequestAuthentication applies to (IST0149).
import type { YamlPath, MeshAnalyzer } from '../context';
import { keyedIndex } from '../deps';
import { GK } from '../gvk';
import { shortOrFullName } from '../hosts';
import { arr, labels, obj, selectorMatches, spec, str, strMap, type MeshResource } from '../model';
import { gatewaySelector } from './gwutil';

const CLAIM_PREFIX = '@request.auth.claims.';

function claimKey(vs: MeshResource): { key: string; path: YamlPath } | undefined {
  const http = arr(spec(vs).http);
  for (let i = 0; i < http.length; i++) {
    const matches = arr(obj(http[i]).match);
    for (let j = 0; j < matches.length; j++) {
      for (const field of ['headers', 'withoutHeaders']) {
        const key = Object.keys(obj(obj(matches[j])[field])).find((k) => k.startsWith(CLAIM_PREFIX));
        if (key) return { key, path: ['spec', 'http', i, 'match', j, field, key] };
      }
    }
  }
  return undefined;
}

/** RequestAuthentications' selectors by namespace. */
const RA_SELECTORS = keyedIndex<Record<string, string>>('ra-selectors', [GK.RequestAuthentication], (ra) => [[ra.namespace, strMap(obj(spec(ra).selector).matchLabels)]]);

export const jwtClaimRouteAnalyzer: MeshAnalyzer = {
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  analyze(ctx) {
    for (const vs of ctx.subjects(GK.VirtualService)) {
      const claim = claimKey(vs);
      if (!claim) continue;
      for (const gwName of arr(spec(vs).gateways).map(str)) {
        if (gwName === 'mesh') continue;
        const n = shortOrFullName(vs.namespace, gwName);
        for (const gw of ctx.getAll(GK.Gateway, n.namespace, n.name)) {
          const sel = gatewaySelector(gw);
          for (const pod of ctx.selected(GK.Pod, sel)) {
            const selectors = [...ctx.lookup(RA_SELECTORS, 'istio-system'), ...ctx.lookup(RA_SELECTORS, pod.namespace)].map((e) => e.value);
            if (!selectors.some((s) => selectorMatches(s, labels(pod)))) {
              ctx.report('IST0149', vs, claim.path, [claim.key, `${n.namespace}/${n.name}`, pod.name]);
            }
          }
        }
      }
    }
  },
};
