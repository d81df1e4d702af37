// The effective ProxyConfig of a workload, as Istio's analyzers resolve it (analyzers/util EffectiveProxyConfigResolver):
// mesh config defaultConfig, then the root namespace's ProxyConfig, the workload namespace's selector-less one, a
// ProxyConfig whose selector matches the workload, and the proxy.istio.io/config annotation, each overriding the last.
import { parse } from 'yaml';
import type { AnalysisContext } from './context';
import { GK } from './gvk';
import { annotations, labels, obj, selectorMatches, spec, str, strMap, type MeshResource } from './model';

/** The proxy image variant ("default", "distroless", ...) a workload's sidecar is injected with. */
export function imageTypeOf(ctx: AnalysisContext, workload: MeshResource): string {
  let variant = str(obj(obj(obj(ctx.mesh.defaultConfig).image)).imageType) || 'default';
  const root = str(ctx.mesh.rootNamespace) || 'istio-system';
  const pick = (r: MeshResource | undefined) => {
    const t = r ? str(obj(spec(r).image).imageType) : '';
    if (t) variant = t;
  };
  const configs = ctx.forEach(GK.ProxyConfig);
  const hasSelector = (r: MeshResource) => Object.keys(strMap(obj(spec(r).selector).matchLabels)).length > 0;
  pick(configs.find((r) => r.namespace === root && !hasSelector(r)));
  if (workload.namespace !== root) pick(configs.find((r) => r.namespace === workload.namespace && !hasSelector(r)));
  pick(configs.find((r) => r.namespace === workload.namespace && hasSelector(r) && selectorMatches(strMap(obj(spec(r).selector).matchLabels), labels(workload))));
  const anno = annotations(workload)['proxy.istio.io/config'];
  if (anno) {
    try {
      const t = str(obj(obj(parse(anno)).image).imageType);
      if (t) variant = t;
    } catch {
      // An unparsable annotation is the annotations analyzers' business.
    }
  }
  return variant;
}
