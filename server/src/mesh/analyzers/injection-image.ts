// injection.ImageAnalyzer: pods of injected namespaces whose istio-proxy image differs from the one the injector
// ConfigMap of the namespace's revision would inject (IST0158, reported once per namespace).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { identityOf } from '../index';
import { annotations, arr, labels, obj, str, type MeshResource } from '../model';
import { imageTypeOf } from '../proxyconfig';
import { injectorConfigMapName } from './injection';

/** GetIstioProxyImage: global.proxy.image when it holds a "/", else hub/image:tag, from the ConfigMap's `values` JSON. */
export function istioProxyImage(cm: MeshResource): string {
  let g: Record<string, unknown>;
  try {
    g = obj(obj(JSON.parse(str(obj(cm.obj.data).values))).global);
  } catch {
    return '';
  }
  const image = str(obj(g.proxy).image);
  return image.includes('/') ? image : `${str(g.hub)}/${image}:${str(g.tag)}`;
}

export const imageAnalyzer: MeshAnalyzer = {
  name: 'injection.ImageAnalyzer',
  analyze(ctx) {
    const proxyImages = new Map<string, string>();
    for (const cm of ctx.where(GK.ConfigMap, (c) => c.name.startsWith('istio-sidecar-injector'))) proxyImages.set(cm.name, istioProxyImage(cm));
    if (proxyImages.size === 0) return;
    const injected = new Map<string, { ns: MeshResource; revision: string }>();
    for (const ns of ctx.forEach(GK.Namespace)) {
      const l = labels(ns);
      if ('istio.io/rev' in l) injected.set(ns.name, { ns, revision: l['istio.io/rev'] });
      else if (l['istio-injection'] === 'enabled') injected.set(ns.name, { ns, revision: 'default' });
    }
    const mismatched = new Map<string, string[]>();
    const recorded = new Map<string, MeshResource>();
    for (const pod of ctx.forEach(GK.Pod)) {
      // Istio sees running pods only; a workload's template is not what runs.
      const target = pod.derived ? undefined : injected.get(pod.namespace);
      if (!target || annotations(pod)['sidecar.istio.io/proxyImage']) continue;
      const expected = proxyImages.get(injectorConfigMapName(target.revision));
      if (expected === undefined) continue;
      const variant = imageTypeOf(ctx, pod);
      const s = obj(pod.obj.spec);
      for (const c of [...arr(s.containers), ...arr(s.initContainers)].map(obj)) {
        if (str(c.name) !== 'istio-proxy') continue;
        const image = str(c.image);
        if (image === expected || image === `${expected}-${variant}`) continue;
        // A pod defined in several files (alternatives) is one pod: named once.
        if ((recorded.get(identityOf(pod)) ?? pod) !== pod) continue;
        recorded.set(identityOf(pod), pod);
        mismatched.set(pod.namespace, [...(mismatched.get(pod.namespace) ?? []), pod.name]);
      }
    }
    for (const [ns, pods] of mismatched) ctx.report('IST0158', injected.get(ns)!.ns, ['metadata', 'name'], [pods]);
  },
};
