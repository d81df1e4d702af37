// Diagnostics: pull (textDocument/diagnostic) when the client supports it, push (publishDiagnostics) otherwise.
import {
  LSPErrorCodes, ResponseError, CancellationTokenSource, DocumentDiagnosticReportKind,
  type CancellationToken, type Connection, type Diagnostic, type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisSettings } from '../analysis/analyzer';
import type { Finding } from '../core/types';
import type { ParseCache } from '../yaml/cache';
import { toDiagnostic } from './convert';
import type { FileFindings } from './findings';
import type { SettingsStore } from './settings';

const PUSH_DELAY_MS = 150;

export class DiagnosticsHandler {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; cts: CancellationTokenSource }>();
  /** Cross-file findings merged into each document's diagnostics (the mesh analysis). */
  extraFindings: ((uri: string, settings: AnalysisSettings) => Finding[]) | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
    private readonly settings: SettingsStore,
    private readonly pull: boolean,
    private readonly findings: FileFindings,
  ) {}

  registerHandlers(): void {
    if (this.pull) {
      this.connection.languages.diagnostics.on(async (params, token) => {
        const items = await this.diagnose(params.textDocument.uri, token);
        if (items === undefined) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'cancelled', { retriggerRequest: true });
        return { kind: DocumentDiagnosticReportKind.Full, items };
      });
    } else {
      this.documents.onDidChangeContent((e) => this.schedulePush(e.document.uri));
      this.documents.onDidClose((e) => {
        this.cancelPending(e.document.uri);
        // Cleared at once; a workspace file reported while closed gets its closed report after this (the next pass of
        // ClosedFilesPublisher, which runs on close), so that report is the last word.
        void this.connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      });
    }
    this.documents.onDidClose((e) => {
      this.cache.delete(e.document.uri);
      this.settings.forget(e.document.uri);
      this.findings.delete(e.document.uri);
    });
  }

  /** Settings changed: drop what depends on them and have every open document re-validated. */
  refreshAll(): void {
    if (this.pull) {
      void this.connection.languages.diagnostics.refresh();
    } else {
      for (const doc of this.documents.all()) this.schedulePush(doc.uri);
    }
  }

  /**
   * Other files' findings changed the diagnostics of these documents: pushed again, or (pull) the client asked to pull
   * again (the protocol's refresh is for every document).
   */
  refreshDocuments(uris: readonly string[]): void {
    if (this.pull) {
      void this.connection.languages.diagnostics.refresh();
    } else {
      for (const uri of uris) if (this.documents.get(uri)) this.schedulePush(uri);
    }
  }

  /** Diagnostics for an open document; undefined when cancelled. */
  async diagnose(uri: string, token: CancellationToken): Promise<Diagnostic[] | undefined> {
    const doc = this.documents.get(uri);
    if (!doc) return [];
    const settings = await this.settings.get(uri);
    if (token.isCancellationRequested) return undefined;
    const current = this.documents.get(uri);
    if (!current) return [];
    const parsed = this.cache.get(uri, current.version, current.getText());
    const findings = this.findings.get(uri, parsed, settings, token);
    if (findings && settings.enable && this.extraFindings) findings.push(...this.extraFindings(uri, settings));
    return findings?.map(toDiagnostic);
  }

  private cancelPending(uri: string): void {
    const p = this.pending.get(uri);
    if (p) {
      clearTimeout(p.timer);
      p.cts.cancel();
      this.pending.delete(uri);
    }
  }

  private schedulePush(uri: string): void {
    this.cancelPending(uri);
    const cts = new CancellationTokenSource();
    const timer = setTimeout(() => {
      void this.diagnose(uri, cts.token).then(
        (diagnostics) => {
          if (this.pending.get(uri)?.cts === cts) this.pending.delete(uri);
          const doc = this.documents.get(uri);
          if (diagnostics && doc && !cts.token.isCancellationRequested) {
            void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
          }
        },
        (e: unknown) => this.connection.console.error(`diagnostics for ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`),
      );
    }, PUSH_DELAY_MS);
    this.pending.set(uri, { timer, cts });
  }
}
