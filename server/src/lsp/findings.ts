// The file analyzers' findings of each document (open, or a closed workspace file), computed once per (parse, settings,
// run-time schemas) and served to diagnostics (first pull, the re-pulls a mesh refresh asks for, pushes, the workspace
// report) and to code actions alike.
import type { AnalysisSettings } from '../analysis/analyzer';
import { analyzeParsed } from '../analysis/engine';
import type { Cancellation, Finding } from '../core/types';
import type { ParsedFile } from '../yaml/parse';

interface Entry {
  parsed: ParsedFile;
  settings: AnalysisSettings;
  schemas: number;
  findings: readonly Finding[];
}

export class FileFindings {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param schemaGeneration changes whenever run-time schemas (workspace or cluster CRDs) change: findings computed
   *   before are stale even for an unchanged document.
   */
  constructor(private readonly schemaGeneration: () => number) {}

  /**
   * The document's findings (a fresh array the caller may extend); undefined when cancelled. A parse is the same object
   * for as long as the document's version and text are, and settings are replaced, not mutated, when they change.
   */
  get(uri: string, parsed: ParsedFile, settings: AnalysisSettings, token: Cancellation): Finding[] | undefined {
    const schemas = this.schemaGeneration();
    const hit = this.entries.get(uri);
    if (hit && hit.parsed === parsed && hit.settings === settings && hit.schemas === schemas) return [...hit.findings];
    const findings = analyzeParsed(uri, parsed, token, { settings });
    if (!findings) return undefined;
    this.entries.set(uri, { parsed, settings, schemas, findings: [...findings] });
    return findings;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
