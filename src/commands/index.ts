// Commands are factories: (ctx) => handler. Every registration is pushed onto the extension's lifetime.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { showErrorWithLogs } from '../log';
import { CLUSTER_COMMANDS } from './cluster';
import { GraphPanel, registerGraphSerializer } from '../webview/graphPanel';
import { previewInjection, registerInjectionPreview } from '../injection';
import { previewInjectionByWebhook, registerClusterInjection } from '../injectionCluster';

type Factory = (ctx: Ctx) => (...args: unknown[]) => unknown;

const chooseContext: Factory = (ctx) => async () => {
  const kc = ctx.meshTree.readKubeconfig();
  if (!kc.ok) {
    ctx.log.warn(`kubeconfig: ${kc.error}`);
    const pick = await vscode.window.showWarningMessage(`Cannot read the kubeconfig: ${kc.error}`, 'Open Settings');
    if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'istioWorkbench.kubeconfig');
    return;
  }
  if (kc.value.contexts.length === 0) {
    const where = kc.value.files.length ? kc.value.files.join(', ') : 'no kubeconfig file was found';
    const pick = await vscode.window.showInformationMessage(`No Kubernetes contexts (${where}).`, 'Set Kubeconfig Path');
    if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'istioWorkbench.kubeconfig');
    return;
  }
  const current = ctx.config.context || kc.value.currentContext;
  const items = kc.value.contexts.map((c) => ({
    label: c.name,
    description: [c.name === kc.value.currentContext ? 'current-context' : '', c.namespace ? `ns ${c.namespace}` : ''].filter(Boolean).join(' · '),
    detail: c.server ?? c.cluster,
    picked: c.name === current,
    iconPath: new vscode.ThemeIcon(c.name === current ? 'check' : 'server-environment'),
  }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Istio: Choose Kubernetes Context', placeHolder: 'Context to show in the Mesh view' });
  if (!pick) return;
  await ctx.config.setContext(pick.label);
  ctx.log.info(`context chosen: ${pick.label}`);
  ctx.meshTree.refresh();
};

const refresh: Factory = (ctx) => () => {
  ctx.meshTree.reconnect();
  ctx.routeTables.refresh();
};

const restartServer: Factory = (ctx) => async () => {
  try {
    await ctx.restartClient();
  } catch (e) {
    ctx.log.error('language server restart failed', e);
    await showErrorWithLogs('Istio Workbench: the language server could not be restarted.', ctx.log);
  }
};

const showLog: Factory = (ctx) => () => ctx.log.show();

const showServiceGraph: Factory = (ctx) => () => GraphPanel.show(ctx.extension.extensionUri, ctx.log);

const COMMANDS: Record<string, Factory> = {
  'istioWorkbench.chooseContext': chooseContext,
  'istioWorkbench.refresh': refresh,
  'istioWorkbench.restartServer': restartServer,
  'istioWorkbench.showLog': showLog,
  ...CLUSTER_COMMANDS,
  'istioWorkbench.showServiceGraph': showServiceGraph,
  'istioWorkbench.previewInjection': previewInjection,
  'istioWorkbench.previewInjectionByWebhook': previewInjectionByWebhook,
};

export function registerCommands(ctx: Ctx): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    ctx.pushExtCleanup(vscode.commands.registerCommand(id, factory(ctx)));
  }
  const preview = registerInjectionPreview(ctx);
  registerClusterInjection(ctx, () => preview.refreshAll());
  ctx.pushExtCleanup(registerGraphSerializer(ctx.extension.extensionUri, ctx.log), { dispose: () => GraphPanel.current?.dispose() });
}
