// externalcontrolplane.ExternalControlPlaneAnalyzer: on a remote cluster, the webhooks reaching the external istiod have a
// usable hostname URL (IST0163 blank, IST0164 an IP address). No DNS lookups: this runs offline.
import { isIP } from 'node:net';
import type { AnalysisContext, MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, obj, str } from '../model';

const VALIDATING = ['istio-validator-external-istiod', 'istiod-default-validator'];
const MUTATING = ['istio-sidecar-injector-external-istiod'];

export const externalControlPlaneAnalyzer: MeshAnalyzer = {
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  analyze(ctx) {
    const remote = ctx.get(GK.ValidatingWebhookConfiguration, '', VALIDATING[0]) && ctx.get(GK.MutatingWebhookConfiguration, '', MUTATING[0]);
    if (!remote) return;
    check(ctx, GK.ValidatingWebhookConfiguration, VALIDATING);
    check(ctx, GK.MutatingWebhookConfiguration, MUTATING);
  },
};

/** As in Istio, the first problem found stops the check of that kind. */
function check(ctx: AnalysisContext, gk: string, names: string[]): void {
  for (const r of ctx.forEach(gk)) {
    if (!names.includes(r.name)) continue;
    const hooks = arr(r.obj.webhooks);
    for (let i = 0; i < hooks.length; i++) {
      const hook = obj(hooks[i]);
      const url = str(obj(hook.clientConfig).url);
      const at = ['webhooks', i, 'clientConfig', 'url'];
      if (url === '') {
        ctx.report('IST0163', r, at, ['', str(hook.name), 'is blank']);
        return;
      }
      let host = '';
      try {
        host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      } catch {
        ctx.report('IST0163', r, at, [url, str(hook.name), 'is not a valid URL']);
        return;
      }
      if (isIP(host)) {
        ctx.report('IST0164', r, at, [host, str(hook.name)]);
        return;
      }
    }
  }
}
