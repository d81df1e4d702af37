// annotations.AlphaAnalyzer: Istio annotations of alpha-phase features on Namespaces, Services, Pods and Deployments
// (IST0136). Opt-in, as in istioctl (not in its default set: annotations set by default make it noisy).
import { ANNOTATIONS } from '../../annotations/data.gen';
import { ALWAYS_IGNORED, isIstioKey } from '../../annotations/analyzer';
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { annotations, arr, obj, str, type MeshResource } from '../model';

const ALPHA = new Set(ANNOTATIONS.filter((a) => a.featureStatus === 'Alpha').map((a) => a.name));
/** Set by istiod by default on CNI pods: not reported there. */
const IGNORED_WITH_CNI = new Set([
  'sidecar.istio.io/interceptionMode', 'traffic.sidecar.istio.io/includeInboundPorts', 'traffic.sidecar.istio.io/excludeInboundPorts',
  'traffic.sidecar.istio.io/includeOutboundIPRanges',
]);

function cniEnabled(pod: MeshResource): boolean {
  return !arr(obj(pod.obj.spec).initContainers).some((c) => str(obj(c).name) === 'istio-init');
}

export const alphaAnalyzer: MeshAnalyzer = {
  name: 'annotations.AlphaAnalyzer',
  optIn: true,
  analyze(ctx) {
    for (const gk of [GK.Namespace, GK.Service, GK.Pod, GK.Deployment]) {
      for (const r of ctx.subjects(gk)) {
        if (r.derived) continue;
        const skipDefault = gk === GK.Pod && cniEnabled(r);
        for (const ann of Object.keys(annotations(r))) {
          // Set by istiod, the gateway controller or the injector, never by users (Istio's AlwaysIgnoredAnnotations).
          if (!isIstioKey(ann) || !ALPHA.has(ann) || ALWAYS_IGNORED.has(ann)) continue;
          if (skipDefault && IGNORED_WITH_CNI.has(ann)) continue;
          ctx.report('IST0136', r, ['metadata', 'annotations', ann], [ann]);
        }
      }
    }
  },
};
