// telemetry.LightstepAnalyzer: a Telemetry whose tracing uses a Lightstep extension provider of the mesh config uses a
// deprecated provider (IST0002).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, obj, spec, str } from '../model';

/** Names of the mesh config's extension providers of the Lightstep kind. */
function lightstepProviders(mesh: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  for (const p of arr(mesh.extensionProviders)) {
    const o = obj(p);
    if (o.lightstep !== undefined && o.lightstep !== null) names.add(str(o.name));
  }
  return names;
}

export const telemetryLightstepAnalyzer: MeshAnalyzer = {
  name: 'telemetry.LightstepAnalyzer',
  analyze(ctx) {
    const names = lightstepProviders(ctx.mesh);
    if (names.size === 0) return;
    for (const r of ctx.subjects(GK.Telemetry)) {
      arr(spec(r).tracing).forEach((t, i) => {
        arr(obj(t).providers).forEach((p, j) => {
          const name = str(obj(p).name);
          if (!names.has(name)) return;
          ctx.report('IST0002', r, ['spec', 'tracing', i, 'providers', j, 'name'],
            [`The Lightstep provider ${name} is deprecated, please migrate to OpenTelemetry provider.`]);
        });
      });
    }
  },
};
