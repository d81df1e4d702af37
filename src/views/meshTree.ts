// The "Mesh" tree: context -> (later) control plane, namespaces, workloads, pods, containers.
// Elements are our model plus a `kind`; TreeItems are built in getTreeItem.
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { kubeconfigPaths, loadKubeconfig, type Kubeconfig, type KubeContext } from '../cluster/kubeconfig';
import type { Config } from '../config';
import type { Log } from '../log';

export type MeshNode =
  | { kind: 'context'; context: KubeContext }
  | { kind: 'status'; context: KubeContext; label: string; detail: string; icon: string }
  | { kind: 'problem'; label: string; detail: string };

export class MeshTreeProvider implements vscode.TreeDataProvider<MeshNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MeshNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly config: Config, private readonly log: Log) {}

  /** Reads the kubeconfig the way kubectl would. Missing files are not an error: there are just no contexts. */
  readKubeconfig(): { ok: true; value: Kubeconfig } | { ok: false; error: string } {
    const paths = kubeconfigPaths(this.config.kubeconfig, process.env, os.homedir(), process.platform === 'win32' ? ';' : ':');
    return loadKubeconfig(paths, (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined));
  }

  /** Batched refresh: many triggers within 100 ms redraw once. */
  refresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(undefined);
    }, 100);
  }

  getChildren(element?: MeshNode): MeshNode[] {
    if (!element) return this.roots();
    if (element.kind === 'context') {
      return [{
        kind: 'status', context: element.context, label: 'Not connected', icon: 'debug-disconnect',
        detail: 'Live cluster views (control plane, namespaces, pods and sidecars) are not available in this version yet.',
      }];
    }
    return [];
  }

  private roots(): MeshNode[] {
    const chosen = this.config.context;
    let nodes: MeshNode[] = [];
    if (chosen) {
      const kc = this.readKubeconfig();
      if (!kc.ok) {
        this.log.warn(`kubeconfig: ${kc.error}`);
        nodes = [{ kind: 'problem', label: 'Cannot read kubeconfig', detail: kc.error }];
      } else {
        const ctx = kc.value.contexts.find((c) => c.name === chosen);
        nodes = ctx
          ? [{ kind: 'context', context: ctx }]
          : [{ kind: 'problem', label: `Context "${chosen}" not found`, detail: `The kubeconfig (${kc.value.files.join(', ') || 'no file'}) has no context named "${chosen}".` }];
      }
    }
    void vscode.commands.executeCommand('setContext', 'istioWorkbench.treeEmpty', nodes.length === 0);
    return nodes;
  }

  getTreeItem(node: MeshNode): vscode.TreeItem {
    switch (node.kind) {
      case 'context': {
        const c = node.context;
        const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `context:${c.name}`;
        item.description = c.server ?? c.cluster;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = 'context';
        item.tooltip = new vscode.MarkdownString(undefined, true);
        item.tooltip.appendMarkdown(`**${escapeMd(c.name)}**\n\n`);
        item.tooltip.appendMarkdown(`- cluster: ${escapeMd(c.cluster)}\n- server: ${escapeMd(c.server ?? 'unknown')}\n`);
        item.tooltip.appendMarkdown(`- namespace: ${escapeMd(c.namespace ?? 'default')}\n- kubeconfig: ${escapeMd(c.file)}`);
        return item;
      }
      case 'status': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `status:${node.context.name}`;
        item.description = node.detail;
        item.tooltip = node.detail;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'status';
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.id = `problem:${node.label}`;
        item.description = node.detail;
        item.tooltip = node.detail;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.command = { command: 'istioWorkbench.chooseContext', title: 'Choose a Context' };
        return item;
      }
    }
  }

  getParent(node: MeshNode): MeshNode | undefined {
    return node.kind === 'status' ? { kind: 'context', context: node.context } : undefined;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changed.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}
