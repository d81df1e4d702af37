// Runs the mesh analyzers over an index. Used by the CLI, the language server and the case test alike.
import { NEVER_CANCELLED, type Cancellation } from '../core/types';
import { AnalysisContext, mergeRepeats, type MeshAnalyzer, type MeshFinding } from './context';
import { DEFAULT_RESOURCES_YAML } from './data.gen';
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

/** Findings of every analyzer; undefined when cancelled. An analyzer that throws is a bug: it is reported, not fatal. */
export function runMeshAnalysis(index: MeshIndex, opts: MeshAnalysisOptions = {}): { findings: MeshFinding[]; errors: string[] } | undefined {
  const token = opts.token ?? NEVER_CANCELLED;
  const ctx = new AnalysisContext(index, opts.mesh ?? meshConfigWith(), opts.meshNetworks ?? {}, token);
  ctx.only = opts.only;
  const errors: string[] = [];
  for (const a of opts.analyzers ?? MESH_ANALYZERS) {
    if (token.isCancellationRequested) return undefined;
    if (opts.only ? !opts.only.has(a.name) : a.optIn) continue;
    ctx.current = a.name;
    try {
      a.analyze(ctx);
    } catch (e) {
      errors.push(`${a.name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }
  return { findings: mergeRepeats(ctx.findings), errors };
}
