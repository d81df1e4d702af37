// envoyfilter.EnvoyPatchAnalyzer: patch operations that are ignored for their applyTo, and relative operations without a
// priority (IST0151, IST0152, IST0153, IST0154, IST0155).
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { arr, num, obj, spec, str } from '../model';

const ROUTE_KINDS = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
/** applyTo kinds whose REPLACE Istio applies. */
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST']);

export const envoyPatchAnalyzer: MeshAnalyzer = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  analyze(ctx) {
    // Filter names of patches that set a proxyVersion, across EnvoyFilters in order (as Istio accumulates them).
    const versioned: string[] = [];
    for (const r of ctx.forEach(GK.EnvoyFilter)) {
      const priority = num(spec(r).priority) ?? 0;
      const patches = arr(spec(r).configPatches);
      // One message per code and EnvoyFilter: istioctl prints identical messages once.
      const seen = new Set<string>();
      const report: typeof ctx.report = (code, ...rest) => {
        if (seen.has(code)) return;
        seen.add(code);
        ctx.report(code, ...rest);
      };
      for (let i = 0; i < patches.length; i++) {
        const cp = obj(patches[i]);
        const patch = cp.patch;
        if (!patch || typeof patch !== 'object') break;
        const value = obj(obj(patch).value);
        const match = obj(cp.match);
        let instance = '';
        if (Object.keys(value).length) {
          if (value.name !== undefined) instance = JSON.stringify(value.name);
          else instance = str(obj(obj(obj(match.listener).filterChain).filter).name);
        }
        const at = ['spec', 'configPatches', i];
        const relative = () => {
          if (priority !== 0) return;
          report(versioned.includes(instance) ? 'IST0155' : 'IST0151', r, at, []);
        };
        const op = str(obj(patch).operation);
        const applyTo = str(cp.applyTo);
        if (op === 'ADD') {
          if (ROUTE_KINDS.has(applyTo)) report('IST0153', r, at, []);
        } else if (op === 'REMOVE') {
          if (ROUTE_KINDS.has(applyTo)) report('IST0154', r, at, []);
          else relative();
        } else if (op === 'REPLACE') {
          if (!REPLACEABLE.has(applyTo)) report('IST0152', r, at, []);
          else relative();
        } else if (op === 'INSERT_BEFORE' || op === 'INSERT_AFTER') {
          relative();
        }
        if (str(obj(match.proxy).proxyVersion) !== '') versioned.push(instance);
      }
    }
  },
};
