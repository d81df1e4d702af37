// k8sgateway.SelectorAnalyzer: a policy selecting the pods of a Kubernetes Gateway by label has no effect there; it
// needs targetRef (IST0166).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, labels, obj, spec, strMap } from '../model';

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const POLICIES = [GK.RequestAuthentication, GK.AuthorizationPolicy, GK.WasmPlugin, GK.Telemetry];

export const k8sGatewaySelectorAnalyzer: MeshAnalyzer = {
  name: 'k8sgateway.SelectorAnalyzer',
  analyze(ctx) {
    for (const gk of POLICIES) {
      for (const r of ctx.subjects(gk)) {
        const s = spec(r);
        const sel = strMap(obj(s.selector).matchLabels);
        if (Object.keys(sel).length === 0 || s.targetRef || arr(s.targetRefs).length) continue;
        const pod = ctx.selected(GK.Pod, sel, r.namespace).find((p) => GATEWAY_NAME_LABEL in labels(p));
        if (pod) ctx.report('IST0166', r, ['spec', 'selector'], [labels(pod)[GATEWAY_NAME_LABEL]]);
      }
    }
  },
};
