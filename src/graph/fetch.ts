// Runs the graph queries against Prometheus and builds the overlaid graph (pure: no vscode).
import type { Result } from '../../server/src/core/types';
import { buildGraph, type GraphSamples } from './model';
import type { PrometheusClient, Sample } from './prometheus';
import { graphQueries } from './promql';
import type { GraphViewOptions } from './protocol';
import { overlay, type RoutingConfig } from './routing';
import type { Graph, GraphNode } from './types';

export interface FetchedGraph {
  graph: Graph;
  warnings: string[];
}

/** Queries run in parallel; the request query must answer, latency and TCP failures only warn. */
export async function fetchGraph(client: PrometheusClient, o: GraphViewOptions, cfg: RoutingConfig, time?: number, signal?: AbortSignal): Promise<Result<FetchedGraph>> {
  const q = graphQueries({ window: o.window, namespaces: o.namespaces, type: o.graphType });
  const keys = Object.keys(q) as (keyof typeof q)[];
  const answers = await Promise.all(keys.map((k) => client.query(q[k], time, signal)));
  const samples = {} as GraphSamples;
  const warnings: string[] = [];
  for (const [i, k] of keys.entries()) {
    const a = answers[i];
    if (a.ok) samples[k] = a.value;
    else if (k === 'requests' || a.error === 'cancelled') return { ok: false, error: a.error };
    else {
      samples[k] = [] as Sample[];
      warnings.push(`${k}: ${a.error}`);
    }
  }
  const g = buildGraph(samples, { type: o.graphType, time, window: o.window });
  overlay(g, g.edgeMeta, cfg);
  const graph: Graph = { type: g.type, nodes: g.nodes, edges: g.edges, time: g.time, window: g.window, namespaces: g.namespaces };
  if (o.idle) addIdle(graph, cfg);
  return { ok: true, value: { graph, warnings: [...new Set(warnings)] } };
}

/** Workloads and services from the workspace that have no traffic, as idle nodes. */
export function addIdle(g: Graph, cfg: RoutingConfig): void {
  const have = new Set(g.nodes.map((n) => `${n.namespace}/${n.name}`));
  const add = (id: string, kind: GraphNode['kind'], namespace: string, name: string, source: GraphNode['sources'][number]) => {
    if (have.has(`${namespace}/${name}`)) return;
    have.add(`${namespace}/${name}`);
    g.nodes.push({ id, kind, namespace, name, inRps: 0, health: 'idle', notes: ['no traffic in the window'], sources: [source] });
  };
  for (const w of cfg.workloads) add(`wl:${w.namespace}/${w.name}`, 'workload', w.namespace, w.name, w.source);
  for (const s of cfg.services) add(`svc:${s.namespace}/${s.name}`, 'service', s.namespace, s.name, s.source);
  g.namespaces = [...new Set(g.nodes.map((n) => n.namespace).filter(Boolean))].sort();
}
