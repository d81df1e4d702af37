// auth.AuthorizationPoliciesAnalyzer: AuthorizationPolicies that select no in-mesh workload (IST0127) and rules naming
// namespaces that do not exist (IST0101).
import type { AnalysisContext, MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { annotations, arr, labels, obj, selectorMatches, spec, str, strMap, type MeshResource } from '../model';
import { selectorString } from './gwutil';

/** util.PodInMesh: an istio-proxy container; else the pod's inject label/annotation; else its namespace's injection label. */
function podInMesh(ctx: AnalysisContext, pod: MeshResource): boolean {
  if (arr(obj(pod.obj.spec).containers).some((c) => str(obj(c).name) === 'istio-proxy')) return true;
  const inject = labels(pod)['sidecar.istio.io/inject'] ?? annotations(pod)['sidecar.istio.io/inject'];
  if (inject !== undefined) return inject === 'true';
  const defs = ctx.getAll(GK.Namespace, '', pod.namespace);
  // A workload's pod template in a workspace whose namespace is defined elsewhere (the cluster): its injection is unknown,
  // and assuming it out of the mesh would report every policy selecting it.
  if (!defs.length) return !!pod.derived;
  // A namespace defined in several files (alternatives): in the mesh when any definition injects.
  return defs.some((ns) => {
    const l = labels(ns);
    if (l['istio-injection'] !== undefined) return l['istio-injection'] === 'enabled';
    return 'istio.io/rev' in l;
  });
}

/** util.PodInAmbientMode: redirection enabled by the ambient CNI. */
function podInAmbient(pod: MeshResource): boolean {
  return annotations(pod)['ambient.istio.io/redirection'] === 'enabled';
}

function namespaceMatch(ns: string, exp: string): boolean {
  if (exp === '*') return true;
  if (exp.startsWith('*')) return ns.endsWith(exp.slice(1));
  if (exp.endsWith('*')) return ns.startsWith(exp.slice(0, -1));
  return ns.toLowerCase() === exp.toLowerCase();
}

export const authorizationPoliciesAnalyzer: MeshAnalyzer = {
  name: 'auth.AuthorizationPoliciesAnalyzer',
  analyze(ctx) {
    const podLabels = new Map<string, Record<string, string>[]>();
    for (const pod of ctx.forEach(GK.Pod)) {
      if (!podLabels.has(pod.namespace)) podLabels.set(pod.namespace, []);
      if (podInMesh(ctx, pod) || podInAmbient(pod)) podLabels.get(pod.namespace)!.push(labels(pod));
    }
    const root = str(ctx.mesh.rootNamespace) || 'istio-system';
    const namespaces = ctx.forEach(GK.Namespace).map((n) => n.name);
    for (const ap of ctx.forEach(GK.AuthorizationPolicy)) {
      const s = spec(ap);
      const hasSelector = s.selector !== undefined && s.selector !== null;
      const sel = strMap(obj(s.selector).matchLabels);
      const matchesIn = (list: Record<string, string>[] | undefined) => (list ?? []).some((l) => selectorMatches(sel, l));
      if (ap.namespace === root) {
        if (hasSelector && ![...podLabels.values()].some(matchesIn)) ctx.report('IST0127', ap, ['spec', 'selector'], [selectorString(sel)]);
      } else if (!hasSelector) {
        if (!podLabels.get(ap.namespace)?.length) ctx.report('IST0127', ap, ['metadata', 'name'], ['']);
      } else if (!matchesIn(podLabels.get(ap.namespace))) {
        ctx.report('IST0127', ap, ['spec', 'selector'], [selectorString(sel)]);
      }
      arr(s.rules).forEach((rule, i) => {
        arr(obj(rule).from).forEach((from, j) => {
          const src = obj(obj(from).source);
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            arr(src[field]).map(str).forEach((ns, k) => {
              if (!namespaces.some((n) => namespaceMatch(n, ns))) {
                ctx.report('IST0101', ap, ['spec', 'rules', i, 'from', j, 'source', field, k], ['namespace', ns]);
              }
            });
          }
        });
      });
    }
  },
};
