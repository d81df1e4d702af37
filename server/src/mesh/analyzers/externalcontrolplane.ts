// externalcontrolplane.ExternalControlPlaneAnalyzer: Istio's webhook configurations (istiod-default-validator, istio-validator*,
// istio-sidecar-injector*) that reach an external istiod by URL use a usable hostname (IST0163 blank or unusable, IST0164 an
// IP address). No DNS lookups: this runs offline, so only a URL without a hostname counts as unresolvable.
import { isIP } from 'node:net';
import type { AnalysisContext, MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, obj, str, type MeshResource } from '../model';

const DEFAULT_VALIDATOR = 'istiod-default-validator';
const VALIDATOR_PREFIX = 'istio-validator';
const INJECTOR_PREFIX = 'istio-sidecar-injector';

export const externalControlPlaneAnalyzer: MeshAnalyzer = {
  name: 'externalcontrolplane.ExternalControlPlaneAnalyzer',
  analyze(ctx) {
    // As in Istio (revision and namespace suffixes included): every webhook of these configurations is checked.
    for (const r of ctx.forEach(GK.ValidatingWebhookConfiguration)) {
      if (r.name !== '' && (r.name === DEFAULT_VALIDATOR || r.name.startsWith(VALIDATOR_PREFIX))) checkHooks(ctx, r);
    }
    for (const r of ctx.forEach(GK.MutatingWebhookConfiguration)) {
      if (r.name.startsWith(INJECTOR_PREFIX)) checkHooks(ctx, r);
    }
  },
};

function checkHooks(ctx: AnalysisContext, r: MeshResource): void {
  arr(r.obj.webhooks).forEach((h, i) => {
    if (!h || typeof h !== 'object') return; // not a webhook (Istio would not decode the configuration at all)
    const hook = obj(h);
    const name = str(hook.name);
    const clientConfig = obj(hook.clientConfig);
    const url = clientConfig.url;
    if (typeof url !== 'string') {
      // No URL and no in-cluster service: the webhook reaches nothing.
      const at = 'url' in clientConfig ? ['webhooks', i, 'clientConfig', 'url'] : hook.clientConfig ? ['webhooks', i, 'clientConfig'] : ['webhooks', i];
      if (clientConfig.service == null) ctx.report('IST0163', r, at, ['', name, 'is blank']);
      return;
    }
    const at = ['webhooks', i, 'clientConfig', 'url'];
    const problem = lintURL(url);
    if (problem === 'ip') ctx.report('IST0164', r, at, [url, name]);
    else if (problem) ctx.report('IST0163', r, at, [url, name, problem]);
  });
}

/** Istio's lintWebhookURL without the DNS lookup: 'ip' for an IP address host, a reason for an unusable URL, '' when fine. */
function lintURL(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    // Go's url.Parse accepts most strings (a bare path has no host, and an empty host cannot be looked up).
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? 'was provided in an invalid format' : 'cannot be resolved via a DNS lookup';
  }
  if (isIP(host)) return 'ip';
  return host === '' ? 'cannot be resolved via a DNS lookup' : '';
}
