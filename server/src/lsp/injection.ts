// Sidecar injection in the editor: the "Preview sidecar injection" CodeLens, the preview request behind the diff
// editor, and the injection code actions (enable, inline, remove, re-inject). The logic is server/src/inject/actions.ts.
import {
  CodeActionKind, type CancellationToken, type CodeAction, type CodeActionParams, type CodeLens, type Connection, type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { bundledConfig, type InjectionConfig } from '../inject';
import { injectionActions, injectionPreview, workloadsOf, type InjectionActionKind } from '../inject/actions';
import { InjectionPreviewRequest, PREVIEW_INJECTION_COMMAND, type InjectionPreviewResult } from '../protocol';
import type { ParseCache } from '../yaml/cache';

/** Code action kinds of the injection actions (advertised in server.ts). */
export const INJECTION_ACTION_KINDS = [CodeActionKind.RefactorRewrite, CodeActionKind.QuickFix];

const KIND: Record<InjectionActionKind, string> = {
  enable: CodeActionKind.RefactorRewrite,
  enableNamespace: CodeActionKind.RefactorRewrite,
  inline: CodeActionKind.RefactorRewrite,
  remove: CodeActionKind.RefactorRewrite,
  // A sidecar from another Istio version is a problem to fix.
  reinject: CodeActionKind.QuickFix,
};

function wanted(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((k) => k === CodeActionKind.Empty || kind === k || kind.startsWith(`${k}.`));
}

export class InjectionHandler {
  private config: InjectionConfig | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
  ) {}

  /** The bundled injection configuration (Istio's chart defaults), built on first use. */
  private cfg(): InjectionConfig {
    this.config ??= bundledConfig();
    return this.config;
  }

  registerHandlers(): void {
    this.connection.onCodeLens((params) => this.codeLenses(params.textDocument.uri));
    this.connection.onRequest(InjectionPreviewRequest, (params, token) => this.preview(params.uri, params.documentIndex, token));
  }

  /** One lens per injectable workload, on the document's first line. Cheap: no injection runs here. */
  codeLenses(uri: string): CodeLens[] {
    const doc = this.documents.get(uri);
    if (!doc) return [];
    const parsed = this.cache.get(uri, doc.version, doc.getText());
    return workloadsOf(parsed).map((w) => {
      const at = doc.positionAt(w.start);
      const title = w.state === 'none' ? 'Preview sidecar injection' : 'Preview sidecar injection (re-inject)';
      return { range: { start: at, end: at }, command: { title, command: PREVIEW_INJECTION_COMMAND, arguments: [uri, w.index] } };
    });
  }

  preview(uri: string, index: number, token: CancellationToken): InjectionPreviewResult | null {
    const doc = this.documents.get(uri);
    if (!doc || token.isCancellationRequested) return null;
    const parsed = this.cache.get(uri, doc.version, doc.getText());
    try {
      return injectionPreview(parsed.text, parsed, index, this.cfg());
    } catch (e) {
      const msg = `internal error: ${e instanceof Error ? e.message : String(e)}`;
      this.connection.console.error(`injection preview of ${uri}: ${e instanceof Error ? e.stack : String(e)}`);
      return { text: `# Istio Workbench: ${msg}\n${parsed.text}`, error: msg };
    }
  }

  /** The injection actions of the document under the requested range. */
  codeActions(params: CodeActionParams): CodeAction[] {
    const uri = params.textDocument.uri;
    const doc = this.documents.get(uri);
    if (!doc) return [];
    const only = params.context.only;
    if (only && !INJECTION_ACTION_KINDS.some((k) => wanted(k, only))) return [];
    const parsed = this.cache.get(uri, doc.version, doc.getText());
    const off = doc.offsetAt(params.range.start);
    const pd = parsed.docs.find((d) => off >= d.start && off <= d.end);
    if (!pd) return [];
    return injectionActions(parsed.text, parsed, pd.index, this.cfg())
      .filter((a) => wanted(KIND[a.kind], only))
      .map((a) => ({
        title: a.title,
        kind: KIND[a.kind],
        isPreferred: !!a.preferred,
        edit: { changes: { [uri]: a.edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text })) } },
      }));
  }
}
