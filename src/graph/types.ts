// The service graph model: pure types shared by the model builder, the layout, the exports and the webview.

export type GraphType = 'workload' | 'app' | 'versionedApp' | 'service';
export type NodeKind = 'workload' | 'app' | 'service' | 'unknown' | 'external' | 'gateway';
export type Health = 'healthy' | 'degraded' | 'failure' | 'idle' | 'na';
export type Protocol = 'http' | 'grpc' | 'tcp';

/** Where a resource is defined in the workspace (0-based line). */
export interface SourceRef {
  uri: string;
  line: number;
  kind: string;
  name: string;
}

export interface GraphNode {
  id: string;
  kind: NodeKind;
  namespace: string;
  /** Workload, app or service name as reported by Istio (cluster-sourced: never trusted as markup). */
  name: string;
  version?: string;
  /** Requests/s into the node and the share of them that failed (5xx or 4xx). */
  inRps: number;
  health: Health;
  /** Annotations from the routing config (subsets, gateways...). */
  notes: string[];
  sources: SourceRef[];
}

export interface EdgeConfig {
  weight?: number;
  subset?: string;
  timeout?: string;
  retries?: string;
  fault?: string;
  mirror?: boolean;
  source: SourceRef;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  protocol: Protocol;
  /** Requests/s (http/grpc) or bytes/s (tcp). */
  rps: number;
  /** Share of requests answered with 5xx / 4xx, 0..1. */
  err5xx: number;
  err4xx: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  /** Share of traffic reported with connection_security_policy="mutual_tls", 0..1 (undefined: unknown). */
  mtls?: number;
  health: Health;
  /** Edges from the workspace routing config, with no traffic measured. */
  configOnly: boolean;
  config: EdgeConfig[];
}

export interface Graph {
  type: GraphType;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Evaluation time (Unix seconds) and window of the queries, or undefined for a config-only graph. */
  time?: number;
  window?: string;
  namespaces: string[];
}

/** Kiali's default health thresholds (fractions, not percent). */
export const THRESHOLDS = {
  err5xxDegraded: 0.001,
  err5xxFailure: 0.1,
  err4xxDegraded: 0.1,
  err4xxFailure: 0.2,
} as const;

/** Kiali: 5xx degraded >= 0.1%, failure > 10%; 4xx degraded > 10%, failure > 20%. */
export function healthOf(rps: number, err5xx: number, err4xx: number): Health {
  if (rps <= 0) return 'idle';
  if (err5xx > THRESHOLDS.err5xxFailure || err4xx > THRESHOLDS.err4xxFailure) return 'failure';
  if (err5xx >= THRESHOLDS.err5xxDegraded || err4xx > THRESHOLDS.err4xxDegraded) return 'degraded';
  return 'healthy';
}

const HEALTH_RANK: Record<Health, number> = { na: 0, idle: 1, healthy: 2, degraded: 3, failure: 4 };
export function worse(a: Health, b: Health): Health {
  return HEALTH_RANK[a] >= HEALTH_RANK[b] ? a : b;
}
