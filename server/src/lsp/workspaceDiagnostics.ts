// workspace/diagnostic: the findings of the workspace's YAML files that are not open, so the Problems panel shows what
// `istioctl analyze` would say about the whole workspace without opening every file. Open documents are left to the
// document pulls (the client prefers them anyway). Which files and with what: ClosedFileReports (closedFiles.ts), shared
// with the push side.
//
// The client asks again a moment after every answer, so an answer with nothing new is held until something changes
// (an analysis ran, settings or run-time schemas changed) or the client cancels: no polling loop burns CPU while idle.
// Each file's report carries a result id (a digest of its diagnostics): unchanged files are answered as such.
import {
  DocumentDiagnosticReportKind, LSPErrorCodes, ResponseError,
  type CancellationToken, type Connection, type WorkspaceDiagnosticParams, type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { ClosedFileReports } from './closedFiles';
import type { MeshHandler } from './mesh';

/** How long an answer with nothing new is held before answering anyway (the client asks again right after). */
const HOLD_MS = 5 * 60_000;

export class WorkspaceDiagnosticsHandler {
  private waiters: (() => void)[] = [];
  /** Bumped by every change; an answer computed before a change is computed again. */
  private generation = 0;

  constructor(
    private readonly connection: Connection,
    private readonly mesh: MeshHandler,
    private readonly closed: ClosedFileReports,
  ) {}

  registerHandlers(): void {
    this.connection.languages.diagnostics.onWorkspace((params, token) => this.report(params, token));
  }

  /** Something the reports depend on changed: held requests answer again. */
  changed(): void {
    this.generation++;
    for (const w of this.waiters.splice(0)) w();
  }

  private async report(params: WorkspaceDiagnosticParams, token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
    await this.mesh.whenIdle();
    for (;;) {
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      const generation = this.generation;
      const items = await this.reports(previous, token);
      if (items === undefined) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
      if (generation !== this.generation) continue;
      if (items.some((i) => i.kind === DocumentDiagnosticReportKind.Full)) return { items };
      // Nothing new for the client: wait for a change, the client's cancellation, or the hold time.
      const resumed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), HOLD_MS);
        const done = () => {
          clearTimeout(timer);
          sub.dispose();
          resolve(true);
        };
        const sub = token.onCancellationRequested(done);
        this.waiters.push(done);
      });
      if (!resumed) return { items };
    }
  }

  /** A report per closed file (full or unchanged), and an empty one for files reported before that are gone. */
  private async reports(previous: ReadonlyMap<string, string>, token: CancellationToken): Promise<WorkspaceDocumentDiagnosticReport[] | undefined> {
    const files = await this.closed.list();
    const closed = new Set(files.map((f) => f.uri));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const reported = new Set<string>();
    for (const file of files) {
      const report = this.closed.report(file, token);
      if (report === undefined) return undefined;
      if (report === null) continue;
      const { uri } = file;
      const { diagnostics, resultId } = report;
      reported.add(uri);
      items.push(previous.get(uri) === resultId
        ? { kind: DocumentDiagnosticReportKind.Unchanged, uri, version: null, resultId }
        : { kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId, items: diagnostics });
    }
    // Files deleted, excluded, opened or switched off since: their old workspace diagnostics are cleared (for an open
    // document the client keeps the document pull's).
    for (const [uri, id] of previous) {
      if (reported.has(uri)) continue;
      this.closed.dropped(uri, closed);
      if (id !== EMPTY) items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: EMPTY, items: [] });
    }
    return items;
  }
}

/** The result id of an empty report sent for a file no longer reported. */
const EMPTY = 'none';
