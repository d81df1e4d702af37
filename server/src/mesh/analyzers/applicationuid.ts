// applicationUID.Analyzer: workloads must not run as UID 1337, which is reserved for the sidecar proxy (IST0144).
import type { MeshAnalyzer, YamlPath } from '../context';
import { GK } from '../gvk';
import { arr, num, obj, str, type MeshResource, type Obj } from '../model';

const UID = 1337;

export const applicationUIDAnalyzer: MeshAnalyzer = {
  name: 'applicationUID.Analyzer',
  analyze(ctx) {
    const check = (r: MeshResource, podSpec: Obj, base: YamlPath) => {
      if (num(obj(podSpec.securityContext).runAsUser) === UID) {
        ctx.report('IST0144', r, [...base, 'securityContext', 'runAsUser'], []);
        return;
      }
      const containers = arr(podSpec.containers);
      for (let i = 0; i < containers.length; i++) {
        const c = obj(containers[i]);
        if (str(c.name) === 'istio-proxy') continue;
        if (num(obj(c.securityContext).runAsUser) === UID) {
          ctx.report('IST0144', r, [...base, 'containers', i, 'securityContext', 'runAsUser'], []);
          return;
        }
      }
    };
    for (const r of ctx.subjects(GK.Pod)) check(r, obj(r.obj.spec), ['spec']);
    for (const r of ctx.subjects(GK.Deployment)) check(r, obj(obj(obj(r.obj.spec).template).spec), ['spec', 'template', 'spec']);
  },
};
