// gateway.SecretAnalyzer: a server's tls.credentialName names a Secret in the gateway workload's namespace (IST0101).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { shortOrFullName } from '../hosts';
import { arr, obj, spec, str } from '../model';
import { gatewaySelector, selectorKey, selectorPath, selectorString } from './gwutil';

export const secretAnalyzer: MeshAnalyzer = {
  name: 'gateway.SecretAnalyzer',
  analyze(ctx) {
    for (const gw of ctx.subjects(GK.Gateway)) {
      const sel = gatewaySelector(gw);
      const pod = ctx.memo(`SecretAnalyzer|${selectorKey(sel)}`, () => ctx.selected(GK.Pod, sel)[0]);
      if (!pod || pod.namespace === '') {
        ctx.report('IST0101', gw, selectorPath(sel), ['selector', selectorString(sel)]);
        continue;
      }
      arr(spec(gw).servers).forEach((srv, i) => {
        const cn = str(obj(obj(srv).tls).credentialName);
        if (cn === '') return;
        const n = shortOrFullName(pod.namespace, cn);
        if (!ctx.get(GK.Secret, n.namespace, n.name)) ctx.report('IST0101', gw, ['spec', 'servers', i, 'tls', 'credentialName'], ['credentialName', cn]);
      });
    }
  },
};
