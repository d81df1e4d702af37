// telemetry.DefaultSelectorAnalyzer: more than one Telemetry in a namespace without selector or targetRef(s) (IST0160).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, fullName, obj, spec, strMap, type MeshResource } from '../model';

export const telemetryDefaultSelectorAnalyzer: MeshAnalyzer = {
  name: 'telemetry.DefaultSelectorAnalyzer',
  analyze(ctx) {
    const byNs = new Map<string, MeshResource[]>();
    for (const r of ctx.forEach(GK.Telemetry)) {
      const s = spec(r);
      if (Object.keys(strMap(obj(s.selector).matchLabels)).length || s.targetRef || arr(s.targetRefs).length) continue;
      byNs.set(r.namespace, [...(byNs.get(r.namespace) ?? []), r]);
    }
    for (const [ns, list] of byNs) {
      if (list.length < 2) continue;
      const names = list.map((t) => t.name);
      for (const t of list) {
        ctx.report('IST0160', t, ['metadata', 'name'], [names, ns],
          list.filter((o) => o !== t).map((o) => relatedAt(o, `Telemetry ${fullName(o)} has no selector either`)));
      }
    }
  },
};
