// Layout with elkjs (pure; the bundled build runs in plain Node, no worker). Namespaces become ELK compound nodes.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Graph } from './types';

export type LayoutAlgorithm = 'layered' | 'layered-down' | 'stress' | 'mrtree';
export const LAYOUTS: LayoutAlgorithm[] = ['layered', 'layered-down', 'stress', 'mrtree'];

export interface Box { x: number; y: number; w: number; h: number }
export interface Layout {
  algorithm: LayoutAlgorithm;
  width: number;
  height: number;
  nodes: Record<string, Box>;
  /** Namespace boxes (when grouped). */
  groups: Record<string, Box>;
  /** Edge polylines; edges left out of the layout (large graphs) are drawn straight by the renderer. */
  edges: Record<string, { x: number; y: number }[]>;
  ms: number;
}

/** Above this many edges only one "backbone" edge per node (its busiest incoming one) shapes the layout. */
export const FULL_LAYOUT_MAX_EDGES = 600;
/** Above this many nodes namespaces are not drawn as boxes (compound layout is too slow). */
export const GROUP_MAX_NODES = 150;

const NODE_H = 34;
const elk = new ELK();

export function nodeWidth(label: string): number {
  return Math.min(260, Math.max(90, 24 + label.length * 7.2));
}

export function nodeLabel(n: { name: string; version?: string }): string {
  return n.version ? `${n.name} ${n.version}` : n.name;
}

function options(algorithm: LayoutAlgorithm, large = false): Record<string, string> {
  const common = { 'elk.spacing.nodeNode': '28', 'elk.padding': '[top=28,left=14,bottom=14,right=14]' };
  switch (algorithm) {
    case 'stress': return { ...common, 'elk.algorithm': 'stress', 'elk.stress.desiredEdgeLength': '160' };
    case 'mrtree': return { ...common, 'elk.algorithm': 'mrtree' };
    default: return {
      ...common, 'elk.algorithm': 'layered', 'elk.direction': algorithm === 'layered-down' ? 'DOWN' : 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70', 'elk.edgeRouting': 'POLYLINE',
      'elk.layered.nodePlacement.strategy': 'SIMPLE', 'elk.layered.thoroughness': large ? '1' : '4',
      ...(large ? {} : { 'elk.hierarchyHandling': 'INCLUDE_CHILDREN' }),
    };
  }
}

/** Edges ELK lays out: all of them for small graphs, otherwise the busiest incoming edge of every node. */
export function layoutEdges(g: Graph): Graph['edges'] {
  if (g.edges.length <= FULL_LAYOUT_MAX_EDGES) return g.edges.filter((e) => e.source !== e.target);
  const best = new Map<string, Graph['edges'][number]>();
  for (const e of g.edges) {
    if (e.source === e.target) continue;
    const b = best.get(e.target);
    if (!b || e.rps > b.rps) best.set(e.target, e);
  }
  return [...best.values()];
}

export async function layoutGraph(g: Graph, algorithm: LayoutAlgorithm = 'layered'): Promise<Layout> {
  const t0 = Date.now();
  const group = g.nodes.length <= GROUP_MAX_NODES && algorithm !== 'mrtree' && new Set(g.nodes.map((n) => n.namespace)).size > 1;
  const leaf = (n: Graph['nodes'][number]): ElkNode => ({ id: n.id, width: nodeWidth(nodeLabel(n)), height: NODE_H });
  let children: ElkNode[];
  if (group) {
    const byNs = new Map<string, ElkNode[]>();
    for (const n of g.nodes) {
      const key = n.namespace || '(outside)';
      if (!byNs.has(key)) byNs.set(key, []);
      byNs.get(key)!.push(leaf(n));
    }
    children = [...byNs].map(([ns, kids]) => ({ id: `ns:${ns}`, children: kids, layoutOptions: options(algorithm) }));
  } else children = g.nodes.map(leaf);
  const edges: ElkExtendedEdge[] = layoutEdges(g).map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] }));
  // Edge points in root coordinates whatever the edge's container is.
  const large = g.nodes.length > GROUP_MAX_NODES;
  const input: ElkNode = { id: 'root', layoutOptions: { ...options(algorithm, large), 'elk.json.edgeCoords': 'ROOT' }, children, edges };
  const root: ElkNode = await elk.layout(input);
  const out: Layout = { algorithm, width: root.width ?? 0, height: root.height ?? 0, nodes: {}, groups: {}, edges: {}, ms: 0 };
  for (const c of root.children ?? []) {
    if (c.children) {
      out.groups[c.id.slice(3)] = { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 };
      for (const k of c.children) out.nodes[k.id] = { x: (c.x ?? 0) + (k.x ?? 0), y: (c.y ?? 0) + (k.y ?? 0), w: k.width ?? 0, h: k.height ?? 0 };
    } else out.nodes[c.id] = { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 };
  }
  for (const e of root.edges ?? []) {
    const s = e.sections?.[0];
    if (s) out.edges[e.id] = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x, y: p.y }));
  }
  out.ms = Date.now() - t0;
  return out;
}
