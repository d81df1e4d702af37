// Reads the workspace's YAML into the pure routing model (open documents win over the files on disk).
import * as vscode from 'vscode';
import { addFile, emptyRouting, type RoutingConfig } from '../graph/routing';

const MAX_FILES = 2000;
const MAX_BYTES = 2 * 1024 * 1024;

export async function workspaceRouting(token?: vscode.CancellationToken): Promise<RoutingConfig> {
  const cfg = emptyRouting();
  const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '{**/node_modules/**,**/.*/**}', MAX_FILES, token);
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const decoder = new TextDecoder();
  for (const uri of files.sort((a, b) => a.toString().localeCompare(b.toString()))) {
    if (token?.isCancellationRequested) break;
    const doc = open.get(uri.toString());
    let text: string;
    if (doc) text = doc.getText();
    else {
      try {
        const bytes = await vscode.workspace.fs.readFile(uri);
        if (bytes.byteLength > MAX_BYTES) continue;
        text = decoder.decode(bytes);
      } catch {
        continue;
      }
    }
    if (!/\bkind:\s*(VirtualService|DestinationRule|Gateway|Service|Deployment|StatefulSet|DaemonSet|Pod)\b/.test(text)) continue;
    addFile(cfg, uri.toString(), text);
  }
  return cfg;
}
