// The workspace's YAML files that are not open, reported so that mesh-wide problems show without opening every file:
// pull clients get them through workspace/diagnostic (workspaceDiagnostics.ts), push-only clients (no
// textDocument.diagnostic capability) as published diagnostics (ClosedFilesPublisher). Both report the same files with
// the same diagnostics (ClosedFileReports).
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisSettings } from '../analysis/analyzer';
import type { Cancellation } from '../core/types';
import type { ParsedFile } from '../yaml/parse';
import { toDiagnostic } from './convert';
import type { FileFindings } from './findings';
import { canonicalUri, type MeshHandler } from './mesh';
import type { SettingsStore } from './settings';

/** A closed workspace file (by its canonical file URI) with its parse and its settings. */
export interface ClosedFile {
  uri: string;
  parsed: ParsedFile;
  settings: AnalysisSettings;
}

/** A closed file's diagnostics and their digest (the pull report's result id; what the push side last published). */
export interface ClosedReport {
  diagnostics: Diagnostic[];
  resultId: string;
}

/** Go/Helm templates are not YAML until rendered: reported only when the user opens them. */
function isTemplate(parsed: ParsedFile): boolean {
  return parsed.text.includes('{{');
}

/** Files worth reporting while closed: those holding at least one Kubernetes resource (apiVersion and kind). */
function holdsResources(parsed: ParsedFile): boolean {
  return parsed.docs.some((d) => !!d.resource?.apiVersion && !!d.resource?.kind);
}

function resultIdOf(diagnostics: readonly Diagnostic[]): string {
  return createHash('sha1').update(JSON.stringify(diagnostics)).digest('base64url');
}

/** The digest of no diagnostics: what a client holds for a file nothing was reported for. */
export const EMPTY_RESULT_ID = resultIdOf([]);

/** Which closed files are reported, and with what: shared by the pull and the push side. */
export class ClosedFileReports {
  constructor(
    private readonly mesh: MeshHandler,
    private readonly findings: FileFindings,
    private readonly settings: SettingsStore,
  ) {}

  /** The closed files the mesh index holds, with their settings (empty while the index loads). */
  async list(): Promise<ClosedFile[]> {
    const files = this.mesh.closedFiles();
    const all = await Promise.all(files.map((f) => this.settings.get(f.uri)));
    return files.map((f, i) => ({ ...f, settings: all[i] }));
  }

  /**
   * The file's report: its own findings (schema, deprecation, annotations) and the last mesh analysis's; null when the
   * file is not reported (switched off, a template, no Kubernetes resource); undefined when cancelled.
   */
  report(file: ClosedFile, token: Cancellation): ClosedReport | null | undefined {
    const { uri, parsed, settings } = file;
    if (!settings.enable || !settings.closedFiles || isTemplate(parsed) || !holdsResources(parsed)) return null;
    const found = this.findings.get(uri, parsed, settings, token);
    if (!found) return undefined;
    found.push(...this.mesh.findingsFor(uri, settings));
    const diagnostics = found.map(toDiagnostic);
    return { diagnostics, resultId: resultIdOf(diagnostics) };
  }

  /** A file reported before is no longer: its findings are dropped unless it is still a closed file (deleted, excluded). */
  dropped(uri: string, closed: ReadonlySet<string>): void {
    if (!closed.has(uri)) this.findings.delete(uri); // deleted or excluded: nothing to remember (opened: recomputed)
  }
}

/** Time spent computing reports before yielding to the message loop (requests stay responsive in large workspaces). */
const SLICE_MS = 15;

/**
 * Push-only clients: after the index loads, after each mesh analysis, when settings or run-time schemas change and when a
 * document closes, every closed file whose report differs from what was last published for it is published (no
 * version); a file no longer reported while closed gets one empty publish. Never for an open document: its own pushes
 * (DiagnosticsHandler) own its URI. A newer pass supersedes an older one.
 */
export class ClosedFilesPublisher {
  /** Canonical uri -> result id last published, for closed files whose last publish was not empty. */
  private readonly published = new Map<string, string>();
  private generation = 0;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly mesh: MeshHandler,
    private readonly reports: ClosedFileReports,
  ) {}

  registerHandlers(): void {
    // An opened document's pushes replace whatever the client held for it; once closed again, the DiagnosticsHandler
    // clears it and the next pass publishes its closed report (compared against nothing published).
    this.documents.onDidOpen((e) => this.published.delete(canonicalUri(e.document.uri)));
    this.documents.onDidClose(() => this.changed());
  }

  /** Something the reports depend on changed: a new pass (after the pending mesh analysis), superseding any running. */
  changed(): void {
    const generation = ++this.generation;
    void this.pass(generation).catch((e: unknown) =>
      this.connection.console.error(`closed-file diagnostics failed: ${e instanceof Error ? e.stack : String(e)}`));
  }

  private async pass(generation: number): Promise<void> {
    const current = () => this.generation;
    const token: Cancellation = { get isCancellationRequested() { return generation !== current(); } };
    await this.mesh.whenIdle();
    if (token.isCancellationRequested) return;
    const files = await this.reports.list();
    if (token.isCancellationRequested) return;
    const reported = new Set<string>();
    let slice = performance.now();
    for (const file of files) {
      if (performance.now() - slice > SLICE_MS) {
        await new Promise<void>((r) => setImmediate(r));
        if (token.isCancellationRequested) return;
        slice = performance.now();
      }
      if (this.mesh.isOpen(file.uri)) continue; // opened meanwhile
      const report = this.reports.report(file, token);
      if (report === undefined) return;
      if (report === null) continue;
      reported.add(file.uri);
      if ((this.published.get(file.uri) ?? EMPTY_RESULT_ID) === report.resultId) continue;
      this.publish(file.uri, report);
    }
    const closed = new Set(files.map((f) => f.uri));
    for (const uri of [...this.published.keys()]) {
      if (reported.has(uri)) continue;
      this.reports.dropped(uri, closed);
      if (this.mesh.isOpen(uri)) this.published.delete(uri);
      else this.publish(uri, { diagnostics: [], resultId: EMPTY_RESULT_ID });
    }
  }

  private publish(uri: string, report: ClosedReport): void {
    if (report.diagnostics.length) this.published.set(uri, report.resultId);
    else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: report.diagnostics });
  }
}
