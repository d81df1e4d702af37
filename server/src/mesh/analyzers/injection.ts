// injection.Analyzer: namespaces without an injection label (IST0102, or IST0148 when enabled by default), with both
// labels (IST0123), and pods of injected namespaces without the istio-proxy container (IST0103).
import type { MeshAnalyzer } from '../context';
import { addToBlockMap, fix } from '../fixes';
import { GK } from '../gvk';
import { annotations, arr, fullName, labels, obj, str } from '../model';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'istio-system']);
const REV_LABEL = 'istio.io/rev';

export function injectorConfigMapName(revision: string): string {
  return revision === '' || revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
}

function enabledByDefault(values: string): boolean {
  try {
    return obj(obj(JSON.parse(values)).sidecarInjectorWebhook).enableNamespacesByDefault === true;
  } catch {
    return false;
  }
}

export const injectionAnalyzer: MeshAnalyzer = {
  name: 'injection.Analyzer',
  analyze(ctx) {
    const injected = new Set<string>();
    // Namespaces with a definition that does not inject: one defined in several files (alternatives) injects its pods
    // only when every definition does.
    const outside = new Set<string>();
    let byDefault = false;
    for (const ns of ctx.forEach(GK.Namespace)) {
      if (SYSTEM_NAMESPACES.has(ns.name)) continue;
      const l = labels(ns);
      const legacy = l['istio-injection'] ?? '';
      const hasRev = REV_LABEL in l;
      const cmName = injectorConfigMapName(l[REV_LABEL] ?? '');
      const cm = ctx.find(GK.ConfigMap, (c) => c.name === cmName);
      if (cm) byDefault = enabledByDefault(str(obj(cm.obj.data).values));
      const ambient = l['istio.io/dataplane-mode'] === 'ambient';
      // Injection modes in use; "istio-injection: disabled" is a deliberate opt-out, not a mode.
      const modes = [legacy !== '' && legacy !== 'disabled', hasRev, ambient].filter(Boolean).length;
      if (legacy === '' && !hasRev && !ambient) {
        outside.add(ns.name);
        if (byDefault) ctx.report('IST0148', ns, ['metadata', 'name'], []);
        else ctx.report('IST0102', ns, ['metadata', 'name'], [ns.name, ns.name], [], fix('Enable sidecar injection: add label istio-injection: enabled', addToBlockMap(ns, ['metadata', 'labels'], 'istio-injection', 'enabled')));
        continue;
      }
      if (modes > 1) {
        outside.add(ns.name);
        ctx.report('IST0123', ns, ['metadata', 'labels'], [Object.keys(l).filter((k) => k === 'istio-injection' || k === REV_LABEL || k === 'istio.io/dataplane-mode'), ns.name]);
        continue;
      }
      if (ambient || (!hasRev && legacy !== 'enabled')) {
        outside.add(ns.name);
        continue;
      }
      injected.add(ns.name);
    }
    for (const pod of ctx.subjects(GK.Pod)) {
      if (pod.derived || !injected.has(pod.namespace) || outside.has(pod.namespace)) continue;
      const inj = labels(pod)['sidecar.istio.io/inject'] ?? annotations(pod)['sidecar.istio.io/inject'] ?? '';
      if (inj.toLowerCase() === 'false') continue;
      const spec = obj(pod.obj.spec);
      if (spec.hostNetwork === true) continue;
      const proxy = arr(spec.containers).map(obj).find((c) => str(c.name) === 'istio-proxy');
      if (!proxy || str(proxy.image) === '') ctx.report('IST0103', pod, ['spec', 'containers'], [fullName(pod)]);
    }
  },
};
