// Entry point: keep activate short and catch its errors ourselves.
import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { registerClusterSchemas } from './clusterSchemas';
import { Ctx } from './ctx';
import { showErrorWithLogs } from './log';

/** What activate() returns: used by the extension-host test suite. */
export interface IstioWorkbenchApi {
  ctx: Ctx;
}

let current: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<IstioWorkbenchApi> {
  const ctx = new Ctx(context);
  current = ctx;
  registerCommands(ctx);
  registerClusterSchemas(ctx);
  ctx.log.info(`Istio Workbench ${context.extension.packageJSON.version as string} activated`);
  try {
    await ctx.startClient();
  } catch (e) {
    ctx.log.error('the language server failed to start', e);
    void showErrorWithLogs('Istio Workbench: the language server failed to start. YAML validation is off.', ctx.log);
  }
  return { ctx };
}

export async function deactivate(): Promise<void> {
  // Views and commands go with context.subscriptions; the server is stopped here so VS Code waits for it.
  await current?.stopClient();
  current = undefined;
}
