// conditions.ConditionAnalyzer: negative status conditions that Istio wrote on Services, ServiceEntries,
// AuthorizationPolicies and Gateway API resources (IST0171): status False, or a True condition whose reason is
// PartiallyInvalid. Conditions owned by other controllers (a type in another domain, e.g. argocd.argoproj.io/Synced)
// are not Istio's to report.
import type { MeshAnalyzer, YamlPath } from '../context';
import { GK } from '../gvk';
import { arr, obj, str, type Obj } from '../model';

function istioOwned(type: string): boolean {
  const i = type.indexOf('/');
  return i < 0 || type.slice(0, i).endsWith('istio.io');
}

function negative(c: Obj): boolean {
  return str(c.status) === 'False' || (str(c.status) === 'True' && str(c.reason) === 'PartiallyInvalid');
}

export const conditionAnalyzer: MeshAnalyzer = {
  name: 'conditions.ConditionAnalyzer',
  analyze(ctx) {
    for (const gk of [GK.Service, GK.ServiceEntry, GK.AuthorizationPolicy, GK.K8sGateway, GK.HTTPRoute, GK.GRPCRoute]) {
      for (const r of ctx.subjects(gk)) {
        const status = obj(r.obj.status);
        const lists: { conditions: unknown[]; path: YamlPath }[] = [{ conditions: arr(status.conditions), path: ['status', 'conditions'] }];
        arr(status.parents).forEach((p, i) => lists.push({ conditions: arr(obj(p).conditions), path: ['status', 'parents', i, 'conditions'] }));
        for (const { conditions, path } of lists) {
          conditions.map(obj).forEach((c, i) => {
            if (istioOwned(str(c.type)) && negative(c)) ctx.report('IST0171', r, [...path, i], [str(c.type), str(c.reason), str(c.message)]);
          });
        }
      }
    }
  },
};
