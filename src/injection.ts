// Sidecar injection preview: a diff editor of the YAML file (left) against a virtual document (right) holding the
// same file with one workload injected. The language server computes the text from its live copy of the file;
// the virtual document follows edits of the source (debounced).
import * as vscode from 'vscode';
import { InjectionPreviewRequest, PREVIEW_INJECTION_COMMAND } from '../server/src/protocol';
import type { Ctx } from './ctx';

export const PREVIEW_SCHEME = 'istio-injection';
const DEBOUNCE_MS = 200;

interface PreviewTarget {
  source: string;
  index: number;
}

function previewUri(source: vscode.Uri, index: number): vscode.Uri {
  const target: PreviewTarget = { source: source.toString(), index };
  const base = source.path.split('/').pop() ?? 'manifest.yaml';
  // The path names the file in the tab; the query identifies the source and the document.
  return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${base.replace(/\.(ya?ml)$/, '')}.injected-${index + 1}.yaml`, query: JSON.stringify(target) });
}

function targetOf(uri: vscode.Uri): PreviewTarget | undefined {
  try {
    const t = JSON.parse(uri.query) as PreviewTarget;
    return typeof t.source === 'string' && Number.isInteger(t.index) ? t : undefined;
  } catch {
    return undefined;
  }
}

export class InjectionPreviewProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(vscode.workspace.onDidChangeTextDocument((e) => this.sourceChanged(e.document.uri)));
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const target = targetOf(uri);
    if (!target) return '# Istio Workbench: not an injection preview address\n';
    const client = this.ctx.client;
    if (!client?.isRunning()) return '# Istio Workbench: the language server is not running (Istio: Restart Language Server)\n';
    try {
      const r = await client.sendRequest(InjectionPreviewRequest, { uri: target.source, documentIndex: target.index }, token);
      if (!r) return `# Istio Workbench: open ${vscode.Uri.parse(target.source).path.split('/').pop()} to preview its injection\n`;
      if (r.error) this.ctx.log.info(`injection preview of ${target.source} #${target.index + 1}: ${r.error}`);
      return r.text;
    } catch (e) {
      this.ctx.log.error('injection preview failed', e);
      return `# Istio Workbench: the injection preview failed: ${e instanceof Error ? e.message : String(e)}\n`;
    }
  }

  /** Re-renders (debounced) every open preview of a source document that changed. */
  private sourceChanged(source: vscode.Uri): void {
    const key = source.toString();
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== PREVIEW_SCHEME || targetOf(doc.uri)?.source !== key) continue;
      const id = doc.uri.toString();
      clearTimeout(this.timers.get(id));
      this.timers.set(id, setTimeout(() => {
        this.timers.delete(id);
        this.changed.fire(doc.uri);
      }, DEBOUNCE_MS));
    }
  }

  /** Re-renders every open preview (the injection configuration changed). */
  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === PREVIEW_SCHEME) this.changed.fire(doc.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Index of the workload document at the cursor, from the server's CodeLenses (the palette has no arguments). */
export async function documentAtCursor(editor: vscode.TextEditor): Promise<number | undefined> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
  const ours = (lenses ?? []).filter((l) => l.command?.command === PREVIEW_INJECTION_COMMAND);
  const line = editor.selection.active.line;
  const before = ours.filter((l) => l.range.start.line <= line).pop() ?? ours[0];
  const index = before?.command?.arguments?.[1];
  return typeof index === 'number' ? index : undefined;
}

/** The workload a command is about: its (uri, documentIndex) arguments (CodeLens), else the active editor's cursor. */
export async function workloadTarget(uriArg?: unknown, indexArg?: unknown): Promise<{ source?: vscode.Uri; index?: number }> {
  let source = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg instanceof vscode.Uri ? uriArg : undefined;
  let index = typeof indexArg === 'number' ? indexArg : undefined;
  const editor = vscode.window.activeTextEditor;
  if (!source && editor) source = editor.document.uri;
  if (index === undefined && editor && source?.toString() === editor.document.uri.toString()) index = await documentAtCursor(editor);
  return { source, index };
}

/** istioWorkbench.previewInjection(uri?, documentIndex?): opens the diff of the file against its injected form. */
export const previewInjection = (ctx: Ctx) => async (uriArg?: unknown, indexArg?: unknown): Promise<void> => {
  const { source, index } = await workloadTarget(uriArg, indexArg);
  if (!source || index === undefined) {
    void vscode.window.showInformationMessage('Open a YAML file with a workload (Deployment, Pod, ...) to preview its sidecar injection.');
    return;
  }
  const name = source.path.split('/').pop();
  ctx.log.info(`injection preview: ${source.toString()} document ${index + 1}`);
  await vscode.commands.executeCommand('vscode.diff', source, previewUri(source, index), `${name} ↔ sidecar injected (document ${index + 1})`, { preview: true });
};

export function registerInjectionPreview(ctx: Ctx): InjectionPreviewProvider {
  const provider = new InjectionPreviewProvider(ctx);
  ctx.pushExtCleanup(provider, vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, provider));
  return provider;
}
