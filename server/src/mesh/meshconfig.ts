// Mesh config: Istio's code defaults (mesh-defaults.json) with mesh config files merged over them. Pure.
import { parse } from 'yaml';
import type { Result } from '../core/types';
import { MESH_DEFAULTS } from './data.gen';
import { obj, type Obj } from './model';

/** Deep merge of maps (lists and scalars of the overlay replace the base's), as protobuf merge of a YAML overlay. */
export function deepMerge(base: Obj, overlay: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b as Obj, v as Obj) : v;
  }
  return out;
}

/** Reads a MeshConfig YAML (a bare MeshConfig, or the `istio` ConfigMap whose data.mesh holds one). */
export function parseMeshConfig(text: string): Result<Obj> {
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, error: `invalid mesh config YAML: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (data === null || data === undefined) return { ok: true, value: {} };
  if (typeof data !== 'object' || Array.isArray(data)) return { ok: false, error: 'mesh config must be a YAML mapping' };
  const o = obj(data);
  if (o.kind === 'ConfigMap') {
    const d = obj(o.data);
    const inner = typeof d.mesh === 'string' ? d.mesh : typeof d.meshNetworks === 'string' ? d.meshNetworks : '';
    return parseMeshConfig(inner);
  }
  return { ok: true, value: o };
}

export function meshConfigWith(...overlays: Obj[]): Obj {
  return overlays.reduce((acc, o) => deepMerge(acc, o), structuredClone(MESH_DEFAULTS) as Obj);
}
