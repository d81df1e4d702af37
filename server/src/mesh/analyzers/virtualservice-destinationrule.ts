// virtualservice.DestinationRuleAnalyzer: a route's subset exists in a DestinationRule for its host (IST0101). A rule
// defined in several files (alternatives applied one at a time) has the subset when any of its definitions has it.
import { relatedAt, type MeshAnalyzer } from '../context';
import { appendToBlockSeq, fix } from '../fixes';
import { GK } from '../gvk';
import { keyedIndex } from '../deps';
import { convertHostToFQDN, resourceNameFromHost } from '../hosts';
import { arr, fileName, fullName, obj, spec, str, type MeshResource } from '../model';
import { host, mirrorDestinations, routeDestinations, type AnnotatedDestination } from './vsutil';

/** DestinationRules under the namespace/name of their host, with their subsets' names. */
const RULES_BY_HOST = keyedIndex<string[]>('dr-hosts', [GK.DestinationRule], (r, mesh) => {
  const drHost = convertHostToFQDN(r.namespace, str(spec(r).host), str(mesh.clusterDomain) || 'cluster.local');
  const n = resourceNameFromHost(r.namespace, drHost);
  return [[`${n.namespace}/${n.name}`, arr(spec(r).subsets).map((ss) => str(obj(ss).name))]];
});

export const destinationRuleAnalyzer: MeshAnalyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  analyze(ctx) {
    for (const r of ctx.subjects(GK.VirtualService)) {
      const check = (d: AnnotatedDestination, label: string) => {
        const subset = str(d.destination.subset);
        if (subset === '') return;
        const n = resourceNameFromHost(r.namespace, host(d));
        const entries = ctx.lookup(RULES_BY_HOST, `${n.namespace}/${n.name}`);
        if (entries.some((e) => e.value.includes(subset))) return;
        const rules = entries.map((e) => e.r);
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
