// Typed getters for istioWorkbench.graph.* and istioWorkbench.prometheus.* (kept next to the feature that reads them).
import * as vscode from 'vscode';
import { DEFAULT_OPTIONS, sanitizeOptions, type GraphViewOptions } from '../graph/protocol';

export const GRAPH_SETTINGS = ['istioWorkbench.graph', 'istioWorkbench.prometheus'];

export class GraphSettings {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('istioWorkbench');
  }

  get prometheusUrl(): string {
    return this.cfg.get<string>('prometheus.url', '').trim();
  }

  get timeoutMs(): number {
    return Math.max(500, this.cfg.get<number>('prometheus.timeout', 10000));
  }

  /** Fixed evaluation time (Unix seconds) for recorded data; undefined: now. */
  get evaluationTime(): number | undefined {
    const raw = this.cfg.get<string>('prometheus.evaluationTime', '').trim();
    if (!raw) return undefined;
    const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Date.parse(raw) / 1000;
    return Number.isFinite(n) ? n : undefined;
  }

  get refreshIntervalSec(): number {
    return Math.max(0, this.cfg.get<number>('graph.refreshInterval', 0));
  }

  defaults(): GraphViewOptions {
    return sanitizeOptions({
      graphType: this.cfg.get('graph.type', DEFAULT_OPTIONS.graphType),
      layout: this.cfg.get('graph.layout', DEFAULT_OPTIONS.layout),
      window: this.cfg.get('graph.window', DEFAULT_OPTIONS.window),
      namespaces: this.cfg.get('graph.namespaces', []),
      idle: this.cfg.get('graph.showIdle', false),
    });
  }
}
