// The "Mesh" tree: context -> control plane (istiod, gateways) and namespaces -> workloads -> pods -> containers.
// Elements are our model plus a `kind`; TreeItems are built in getTreeItem; ids are stable; refreshes are batched.
// The live data comes from a ClusterSession (list + watch through the ClusterReader); failures are tree items.
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { kubeconfigPaths, loadKubeconfig, type Kubeconfig, type KubeContext } from '../cluster/kubeconfig';
import { KubeClusterReader, loadKubeConfig } from '../cluster/kubeReader';
import type { ContainerInfo, PodInfo } from '../cluster/model';
import { ClusterSession } from '../cluster/session';
import type { Config } from '../config';
import type { Log } from '../log';

export type MeshNode =
  | { kind: 'context'; context: KubeContext }
  | { kind: 'status'; context: KubeContext; label: string; detail: string; icon: string }
  | { kind: 'problem'; label: string; detail: string }
  | { kind: 'controlPlane'; context: KubeContext }
  | { kind: 'namespace'; context: KubeContext; namespace: string }
  | { kind: 'workload'; context: KubeContext; namespace: string; workload: string }
  | { kind: 'pod'; context: KubeContext; pod: PodInfo; parent: 'workload' | 'controlPlane' }
  | { kind: 'container'; context: KubeContext; pod: PodInfo; container: ContainerInfo; parent: 'workload' | 'controlPlane' };

export class MeshTreeProvider implements vscode.TreeDataProvider<MeshNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MeshNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private refreshTimer: NodeJS.Timeout | undefined;
  private session: ClusterSession | undefined;
  private readonly sessionChanged = new vscode.EventEmitter<ClusterSession | undefined>();
  /** Fires when the connected context changes (the Route Tables view follows it). */
  readonly onDidChangeSession = this.sessionChanged.event;

  constructor(private readonly config: Config, private readonly log: Log) {}

  get current(): ClusterSession | undefined {
    return this.session;
  }

  /** Reads the kubeconfig the way kubectl would. Missing files are not an error: there are just no contexts. */
  readKubeconfig(): { ok: true; value: Kubeconfig } | { ok: false; error: string } {
    return loadKubeconfig(this.kubeconfigFiles(), (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined));
  }

  private kubeconfigFiles(): string[] {
    return kubeconfigPaths(this.config.kubeconfig, process.env, os.homedir(), process.platform === 'win32' ? ';' : ':');
  }

  /** Batched refresh: many triggers within 100 ms redraw once. */
  refresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(undefined);
    }, 100);
  }

  /** Drops the connection and reconnects (Refresh command, kubeconfig or context changes). */
  reconnect(): void {
    this.disconnect();
    this.refresh();
  }

  private disconnect(): void {
    if (!this.session) return;
    this.log.info(`disconnecting from ${this.session.context}`);
    this.session.dispose();
    this.session = undefined;
    this.sessionChanged.fire(undefined);
  }

  /** The session for a context, created on first use (when the tree first shows it). */
  private sessionFor(c: KubeContext): ClusterSession | { error: string } {
    if (this.session?.context === c.name) return this.session;
    this.disconnect();
    let reader: KubeClusterReader;
    try {
      reader = new KubeClusterReader(loadKubeConfig(this.kubeconfigFiles(), c.name), this.log);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.log.warn(`cannot use context ${c.name}: ${msg}`);
      return { error: msg };
    }
    this.log.info(`connecting to ${c.name} (${c.server ?? c.cluster})`);
    const s = new ClusterSession(c.name, reader);
    s.onChange(() => this.refresh());
    s.start();
    this.session = s;
    this.sessionChanged.fire(s);
    return s;
  }

  getChildren(element?: MeshNode): MeshNode[] {
    if (!element) return this.roots();
    switch (element.kind) {
      case 'context': return this.contextChildren(element.context);
      case 'controlPlane': {
        const cp = this.session?.model.controlPlane();
        return cp ? [...cp.istiod, ...cp.gateways].map((pod) => ({ kind: 'pod', context: element.context, pod, parent: 'controlPlane' })) : [];
      }
      case 'namespace':
        return (this.session?.model.workloads(element.namespace) ?? []).map((w) => ({ kind: 'workload', context: element.context, namespace: element.namespace, workload: w.name }));
      case 'workload':
        return (this.session?.model.podsOf(element.namespace, element.workload) ?? []).map((pod) => ({ kind: 'pod', context: element.context, pod, parent: 'workload' }));
      case 'pod':
        return element.pod.containers.map((container) => ({ kind: 'container', context: element.context, pod: element.pod, container, parent: element.parent }));
      default:
        return [];
    }
  }

  private contextChildren(c: KubeContext): MeshNode[] {
    const s = this.sessionFor(c);
    if ('error' in s) return [{ kind: 'status', context: c, label: 'Not connected', detail: s.error, icon: 'debug-disconnect' }];
    const problem = s.problem;
    if (problem?.state === 'error') {
      const perm = problem.error.permission && problem.error.kind === 'forbidden' ? ` (needs RBAC "${problem.error.permission}")` : '';
      return [{ kind: 'status', context: c, label: 'Not connected', detail: `${problem.error.message}${perm}; retrying in ${Math.round(problem.retryInMs / 1000)} s`, icon: 'error' }];
    }
    if (!s.connected && s.model.podCount === 0) return [{ kind: 'status', context: c, label: 'Not connected', detail: 'connecting…', icon: 'loading~spin' }];
    return [
      { kind: 'controlPlane', context: c },
      ...s.model.namespaceNames().map((namespace): MeshNode => ({ kind: 'namespace', context: c, namespace })),
    ];
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
    if (!nodes.some((n) => n.kind === 'context')) this.disconnect();
    void vscode.commands.executeCommand('setContext', 'istioWorkbench.treeEmpty', nodes.length === 0);
    return nodes;
  }

  getTreeItem(node: MeshNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    const ctx = 'context' in node ? node.context.name : '';
    switch (node.kind) {
      case 'context': {
        const c = node.context;
        const item = new vscode.TreeItem(c.name, C.Expanded);
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
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = `status:${node.context.name}`;
        item.description = node.detail;
        item.tooltip = node.detail;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'status';
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = `problem:${node.label}`;
        item.description = node.detail;
        item.tooltip = node.detail;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.command = { command: 'istioWorkbench.chooseContext', title: 'Choose a Context' };
        return item;
      }
      case 'controlPlane': {
        const cp = this.session?.model.controlPlane();
        const item = new vscode.TreeItem('Control plane', C.Expanded);
        item.id = `cp:${ctx}`;
        const healthy = cp ? cp.istiod.filter((p) => p.ready).length : 0;
        item.description = cp?.istiod.length
          ? `istiod ${cp.versions.join(', ') || '?'} · revisions ${cp.revisions.join(', ')} · ${healthy}/${cp.istiod.length} ready · ${cp.gateways.length} gateway(s)`
          : 'istiod not found in istio-system';
        item.iconPath = new vscode.ThemeIcon(cp?.istiod.length && healthy === cp.istiod.length ? 'pulse' : 'warning');
        item.contextValue = 'controlPlane';
        return item;
      }
      case 'namespace': {
        const ns = this.session?.model.namespaces.get(node.namespace);
        const item = new vscode.TreeItem(node.namespace, C.Collapsed);
        item.id = `ns:${ctx}/${node.namespace}`;
        const inj = ns?.injection;
        item.description = inj === 'enabled' ? 'istio-injection=enabled' : inj?.startsWith('rev:') ? `istio.io/rev=${inj.slice(4)}` : inj === 'disabled' ? 'injection disabled' : 'no injection';
        item.iconPath = new vscode.ThemeIcon(inj && inj !== 'disabled' ? 'symbol-namespace' : 'circle-large-outline');
        item.contextValue = 'namespace';
        return item;
      }
      case 'workload': {
        const w = this.session?.model.workloads(node.namespace).find((x) => x.name === node.workload);
        const item = new vscode.TreeItem(node.workload, C.Collapsed);
        item.id = `wl:${ctx}/${node.namespace}/${node.workload}`;
        item.description = w ? `${w.kind} · ${w.pods} pod(s) · ${w.sidecars} sidecar(s)` : '';
        item.iconPath = new vscode.ThemeIcon('layers');
        item.contextValue = 'workload';
        return item;
      }
      case 'pod':
        return this.podItem(node.pod, ctx, node.parent);
      case 'container': {
        const c = node.container;
        const item = new vscode.TreeItem(c.name, C.None);
        item.id = `ctr:${ctx}/${node.parent}/${node.pod.namespace}/${node.pod.name}/${c.name}`;
        item.description = `${c.sidecar ? `sidecar${c.native ? ' (native)' : ''} · ` : ''}${c.image} · ${c.ready ? 'ready' : 'not ready'}${c.restarts ? ` · ${c.restarts} restarts` : ''}`;
        item.iconPath = new vscode.ThemeIcon(c.sidecar ? 'shield' : 'package', c.ready ? undefined : new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.contextValue = c.sidecar ? 'container.sidecar' : 'container';
        return item;
      }
    }
  }

  private podItem(p: PodInfo, ctx: string, parent: string): vscode.TreeItem {
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `pod:${ctx}/${parent}/${p.namespace}/${p.name}`;
    const injected = this.session?.model.namespaces.get(p.namespace)?.injection;
    const missing = !p.sidecar && !!injected && injected !== 'disabled';
    const sync = this.session?.sync.get(`${p.name}.${p.namespace}`);
    const cpVersions = this.session?.model.controlPlane().versions ?? [];
    const skew = p.proxyVersion && cpVersions.length && !cpVersions.includes(p.proxyVersion) ? ` · skew: proxy ${p.proxyVersion} vs istiod ${cpVersions.join(', ')}` : '';
    const syncText = sync ? ` · ${Object.entries(sync.status).filter(([, v]) => v !== 'SYNCED').map(([k, v]) => `${k} ${v}`).join(', ') || 'SYNCED'}` : '';
    item.description = `${p.phase}${p.ready ? '' : ' (not ready)'}${p.restarts ? ` · ${p.restarts} restarts` : ''}${p.sidecar ? ` · proxy ${p.proxyVersion ?? '?'}${syncText}${skew}` : missing ? ' · NO SIDECAR in an injected namespace' : ''}`;
    item.iconPath = new vscode.ThemeIcon(p.sidecar ? 'vm-active' : missing ? 'warning' : 'vm-outline', missing || !p.ready ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
    item.contextValue = p.sidecar ? 'pod.sidecar' : 'pod';
    item.tooltip = `${p.namespace}/${p.name}\n${p.workloadKind} ${p.workload}\n${p.containers.map((c) => `${c.name}: ${c.image}`).join('\n')}`;
    return item;
  }

  getParent(node: MeshNode): MeshNode | undefined {
    switch (node.kind) {
      case 'status': case 'controlPlane': case 'namespace':
        return { kind: 'context', context: node.context };
      case 'workload':
        return { kind: 'namespace', context: node.context, namespace: node.namespace };
      case 'pod':
        return node.parent === 'controlPlane' ? { kind: 'controlPlane', context: node.context } : { kind: 'workload', context: node.context, namespace: node.pod.namespace, workload: node.pod.workload };
      case 'container':
        return { kind: 'pod', context: node.context, pod: node.pod, parent: node.parent };
      default:
        return undefined;
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.disconnect();
    this.changed.dispose();
    this.sessionChanged.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}
