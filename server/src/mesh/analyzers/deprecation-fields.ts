// deprecation.DeprecationAnalyzer: deprecated Istio fields (VirtualService fault.delay.percent, Sidecar
// outboundTrafficPolicy.egressProxy) and CRDs of removed Istio types (IST0002).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, num, obj, spec, str } from '../model';

/** Istio CRDs removed from its charts (rbac.istio.io). */
const REMOVED_CRDS = new Set(['ClusterRbacConfig', 'RbacConfig', 'ServiceRole', 'ServiceRoleBinding'].map((k) => `rbac.istio.io/${k}`));

export const deprecationAnalyzer: MeshAnalyzer = {
  name: 'deprecation.DeprecationAnalyzer',
  analyze(ctx) {
    for (const vs of ctx.subjects(GK.VirtualService)) {
      arr(spec(vs).http).forEach((route, i) => {
        const delay = obj(obj(obj(route).fault).delay);
        if ((num(delay.percent) ?? 0) > 0) {
          ctx.report('IST0002', vs, ['spec', 'http', i, 'fault', 'delay', 'percent'], ['HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage']);
        }
      });
    }
    for (const sc of ctx.subjects(GK.Sidecar)) {
      const policy = spec(sc).outboundTrafficPolicy;
      if (policy && typeof policy === 'object' && obj(policy).egressProxy !== undefined && obj(policy).egressProxy !== null) {
        ctx.report('IST0002', sc, ['spec', 'outboundTrafficPolicy', 'egressProxy'], ['OutboundTrafficPolicy.EgressProxy ignored']);
      }
    }
    for (const crd of ctx.subjects('apiextensions.k8s.io/CustomResourceDefinition')) {
      const s = spec(crd);
      const group = str(s.group);
      const kind = str(obj(s.names).kind);
      if (REMOVED_CRDS.has(`${group}/${kind}`)) ctx.report('IST0002', crd, ['spec', 'names', 'kind'], [`Custom resource type ${group} ${kind} is removed`]);
    }
  },
};
