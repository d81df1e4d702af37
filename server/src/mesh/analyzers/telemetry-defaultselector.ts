// telemetry.DefaultSelectorAnalyzer: more than one Telemetry in a namespace without selector or targetRef(s) (IST0160).
import { relatedAt, type MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { sameResource } from '../index';
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
      // Definitions of one Telemetry in several files are alternatives, applied one at a time: never a conflict.
      const names = list.filter((r, i) => list.findIndex((o) => sameResource(o, r)) === i).map((t) => t.name);
      if (names.length < 2) continue;
      for (const t of list) {
        ctx.report('IST0160', t, ['metadata', 'name'], [names, ns],
          list.filter((o) => !sameResource(o, t)).map((o) => relatedAt(o, `Telemetry ${fullName(o)} has no selector either`)));
      }
    }
  },
};
