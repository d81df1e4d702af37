// virtualservice.ConflictingMeshGatewayHostsAnalyzer: VirtualServices bound to the mesh gateway define the same host (IST0109).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { clusterDomain, convertHostToFQDN, EXPORT_ALL, EXPORT_LOCAL, hostMatches } from '../hosts';
import { sameResource } from '../index';
import { arr, fullName, spec, str, type MeshResource } from '../model';

export const conflictingMeshGatewayHostsAnalyzer: MeshAnalyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  analyze(ctx) {
    const domain = clusterDomain(ctx);
    const byHost = new Map<string, MeshResource[]>();
    for (const r of ctx.forEach(GK.VirtualService)) {
      const gateways = arr(spec(r).gateways).map(str);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      const exportTo = arr(spec(r).exportTo).map(str);
      const scopes = exportTo.length === 0 || exportTo.includes(EXPORT_ALL)
        ? [EXPORT_ALL]
        : [...new Set(exportTo.map((e) => (e === EXPORT_LOCAL ? r.namespace : e)))];
      for (const scope of scopes) {
        for (const h of arr(spec(r).hosts).map(str)) {
          const key = `${scope}/${convertHostToFQDN(r.namespace, h, domain)}`;
          byHost.set(key, [...(byHost.get(key) ?? []), r]);
        }
      }
    }
    const reported = new Set<MeshResource>();
    for (const [scoped, own] of byHost) {
      const [scope, fqdn] = [scoped.slice(0, scoped.indexOf('/')), scoped.slice(scoped.indexOf('/') + 1)];
      const list = [...own];
      if (scope !== EXPORT_ALL) {
        for (const [sf, rs] of byHost) {
          const i = sf.indexOf('/');
          if (sf.slice(0, i) === EXPORT_ALL && hostMatches(fqdn, sf.slice(i + 1))) list.push(...rs);
        }
      }
      // Definitions of one VirtualService in several files are alternatives, applied one at a time: never a conflict.
      const distinct = list.filter((r, i) => list.findIndex((o) => sameResource(o, r)) === i);
      if (distinct.length < 2) continue;
      const names = distinct.map(fullName).join(',');
      for (const r of list) {
        if (reported.has(r)) continue;
        reported.add(r);
        const others = list.filter((o) => !sameResource(o, r)).map((o) => relatedAt(o, `VirtualService ${fullName(o)} also defines ${fqdn}`, ['spec', 'hosts']));
        ctx.report('IST0109', r, ['spec', 'hosts'], [names, scoped], others);
      }
    }
  },
};
