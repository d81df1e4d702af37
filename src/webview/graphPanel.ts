// The service graph panel: one per window, restored by a WebviewPanelSerializer. Loads are cancellable and bounded;
// the page always ends in a graph, an empty state or an error state.
import * as vscode from 'vscode';
import { toDot, toSvg } from '../graph/export';
import { fetchGraph } from '../graph/fetch';
import { layoutGraph, type Layout } from '../graph/layout';
import { PrometheusClient } from '../graph/prometheus';
import { parseFromWebview, sanitizeOptions, type FromWebview, type GraphSource, type GraphViewOptions, type ToWebview } from '../graph/protocol';
import { configGraph } from '../graph/routing';
import type { Graph } from '../graph/types';
import type { Log } from '../log';
import { GRAPH_SETTINGS, GraphSettings } from './graphSettings';
import { graphHtml } from './html';
import { workspaceRouting } from './workspaceRouting';

export const VIEW_TYPE = 'istioWorkbench.serviceGraph';

export class GraphPanel {
  static current: GraphPanel | undefined;
  private readonly _disposables: vscode.Disposable[] = [];
  private readonly settings = new GraphSettings();
  private options: GraphViewOptions;
  private abort: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last: { graph: Graph; layout: Layout } | undefined;
  private loadStarted = 0;
  /** Resolves with the first 'rendered' report of each load (e2e and the log read it). */
  lastRender: { nodes: number; ms: number; sinceLoadMs: number } | undefined;

  static show(extensionUri: vscode.Uri, log: Log): GraphPanel {
    if (GraphPanel.current) {
      GraphPanel.current.panel.reveal();
      return GraphPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Istio Service Graph', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new GraphPanel(panel, extensionUri, log);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: Log, state: unknown): GraphPanel {
    panel.webview.options = webviewOptions(extensionUri);
    const restored = (state as { options?: unknown } | undefined)?.options;
    return new GraphPanel(panel, extensionUri, log, restored === undefined ? undefined : sanitizeOptions(restored));
  }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly log: Log, options?: GraphViewOptions) {
    GraphPanel.current = this;
    this.options = options ?? this.settings.defaults();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'istio.svg');
    const asUri = (f: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', f)).toString();
    panel.webview.html = graphHtml({ cspSource: panel.webview.cspSource, script: asUri('graph.js'), style: asUri('graph.css') });
    this._disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(parseFromWebview(m))),
      panel.onDidChangeViewState(() => this.schedule()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (GRAPH_SETTINGS.some((s) => e.affectsConfiguration(s))) void this.load();
      }),
    );
  }

  private post(m: ToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  private onMessage(m: FromWebview | undefined): void {
    if (!m) return;
    switch (m.type) {
      case 'ready':
        if (m.options) this.options = m.options;
        void this.load();
        return;
      case 'refresh':
        void this.load();
        return;
      case 'setOptions':
        this.options = m.options;
        void this.load();
        return;
      case 'openNode':
        void this.openNode(m.id);
        return;
      case 'export':
        void this.export(m.format);
        return;
      case 'rendered':
        this.lastRender = { nodes: m.nodes, ms: m.ms, sinceLoadMs: Date.now() - this.loadStarted };
        this.log.info(`service graph: ${m.nodes} nodes painted in ${m.ms} ms, ${this.lastRender.sinceLoadMs} ms after the load started`);
        return;
    }
  }

  /** Fetches (or builds from config), lays out and posts the graph. A newer load cancels the older one. */
  async load(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.loadStarted = Date.now();
    const url = this.settings.prometheusUrl;
    this.post({ type: 'loading', message: url ? `Querying Prometheus at ${url}…` : 'Reading the workspace routing config…' });
    try {
      const routing = await workspaceRouting();
      if (abort.signal.aborted) return;
      let graph: Graph;
      let source: GraphSource = 'prometheus';
      const warnings: string[] = [];
      if (url) {
        const client = new PrometheusClient({ url, timeoutMs: this.settings.timeoutMs });
        const r = await fetchGraph(client, this.options, routing, this.settings.evaluationTime, abort.signal);
        if (abort.signal.aborted) return;
        if (r.ok) {
          graph = r.value.graph;
          warnings.push(...r.value.warnings);
        } else {
          this.log.warn(`service graph: ${r.error}`);
          graph = configGraph(routing);
          source = 'config';
          warnings.push(`Prometheus: ${r.error}. Showing the graph the workspace routing config implies.`);
        }
      } else {
        graph = configGraph(routing);
        source = 'config';
        warnings.push('No Prometheus configured (istioWorkbench.prometheus.url): showing the graph the workspace routing config implies.');
      }
      this.post({ type: 'loading', message: `Laying out ${graph.nodes.length} nodes…` });
      const layout = await layoutGraph(graph, this.options.layout);
      if (abort.signal.aborted) return;
      this.last = { graph, layout };
      this.post({ type: 'graph', graph, layout, source, options: this.options, warnings, fetchedAt: Date.now() });
    } catch (e) {
      this.log.error('service graph failed', e);
      this.post({ type: 'error', message: 'The service graph could not be built.', detail: e instanceof Error ? e.message : String(e) });
    } finally {
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const every = this.settings.refreshIntervalSec;
    if (every > 0 && this.panel.visible) this.timer = setTimeout(() => void this.load(), every * 1000);
  }

  private async openNode(id: string): Promise<void> {
    const node = this.last?.graph.nodes.find((n) => n.id === id);
    if (!node) return;
    // Prefer the workload's own manifest, then the service, then routing resources.
    const rank = (k: string) => (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod'].includes(k) ? 0 : k === 'Service' ? 1 : 2);
    const src = [...node.sources].sort((a, b) => rank(a.kind) - rank(b.kind))[0];
    if (!src) {
      void vscode.window.showInformationMessage(`No YAML in the workspace defines ${node.kind} ${node.name}.`);
      return;
    }
    const pos = new vscode.Position(src.line, 0);
    await vscode.window.showTextDocument(vscode.Uri.parse(src.uri), { selection: new vscode.Range(pos, pos), preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  private async export(format: 'svg' | 'dot'): Promise<void> {
    if (!this.last) return;
    const text = format === 'svg' ? toSvg(this.last.graph, this.last.layout) : toDot(this.last.graph);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `service-graph.${format}`) : undefined,
      filters: format === 'svg' ? { SVG: ['svg'] } : { 'Graphviz DOT': ['dot', 'gv'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    this.log.info(`service graph exported to ${target.toString()}`);
  }

  dispose(): void {
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    this.abort?.abort();
    if (this.timer) clearTimeout(this.timer);
    this.panel.dispose();
    for (const d of this._disposables.splice(0)) d.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')],
  };
}

/** Restores the panel after a reload with the options the page saved with setState. */
export function registerGraphSerializer(extensionUri: vscode.Uri, log: Log): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    deserializeWebviewPanel: async (panel, state) => {
      GraphPanel.revive(panel, extensionUri, log, state);
    },
  });
}
