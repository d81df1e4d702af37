// Language status item for YAML files: how many Kubernetes/Istio resources the server sees in the active file.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DocumentResourcesRequest } from '../server/src/protocol';

export class ResourceStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('istioWorkbench.resources', { language: 'yaml' });
  private readonly disposables: vscode.Disposable[] = [this.item];
  private seq = 0;

  constructor(private readonly client: () => LanguageClient | undefined) {
    this.item.name = 'Istio Workbench';
    this.item.text = 'Istio';
    this.item.command = { command: 'workbench.action.gotoSymbol', title: 'Go to Resource' };
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.update()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) void this.update();
      }),
    );
  }

  async update(): Promise<void> {
    const seq = ++this.seq;
    const doc = vscode.window.activeTextEditor?.document;
    const client = this.client();
    if (!doc || doc.languageId !== 'yaml' || !client?.isRunning()) return;
    try {
      const r = await client.sendRequest(DocumentResourcesRequest, { uri: client.code2ProtocolConverter.asUri(doc.uri) });
      if (seq !== this.seq || !r) return;
      const n = r.resources.length;
      this.item.text = `$(symbol-class) ${n} resource${n === 1 ? '' : 's'}`;
      this.item.detail = r.errors ? `${r.errors} YAML error${r.errors === 1 ? '' : 's'}` : `${r.documents} YAML document${r.documents === 1 ? '' : 's'}`;
      this.item.severity = r.errors ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    } catch {
      // The server is restarting; the next editor event updates the item.
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
