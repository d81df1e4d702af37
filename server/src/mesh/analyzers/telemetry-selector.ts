// telemetry.SelectorAnalyzer: a Telemetry's selector matches pods of its namespace (IST0101), and no two Telemetries
// select the same pod (IST0159). Telemetries without a selector are telemetry.DefaultSelectorAnalyzer's.
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { obj, spec, strMap } from '../model';
import { reportSharedPods, selectPods, type PodSelections } from './podselector';

export const telemetrySelectorAnalyzer: MeshAnalyzer = {
  name: 'telemetry.SelectorAnalyzer',
  analyze(ctx) {
    const podsToTelemetries: PodSelections = new Map();
    for (const t of ctx.forEach(GK.Telemetry)) {
      const sel = strMap(obj(spec(t).selector).matchLabels);
      if (Object.keys(sel).length === 0) continue;
      selectPods(ctx, t, sel, ['spec', 'selector', 'matchLabels'], podsToTelemetries);
    }
    reportSharedPods(ctx, podsToTelemetries, 'IST0159', ['spec', 'selector'], true);
  },
};
