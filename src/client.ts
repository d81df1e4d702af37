// Starts the language server (dist/server.js) over Node IPC with vscode-languageclient.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Config } from './config';
import type { LazyLogChannel } from './log';

export function createClient(context: vscode.ExtensionContext, config: Config, serverOut: LazyLogChannel, trace: LazyLogChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const options = { env: { ...process.env, ...config.serverExtraEnv } };
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
