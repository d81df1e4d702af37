// Starts the language server (dist/server.js) over Node IPC with vscode-languageclient.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Config } from './config';
import type { LazyLogChannel } from './log';

export function createClient(context: vscode.ExtensionContext, config: Config, serverOut: LazyLogChannel, trace: LazyLogChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  // The server keeps its V8 code cache (server/src/boot/codeCache.ts) in the extension's global storage.
  const codeCache = { ISTIO_WORKBENCH_CACHE_DIR: path.join(context.globalStorageUri.fsPath, 'code-cache') };
  const options = { env: { ...process.env, ...codeCache, ...config.serverExtraEnv } };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options },
    debug: { module, transport: TransportKind.ipc, options: { ...options, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    outputChannel: serverOut.get(),
    traceOutputChannel: trace.get(),
    diagnosticPullOptions: { onChange: true, onSave: true },
  };
  return new LanguageClient('istioWorkbench', 'Istio Workbench Language Server', serverOptions, clientOptions);
}
