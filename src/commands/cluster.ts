// Commands of the live cluster views (factories: (ctx) => handler). Tree items arrive as the views' own elements.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { locateResource } from '../mesh/resourceLocator';
import type { MeshNode } from '../views/meshTree';
import type { RouteNode } from '../views/routeTables';

type Factory = (ctx: Ctx) => (...args: unknown[]) => unknown;

const showRoutes: Factory = (ctx) => async (arg?: unknown) => {
  const node = arg as MeshNode | undefined;
  if (!node || (node.kind !== 'pod' && node.kind !== 'container')) {
    void vscode.window.showInformationMessage('Choose a pod with a sidecar in the Mesh view (Show Route Tables).');
    return;
  }
  await vscode.commands.executeCommand('istioWorkbench.routeTables.focus');
  return ctx.routeTables.show({ context: node.context.name, namespace: node.pod.namespace, pod: node.pod.name });
};

/** Opens the workspace file that defines the route's VirtualService, else a read-only view of the live object. */
const goToVirtualService: Factory = (ctx) => async (arg?: unknown) => {
  const node = arg as RouteNode | undefined;
  if (node?.kind !== 'route' || !node.route.config) return;
  const { kind, namespace, name } = node.route.config;
  const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/{node_modules,.git}/**', 5000);
  for (const uri of files) {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      continue;
    }
    const found = locateResource(text, kind, namespace, name);
    if (!found) continue;
    const doc = await vscode.workspace.openTextDocument(uri);
    const selection = new vscode.Range(doc.positionAt(found.nameStart), doc.positionAt(found.nameEnd));
    await vscode.window.showTextDocument(doc, { selection });
    ctx.log.info(`${kind} ${namespace}/${name}: ${vscode.workspace.asRelativePath(uri)}`);
    return uri;
  }
  const live = await ctx.meshTree.current?.reader.getObject(node.route.config.path.replace('/virtual-service/', '/virtualservices/'));
  if (!live?.ok) {
    ctx.log.warn(`${kind} ${namespace}/${name} is not in the workspace and could not be read from the cluster${live ? `: ${live.error.message}` : ''}`);
    void vscode.window.showWarningMessage(`${kind} ${namespace}/${name} is not defined in this workspace${live ? ` and the cluster answered: ${live.error.message}` : ''}.`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(live.value, null, 2) });
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc.uri;
};

const openConfigDump: Factory = (ctx) => async () => {
  const raw = ctx.routeTables.current?.raw;
  if (!raw) return;
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: raw });
  await vscode.window.showTextDocument(doc, { preview: true });
};

const copyName: Factory = () => async (arg?: unknown) => {
  const node = arg as MeshNode | undefined;
  const name = !node ? '' : node.kind === 'pod' || node.kind === 'container' ? node.pod.name : node.kind === 'namespace' ? node.namespace : node.kind === 'workload' ? node.workload : node.kind === 'context' ? node.context.name : '';
  if (name) await vscode.env.clipboard.writeText(name);
};

export const CLUSTER_COMMANDS: Record<string, Factory> = {
  'istioWorkbench.showRoutes': showRoutes,
  'istioWorkbench.goToVirtualService': goToVirtualService,
  'istioWorkbench.openConfigDump': openConfigDump,
  'istioWorkbench.copyName': copyName,
};
