// virtualservice.DestinationRuleAnalyzer: a route's subset exists in a DestinationRule for its host (IST0101). A rule
// defined in several files (alternatives applied one at a time) has the subset when any of its definitions has it.
import { relatedAt, type MeshAnalyzer } from '../context';
import { appendToBlockSeq, fix } from '../fixes';
import { GK } from '../gvk';
import { clusterDomain, convertHostToFQDN, resourceNameFromHost } from '../hosts';
import { arr, fileName, fullName, obj, spec, str, type MeshResource } from '../model';
import { host, mirrorDestinations, routeDestinations, type AnnotatedDestination } from './vsutil';

export const destinationRuleAnalyzer: MeshAnalyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  analyze(ctx) {
    const domain = clusterDomain(ctx);
    const subsets = new Set<string>();
    const rulesByHost = new Map<string, MeshResource[]>();
    for (const r of ctx.forEach(GK.DestinationRule)) {
      const drHost = convertHostToFQDN(r.namespace, str(spec(r).host), domain);
      const n = resourceNameFromHost(r.namespace, drHost);
      rulesByHost.set(`${n.namespace}/${n.name}`, [...(rulesByHost.get(`${n.namespace}/${n.name}`) ?? []), r]);
      for (const ss of arr(spec(r).subsets)) subsets.add(`${n.namespace}/${n.name}+${str(obj(ss).name)}`);
    }
    for (const r of ctx.forEach(GK.VirtualService)) {
      const check = (d: AnnotatedDestination, label: string) => {
        const subset = str(d.destination.subset);
        if (subset === '') return;
        const n = resourceNameFromHost(r.namespace, host(d));
        if (subsets.has(`${n.namespace}/${n.name}+${subset}`)) return;
        const rules = rulesByHost.get(`${n.namespace}/${n.name}`) ?? [];
        const where = (dr: MeshResource) => (rules.length > 1 ? ` (${fileName(dr.uri)})` : '');
        ctx.report('IST0101', r, [...d.path, 'subset'], [`${label}+subset in destinationrule`, `${host(d)}+${subset}`],
          rules.map((dr) => relatedAt(dr, `DestinationRule ${fullName(dr)} has no subset "${subset}"`, ['spec', 'subsets'])),
          rules.flatMap((dr) => fix(`Add subset "${subset}" to DestinationRule ${fullName(dr)}${where(dr)}`, appendToBlockSeq(dr, ['spec', 'subsets'], [`name: ${subset}`, 'labels:', `  version: ${subset}`], dr.uri))));
      };
      for (const d of routeDestinations(r)) check(d, 'host');
      for (const d of mirrorDestinations(r)) check(d, 'mirror');
    }
  },
};
