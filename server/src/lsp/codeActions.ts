// textDocument/codeAction: the quick fixes of the findings under the requested range, as WorkspaceEdits.
import {
  CodeActionKind, type CodeAction, type CodeActionParams, type Connection, type Diagnostic, type TextDocuments, type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisSettings } from '../analysis/analyzer';
import type { Finding, Range, TextEditSpec } from '../core/types';
import type { ParseCache } from '../yaml/cache';
import { toDiagnostic } from './convert';
import type { FileFindings } from './findings';
import type { SettingsStore } from './settings';

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Ranges intersect or touch (a cursor at either end of a finding counts). */
export function intersects(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** A fix's edits grouped by file: an edit without a uri belongs to the finding's file. */
function editsByUri(uri: string, edits: readonly TextEditSpec[]): Record<string, TextEdit[]> {
  const out: Record<string, TextEdit[]> = {};
  for (const e of edits) (out[e.uri ?? uri] ??= []).push({ range: e.range, newText: e.newText });
  return out;
}

/** Builds the code actions for findings (pure conversion; the client's own diagnostic object is reused when it matches). */
export function toCodeActions(uri: string, findings: readonly Finding[], params: Pick<CodeActionParams, 'range' | 'context'>): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(`${k}.`) || k === CodeActionKind.Empty)) return [];
  const out: CodeAction[] = [];
  for (const f of findings) {
    if (!f.fixes?.length || !intersects(f.range, params.range)) continue;
    const diagnostic: Diagnostic = params.context.diagnostics.find((d) => d.code === f.code && sameRange(d.range, f.range)) ?? toDiagnostic(f);
    for (const fix of f.fixes) {
      out.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: !!fix.preferred,
        edit: { changes: editsByUri(uri, fix.edits) },
      });
    }
  }
  return out;
}

export class CodeActionHandler {
  /** More actions for the requested range (sidecar injection), after the quick fixes of findings. */
  extraActions: ((params: CodeActionParams) => CodeAction[]) | undefined;
  /** Cross-file findings of the document (the mesh analysis), whose fixes are offered too. */
  extraFindings: ((uri: string, settings: AnalysisSettings) => Finding[]) | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
    private readonly settings: SettingsStore,
    private readonly findings: FileFindings,
  ) {}

  registerHandlers(): void {
    this.connection.onCodeAction(async (params, token) => {
      const uri = params.textDocument.uri;
      if (!this.documents.get(uri)) return null;
      const settings = await this.settings.get(uri);
      const doc = this.documents.get(uri);
      if (!doc || token.isCancellationRequested) return null;
      const findings = this.findings.get(uri, this.cache.get(uri, doc.version, doc.getText()), settings, token);
      if (!findings) return null;
      if (settings.enable && this.extraFindings) findings.push(...this.extraFindings(uri, settings));
      const actions = toCodeActions(uri, findings, params);
      if (this.extraActions) actions.push(...this.extraActions(params));
      return actions;
    });
  }
}
