// "Route Tables": the Envoy configuration of the sidecar chosen in the Mesh view (Show Route Tables), from its
// config_dump: route configurations -> virtual hosts -> routes, plus cluster and listener summaries. The first item
// says how the dump was fetched (port-forward, exec or istiod) and which paths failed, with the missing permission.
import * as vscode from 'vscode';
import type { ClusterSession } from '../cluster/session';
import type { ClusterError, DumpPath } from '../cluster/reader';
import { parseConfigDump, type ClusterRow, type ConfigDump, type EnvoyRoute, type ListenerRow, type RouteConfig, type VirtualHost } from '../mesh/configdump';
import type { Log } from '../log';

export interface ProxyTarget {
  context: string;
  namespace: string;
  pod: string;
}

interface Loaded {
  target: ProxyTarget;
  state: 'loading' | 'ok' | 'failed';
  via?: DumpPath;
  failed: { via: DumpPath; error: ClusterError }[];
  dump?: ConfigDump;
  raw?: string;
  parseError?: string;
}

export type RouteNode =
  | { kind: 'source'; loaded: Loaded }
  | { kind: 'failure'; via: DumpPath; error: ClusterError; ok: boolean }
  | { kind: 'routeConfig'; rc: RouteConfig; index: number }
  | { kind: 'vhost'; rc: RouteConfig; rcIndex: number; vh: VirtualHost; index: number }
  | { kind: 'route'; rcIndex: number; vhIndex: number; route: EnvoyRoute; index: number; target: ProxyTarget }
  | { kind: 'clusters'; rows: ClusterRow[] }
  | { kind: 'cluster'; row: ClusterRow }
  | { kind: 'listeners'; rows: ListenerRow[] }
  | { kind: 'listener'; row: ListenerRow; index: number };

export class RouteTablesProvider implements vscode.TreeDataProvider<RouteNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RouteNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loaded: Loaded | undefined;
  private session: ClusterSession | undefined;
  private loadSeq = 0;

  constructor(private readonly log?: Log) {}

  get current(): Loaded | undefined {
    return this.loaded;
  }

  setSession(s: ClusterSession | undefined): void {
    this.session = s;
    if (this.loaded && this.loaded.target.context !== s?.context) {
      this.loaded = undefined;
      this.refresh();
    }
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Fetches and shows the config dump of a sidecar. Resolves when the view has the result. */
  async show(target: ProxyTarget): Promise<Loaded> {
    const seq = ++this.loadSeq;
    const loaded: Loaded = { target, state: 'loading', failed: [] };
    this.loaded = loaded;
    this.refresh();
    if (!this.session || this.session.context !== target.context) {
      loaded.state = 'failed';
      loaded.failed = [{ via: 'port-forward', error: { kind: 'other', message: 'not connected to this context' } }];
      this.refresh();
      return loaded;
    }
    const r = await this.session.reader.configDump(target.namespace, target.pod);
    if (seq !== this.loadSeq) return loaded;
    if (r.ok) {
      loaded.via = r.value.via;
      loaded.failed = r.value.failed;
      loaded.raw = r.value.text;
      const dump = parseConfigDump(r.value.text);
      if (dump.ok) {
        loaded.dump = dump.value;
        loaded.state = 'ok';
      } else {
        loaded.parseError = dump.error;
        loaded.state = 'failed';
        this.log?.warn(`config_dump of ${target.namespace}/${target.pod} (via ${r.value.via}) is malformed: ${dump.error}`);
      }
    } else {
      loaded.failed = r.error;
      loaded.state = 'failed';
    }
    this.refresh();
    return loaded;
  }

  getChildren(element?: RouteNode): RouteNode[] {
    const l = this.loaded;
    if (!l) return [];
    if (!element) {
      const nodes: RouteNode[] = [{ kind: 'source', loaded: l }];
      if (l.dump) {
        nodes.push(...l.dump.routes.map((rc, index): RouteNode => ({ kind: 'routeConfig', rc, index })));
        nodes.push({ kind: 'clusters', rows: l.dump.clusters }, { kind: 'listeners', rows: l.dump.listeners });
      }
      return nodes;
    }
    switch (element.kind) {
      case 'source': return element.loaded.failed.map((f) => ({ kind: 'failure', via: f.via, error: f.error, ok: element.loaded.state === 'ok' }));
      case 'routeConfig': return element.rc.virtualHosts.map((vh, index) => ({ kind: 'vhost', rc: element.rc, rcIndex: element.index, vh, index }));
      case 'vhost': return element.vh.routes.map((route, index) => ({ kind: 'route', rcIndex: element.rcIndex, vhIndex: element.index, route, index, target: l.target }));
      case 'clusters': return element.rows.map((row) => ({ kind: 'cluster', row }));
      case 'listeners': return element.rows.map((row, index) => ({ kind: 'listener', row, index }));
      default: return [];
    }
  }

  getTreeItem(node: RouteNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    const key = this.loaded ? `${this.loaded.target.context}/${this.loaded.target.namespace}/${this.loaded.target.pod}` : '';
    switch (node.kind) {
      case 'source': {
        const l = node.loaded;
        const item = new vscode.TreeItem(`${l.target.namespace}/${l.target.pod}`, l.failed.length ? C.Expanded : C.None);
        item.id = `src:${key}`;
        item.description = l.state === 'loading' ? 'fetching config_dump…' : l.state === 'ok' ? `config_dump via ${l.via}` : l.parseError ? `malformed config_dump (via ${l.via}): ${l.parseError}` : 'config_dump not available';
        item.iconPath = new vscode.ThemeIcon(l.state === 'loading' ? 'loading~spin' : l.state === 'ok' ? 'shield' : 'error');
        item.contextValue = l.raw ? 'dumpSource.raw' : 'dumpSource';
        item.tooltip = item.description;
        return item;
      }
      case 'failure': {
        const item = new vscode.TreeItem(`${node.via} failed`, C.None);
        item.id = `fail:${key}/${node.via}`;
        item.description = `${node.error.message}${node.error.permission && node.error.kind === 'forbidden' ? ` (missing RBAC: ${node.error.permission})` : ''}`;
        item.tooltip = item.description;
        item.iconPath = new vscode.ThemeIcon(node.ok ? 'info' : 'warning');
        item.contextValue = 'dumpFailure';
        return item;
      }
      case 'routeConfig': {
        const item = new vscode.TreeItem(node.rc.name || '(static)', C.Collapsed);
        item.id = `rc:${key}/${node.index}`;
        item.description = `${node.rc.dynamic ? 'RDS' : 'static'} · ${node.rc.virtualHosts.length} virtual host(s)`;
        item.iconPath = new vscode.ThemeIcon('symbol-interface');
        item.contextValue = 'routeConfig';
        return item;
      }
      case 'vhost': {
        const item = new vscode.TreeItem(node.vh.name, C.Collapsed);
        item.id = `vh:${key}/${node.rcIndex}/${node.index}`;
        item.description = node.vh.domainsSummary;
        item.tooltip = node.vh.domains.join('\n');
        item.iconPath = new vscode.ThemeIcon('globe');
        item.contextValue = 'virtualHost';
        return item;
      }
      case 'route': {
        const r = node.route;
        const item = new vscode.TreeItem(r.match || '(any)', C.None);
        item.id = `rt:${key}/${node.rcIndex}/${node.vhIndex}/${node.index}`;
        item.description = `→ ${r.action.summary}${r.action.timeout ? ` · timeout ${r.action.timeout}` : ''}${r.action.retries ? ` · retries ${r.action.retries}` : ''}${r.virtualService ? ` · ${r.virtualService}` : ''}`;
        item.tooltip = `${r.name ? `${r.name}\n` : ''}${item.description}${r.config ? `\n${r.config.kind} ${r.config.namespace}/${r.config.name}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('arrow-right');
        item.contextValue = r.config?.kind === 'VirtualService' ? 'route.virtualService' : 'route';
        return item;
      }
      case 'clusters': {
        const item = new vscode.TreeItem('Clusters', C.Collapsed);
        item.id = `clusters:${key}`;
        item.description = `${node.rows.length}`;
        item.iconPath = new vscode.ThemeIcon('server');
        return item;
      }
      case 'cluster': {
        const c = node.row;
        const item = new vscode.TreeItem(c.name, C.None);
        item.id = `cl:${key}/${c.name}`;
        item.description = [c.direction, c.port, c.subset, c.type, c.destinationRule].filter((x) => x && x !== '-').join(' · ');
        item.iconPath = new vscode.ThemeIcon('server-process');
        return item;
      }
      case 'listeners': {
        const item = new vscode.TreeItem('Listeners', C.Collapsed);
        item.id = `listeners:${key}`;
        item.description = `${node.rows.length}`;
        item.iconPath = new vscode.ThemeIcon('radio-tower');
        return item;
      }
      case 'listener': {
        const l = node.row;
        const item = new vscode.TreeItem(l.name || `${l.address}:${l.port}`, C.None);
        item.id = `ls:${key}/${node.index}`;
        item.description = `${l.address}:${l.port} · ${l.filterChains} filter chain(s)${l.destinations.length ? ` · ${l.destinations.join(', ')}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('plug');
        return item;
      }
    }
  }

  getParent(node: RouteNode): RouteNode | undefined {
    const l = this.loaded;
    if (!l) return undefined;
    switch (node.kind) {
      case 'failure': return { kind: 'source', loaded: l };
      case 'vhost': return { kind: 'routeConfig', rc: node.rc, index: node.rcIndex };
      case 'route': {
        const rc = l.dump?.routes[node.rcIndex];
        return rc ? { kind: 'vhost', rc, rcIndex: node.rcIndex, vh: rc.virtualHosts[node.vhIndex], index: node.vhIndex } : undefined;
      }
      case 'cluster': return l.dump ? { kind: 'clusters', rows: l.dump.clusters } : undefined;
      case 'listener': return l.dump ? { kind: 'listeners', rows: l.dump.listeners } : undefined;
      default: return undefined;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
