// The mesh part of `istio-workbench analyze`: its options, and the run across all given files. Pure (fs only).
import * as fs from 'node:fs';
import type { AnalysisSettings } from '../analysis/analyzer';
import { applySettings } from '../analysis/engine';
import type { Finding, Result } from '../core/types';
import type { ParsedFile } from '../yaml/parse';
import { MeshIndex } from './index';
import { meshConfigWith, parseMeshConfig } from './meshconfig';
import { setMeshNetworksSource } from './meshnetworks';
import type { Obj } from './model';
import { MESH_ANALYZERS } from './registry';
import { ASSUMED_URI, runMeshAnalysis, setAssumedResources } from './run';

export const MESH_CLI_OPTIONS = {
  'mesh-config': { type: 'string' },
  'mesh-networks': { type: 'string' },
  'assume-resources': { type: 'string' },
  'no-assume-resources': { type: 'boolean' },
} as const;

export const MESH_USAGE = `    --mesh-config FILE                 Mesh config (MeshConfig YAML or the istio ConfigMap) merged over Istio's defaults
    --mesh-networks FILE               Mesh networks (MeshNetworks YAML or ConfigMap)
    --assume-resources FILE            Resources assumed to exist in the cluster (replaces the default istio-ingressgateway)
    --no-assume-resources              Assume no cluster resources beyond the given files
  Mesh analyzers: ${MESH_ANALYZERS.map((a) => a.name).join(', ')}`;

export const MESH_ANALYZER_NAMES: readonly string[] = MESH_ANALYZERS.map((a) => a.name);

export interface MeshCliSettings {
  mesh: Obj;
  meshNetworks: Obj;
  /** Baseline text; null for none. */
  assumed: string | null | undefined;
}

/** Validates and loads the mesh options; errors are usage/input errors (exit 2). */
export function loadMeshCliSettings(values: { 'mesh-config'?: string; 'mesh-networks'?: string; 'assume-resources'?: string; 'no-assume-resources'?: boolean }): Result<MeshCliSettings> {
  if (values['assume-resources'] !== undefined && values['no-assume-resources']) {
    return { ok: false, error: '--assume-resources and --no-assume-resources cannot be used together' };
  }
  const read = (opt: string, file: string | undefined): Result<string | undefined> => {
    if (file === undefined) return { ok: true, value: undefined };
    try {
      return { ok: true, value: fs.readFileSync(file, 'utf8') };
    } catch (e) {
      return { ok: false, error: `${opt}: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
    }
  };
  const mc = read('--mesh-config', values['mesh-config']);
  if (!mc.ok) return mc;
  const mn = read('--mesh-networks', values['mesh-networks']);
  if (!mn.ok) return mn;
  const ar = read('--assume-resources', values['assume-resources']);
  if (!ar.ok) return ar;
  const mesh = mc.value === undefined ? { ok: true as const, value: {} } : parseMeshConfig(mc.value);
  if (!mesh.ok) return { ok: false, error: `--mesh-config: ${mesh.error}` };
  const networks = mn.value === undefined ? { ok: true as const, value: {} } : parseMeshConfig(mn.value);
  if (!networks.ok) return { ok: false, error: `--mesh-networks: ${networks.error}` };
  if (mn.value !== undefined) setMeshNetworksSource(networks.value, values['mesh-networks']!, mn.value);
  return {
    ok: true,
    value: { mesh: meshConfigWith(mesh.value), meshNetworks: networks.value, assumed: values['no-assume-resources'] ? null : ar.value },
  };
}

export interface MeshCliFinding extends Finding {
  file: string;
  friendly: string;
}

/**
 * Mesh findings across all files (findings on assumed resources are dropped: there is no file to fix), with the analysis
 * settings (disabled analyzers/codes, severity overrides) applied as to file findings.
 */
export function runMeshCli(files: readonly { file: string; parsed: ParsedFile }[], settings: MeshCliSettings, only?: ReadonlySet<string>, analysis?: AnalysisSettings): { findings: MeshCliFinding[]; errors: string[] } {
  if (only && !MESH_ANALYZERS.some((a) => only.has(a.name))) return { findings: [], errors: [] };
  const index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
  for (const f of files) index.setFile(f.file, f.parsed);
  if (settings.assumed !== null && settings.mesh.ingressControllerMode !== 'OFF') setAssumedResources(index, settings.assumed);
  const res = runMeshAnalysis(index, { only, mesh: settings.mesh, meshNetworks: settings.meshNetworks })!;
  return {
    errors: res.errors,
    findings: res.findings.flatMap((f) => {
      const kept = f.uri === ASSUMED_URI ? undefined : analysis ? applySettings(f.analyzer, f.finding, analysis) : f.finding;
      return kept ? [{ ...kept, file: f.uri, friendly: f.friendly }] : [];
    }),
  };
}
