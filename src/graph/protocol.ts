// Messages between the extension and the graph webview: the one place they are defined (both sides import it).
import type { Layout, LayoutAlgorithm } from './layout';
import type { Graph, GraphType } from './types';

export interface GraphViewOptions {
  graphType: GraphType;
  layout: LayoutAlgorithm;
  /** rate() window, e.g. "1m". */
  window: string;
  /** Namespaces to query; empty: all. */
  namespaces: string[];
  /** Show workspace services and workloads that have no traffic. */
  idle: boolean;
}

export type GraphSource = 'prometheus' | 'config';

/** Extension -> webview. */
export type ToWebview =
  | { type: 'loading'; message: string }
  | { type: 'error'; message: string; detail?: string }
  | { type: 'graph'; graph: Graph; layout: Layout; source: GraphSource; options: GraphViewOptions; warnings: string[]; fetchedAt: number };

/** Webview -> extension. */
export type FromWebview =
  | { type: 'ready'; options?: GraphViewOptions }
  | { type: 'refresh' }
  | { type: 'setOptions'; options: GraphViewOptions }
  | { type: 'openNode'; id: string }
  | { type: 'export'; format: 'svg' | 'dot' }
  | { type: 'rendered'; nodes: number; ms: number };

/** What the webview persists with setState (and the serializer hands back on restore). */
export interface GraphWebviewState {
  options?: GraphViewOptions;
  filter?: string;
  hidden?: string[];
}

export const DEFAULT_OPTIONS: GraphViewOptions = { graphType: 'versionedApp', layout: 'layered', window: '1m', namespaces: [], idle: false };

const GRAPH_TYPES = ['workload', 'app', 'versionedApp', 'service'];
const LAYOUTS = ['layered', 'layered-down', 'stress', 'mrtree'];

/** Validates options coming from the webview (or a restored state); anything odd falls back to the defaults. */
export function sanitizeOptions(x: unknown): GraphViewOptions {
  const o = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
  return {
    graphType: GRAPH_TYPES.includes(o.graphType as string) ? (o.graphType as GraphType) : DEFAULT_OPTIONS.graphType,
    layout: LAYOUTS.includes(o.layout as string) ? (o.layout as LayoutAlgorithm) : DEFAULT_OPTIONS.layout,
    window: typeof o.window === 'string' && /^\d+(s|m|h)$/.test(o.window) ? o.window : DEFAULT_OPTIONS.window,
    namespaces: Array.isArray(o.namespaces) ? o.namespaces.filter((n): n is string => typeof n === 'string' && /^[a-z0-9-]{1,63}$/.test(n)) : [],
    idle: o.idle === true,
  };
}

/** Validates a message from the webview; undefined for anything unexpected. */
export function parseFromWebview(x: unknown): FromWebview | undefined {
  const m = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
  switch (m.type) {
    case 'ready': return { type: 'ready', options: m.options === undefined ? undefined : sanitizeOptions(m.options) };
    case 'refresh': return { type: 'refresh' };
    case 'setOptions': return { type: 'setOptions', options: sanitizeOptions(m.options) };
    case 'openNode': return typeof m.id === 'string' ? { type: 'openNode', id: m.id } : undefined;
    case 'export': return m.format === 'svg' || m.format === 'dot' ? { type: 'export', format: m.format } : undefined;
    case 'rendered': return typeof m.nodes === 'number' && typeof m.ms === 'number' ? { type: 'rendered', nodes: m.nodes, ms: m.ms } : undefined;
    default: return undefined;
  }
}
