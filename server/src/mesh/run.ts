// Runs the mesh analyzers over an index. Used by the CLI, the language server and the case test alike.
import type { Cancellation } from '../core/types';
import type { MeshAnalyzer, MeshFinding } from './context';
import { DEFAULT_RESOURCES_YAML } from './data.gen';
import { MeshAnalysisEngine } from './incremental';
import type { MeshIndex } from './index';
import { meshConfigWith } from './meshconfig';
import type { Obj } from './model';
import { MESH_ANALYZERS } from './registry';

export const ASSUMED_URI = 'istio-workbench:assumed-resources.yaml';

export interface MeshAnalysisOptions {
  /** Run only these analyzers (by Istio name). */
  only?: ReadonlySet<string>;
  analyzers?: readonly MeshAnalyzer[];
  /** Mesh config; defaults to Istio's code defaults. */
  mesh?: Obj;
  meshNetworks?: Obj;
  token?: Cancellation;
}

/** Adds (or with null removes) the assumed-cluster baseline: Istio's default resources unless replaced by `text`. */
export function setAssumedResources(index: MeshIndex, text: string | null = DEFAULT_RESOURCES_YAML): void {
  if (text === null) index.removeFile(ASSUMED_URI);
  else index.setFile(ASSUMED_URI, text, { assumed: true });
}

/**
 * Findings of every analyzer; undefined when cancelled. An analyzer that throws is a bug: it is reported, not fatal. A
 * full run; MeshAnalysisEngine (incremental.ts) runs again after changes of the index, re-running only what they affect.
 */
export function runMeshAnalysis(index: MeshIndex, opts: MeshAnalysisOptions = {}): { findings: MeshFinding[]; errors: string[] } | undefined {
  const res = meshAnalysisEngine(index, opts).run(opts.token);
  return res && { findings: res.findings, errors: res.errors };
}

/** An incremental analysis of the index with these options: call run() after each change. */
export function meshAnalysisEngine(index: MeshIndex, opts: Omit<MeshAnalysisOptions, 'token'> = {}): MeshAnalysisEngine {
  return new MeshAnalysisEngine(index, {
    only: opts.only, analyzers: opts.analyzers ?? MESH_ANALYZERS, mesh: opts.mesh ?? meshConfigWith(), meshNetworks: opts.meshNetworks ?? {},
  });
}
