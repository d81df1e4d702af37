// telemetry.ProviderAnalyzer: with no default access-log provider in the mesh config, an accessLogging entry that
// neither names a provider nor disables logging does nothing (IST0157).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, obj, spec } from '../model';

export const telemetryProviderAnalyzer: MeshAnalyzer = {
  name: 'telemetry.ProviderAnalyzer',
  analyze(ctx) {
    if (arr(obj(ctx.mesh.defaultProviders).accessLogging).length > 0) return;
    for (const r of ctx.subjects(GK.Telemetry)) {
      arr(spec(r).accessLogging).forEach((l, i) => {
        if (arr(obj(l).providers).length === 0 && obj(l).disabled !== true) {
          ctx.report('IST0157', r, ['spec', 'accessLogging', i], [r.name, r.namespace]);
        }
      });
    }
  },
};
