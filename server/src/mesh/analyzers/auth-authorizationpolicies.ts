// auth.AuthorizationPoliciesAnalyzer: AuthorizationPolicies that select no in-mesh workload (IST0127) and rules naming
// namespaces that do not exist (IST0101).
import type { AnalysisContext, MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { annotations, arr, labels, obj, spec, str, strMap, type MeshResource } from '../model';
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
    const root = str(ctx.mesh.rootNamespace) || 'istio-system';
    const reached = (pod: MeshResource) => podInMesh(ctx, pod) || podInAmbient(pod);
    for (const ap of ctx.subjects(GK.AuthorizationPolicy)) {
      const s = spec(ap);
      const hasSelector = s.selector !== undefined && s.selector !== null;
      const sel = strMap(obj(s.selector).matchLabels);
      // The mesh pods the selector selects: of every namespace for a policy of the root namespace.
      const selects = () => ctx.selected(GK.Pod, sel, ap.namespace === root ? undefined : ap.namespace).some(reached);
      if (ap.namespace === root) {
        if (hasSelector && !selects()) ctx.report('IST0127', ap, ['spec', 'selector'], [selectorString(sel)]);
      } else if (!hasSelector) {
        if (!ctx.inNamespace(GK.Pod, ap.namespace).some(reached)) ctx.report('IST0127', ap, ['metadata', 'name'], ['']);
      } else if (!selects()) {
        ctx.report('IST0127', ap, ['spec', 'selector'], [selectorString(sel)]);
      }
      arr(s.rules).forEach((rule, i) => {
        arr(obj(rule).from).forEach((from, j) => {
          const src = obj(obj(from).source);
          for (const field of ['namespaces', 'notNamespaces'] as const) {
            arr(src[field]).map(str).forEach((ns, k) => {
              const namespaces = ctx.memo('AuthorizationPolicies|namespaces', () => ctx.forEach(GK.Namespace).map((n) => n.name));
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
