// The injection configuration of Istio's inject_test.go harness (inject-cases.json `environment`): the bundled
// chart render with the test hub/tag and root namespace, plus a case's --set flags, IOP overlay, mesh fields, env
// and node kubelet versions. Pure (files are read through `read`).
import { bundledConfig, type InjectionConfig, type Json } from './config';
import { applyIop, applyMeshOverride, applySet } from './overrides';

export interface HarnessCase {
  setFlags?: string[];
  iopFile?: string;
  meshOverride?: Json;
  env?: Record<string, string>;
  nodeKubeletVersions?: string[];
}

export function harnessConfig(c: HarnessCase, read: (file: string) => string): InjectionConfig {
  let cfg = bundledConfig();
  cfg = unwrap(applySet(cfg, 'values.global.hub=registry.istio.io/testing'));
  cfg = unwrap(applySet(cfg, 'values.global.tag=latest'));
  cfg = { ...cfg, mesh: { ...cfg.mesh, rootNamespace: 'istio-system' } };
  if (c.iopFile) cfg = unwrap(applyIop(cfg, read(c.iopFile)));
  for (const f of c.setFlags ?? []) cfg = unwrap(applySet(cfg, f));
  if (c.meshOverride) cfg = applyMeshOverride(cfg, c.meshOverride);
  return { ...cfg, env: { ...(c.env ?? {}) }, kubeletVersions: c.nodeKubeletVersions ?? [] };
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
