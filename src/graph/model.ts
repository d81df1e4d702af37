// Builds the service graph from Prometheus samples (pure). Node identity depends on the graph type, as in Kiali.
import type { Sample } from './prometheus';
import { healthOf, worse, type Graph, type GraphEdge, type GraphNode, type GraphType, type NodeKind, type Protocol } from './types';

export interface GraphSamples {
  requests: Sample[];
  requestsUnknown: Sample[];
  p50: Sample[];
  p95: Sample[];
  p99: Sample[];
  tcp: Sample[];
  mtls: Sample[];
}

const UNKNOWN = 'unknown';
const isUnknown = (s: string | undefined) => !s || s === UNKNOWN;
const EXTERNAL_SERVICES = new Set(['PassthroughCluster', 'BlackHoleCluster']);

interface NodeKey { id: string; kind: NodeKind; namespace: string; name: string; version?: string }

function isGateway(workload: string): boolean {
  return /(ingress|egress)gateway/.test(workload);
}

/** The source node of a sample for a graph type. */
export function sourceNode(m: Record<string, string>, type: GraphType): NodeKey {
  const ns = m.source_workload_namespace ?? '';
  const wl = m.source_workload ?? '';
  if (isUnknown(wl)) return { id: 'unknown', kind: 'unknown', namespace: '', name: UNKNOWN };
  if (isGateway(wl) || type === 'workload') return { id: `wl:${ns}/${wl}`, kind: isGateway(wl) ? 'gateway' : 'workload', namespace: ns, name: wl };
  const app = isUnknown(m.source_canonical_service) ? wl : m.source_canonical_service;
  if (type === 'versionedApp') {
    const v = m.source_canonical_revision ?? '';
    return { id: `app:${ns}/${app}/${v}`, kind: 'app', namespace: ns, name: app, version: v };
  }
  if (type === 'service') return { id: `svc:${ns}/${app}`, kind: 'service', namespace: ns, name: app };
  return { id: `app:${ns}/${app}`, kind: 'app', namespace: ns, name: app };
}

/** The destination node of a sample for a graph type; services outside the mesh become external nodes. */
export function destNode(m: Record<string, string>, type: GraphType): NodeKey {
  const svc = m.destination_service_name || m.destination_service || '';
  const sns = m.destination_service_namespace ?? '';
  if (EXTERNAL_SERVICES.has(svc) || (isUnknown(sns) && isUnknown(m.destination_workload))) {
    const host = isUnknown(m.destination_service) ? svc || UNKNOWN : m.destination_service;
    return { id: `ext:${host}`, kind: 'external', namespace: '', name: host };
  }
  const wns = m.destination_workload_namespace || sns;
  const wl = m.destination_workload ?? '';
  if (type === 'service' || isUnknown(wl)) return { id: `svc:${sns}/${svc}`, kind: 'service', namespace: sns, name: svc };
  if (type === 'workload') return { id: `wl:${wns}/${wl}`, kind: isGateway(wl) ? 'gateway' : 'workload', namespace: wns, name: wl };
  const app = isUnknown(m.destination_canonical_service) ? wl : m.destination_canonical_service;
  if (type === 'versionedApp') {
    const v = m.destination_canonical_revision ?? '';
    return { id: `app:${wns}/${app}/${v}`, kind: 'app', namespace: wns, name: app, version: v };
  }
  return { id: `app:${wns}/${app}`, kind: 'app', namespace: wns, name: app };
}

interface Acc {
  edge: GraphEdge;
  total: number;
  e5: number;
  e4: number;
  mtls: number;
  tlsSeen: number;
  destService: string;
  destServiceNs: string;
  destVersion: string;
}

export interface BuildOptions {
  type: GraphType;
  time?: number;
  window?: string;
}

/** Graph from the answers of graphQueries(): nodes, edges with rps, error rates, latency, mTLS share and health. */
export function buildGraph(s: GraphSamples, o: BuildOptions): Graph & { edgeMeta: Map<string, EdgeMeta> } {
  const nodes = new Map<string, GraphNode>();
  const accs = new Map<string, Acc>();
  const addNode = (k: NodeKey) => {
    let n = nodes.get(k.id);
    if (!n) {
      n = { id: k.id, kind: k.kind, namespace: k.namespace, name: k.name, inRps: 0, health: 'na', notes: [], sources: [] };
      if (k.version) n.version = k.version;
      nodes.set(k.id, n);
    }
    return n;
  };
  const edgeOf = (m: Record<string, string>, protocol: Protocol): Acc => {
    const src = addNode(sourceNode(m, o.type));
    const dst = addNode(destNode(m, o.type));
    const id = `${src.id}->${dst.id}:${protocol}`;
    let a = accs.get(id);
    if (!a) {
      a = {
        edge: { id, source: src.id, target: dst.id, protocol, rps: 0, err5xx: 0, err4xx: 0, health: 'na', configOnly: false, config: [] },
        total: 0, e5: 0, e4: 0, mtls: 0, tlsSeen: 0,
        destService: m.destination_service_name ?? '', destServiceNs: m.destination_service_namespace ?? '',
        destVersion: m.destination_canonical_revision ?? '',
      };
      accs.set(id, a);
    }
    return a;
  };
  for (const { metric: m, value } of [...s.requests, ...s.requestsUnknown]) {
    const protocol: Protocol = m.request_protocol === 'grpc' ? 'grpc' : 'http';
    const a = edgeOf(m, protocol);
    a.total += value;
    const code = m.response_code ?? '';
    const grpcFailed = protocol === 'grpc' && m.grpc_response_status !== undefined && m.grpc_response_status !== '0' && m.grpc_response_status !== '';
    if (code.startsWith('5') || grpcFailed) a.e5 += value;
    else if (code.startsWith('4')) a.e4 += value;
  }
  for (const { metric: m, value } of s.tcp) {
    const a = edgeOf(m, 'tcp');
    a.total += value;
  }
  // mTLS share from the destination's reports (only the destination knows the connection's security policy).
  for (const { metric: m, value } of s.mtls) {
    const protocol: Protocol = m.request_protocol === 'grpc' ? 'grpc' : m.request_protocol === 'tcp' ? 'tcp' : 'http';
    const a = accs.get(`${sourceNode(m, o.type).id}->${destNode(m, o.type).id}:${protocol}`);
    if (!a) continue;
    a.tlsSeen += value;
    if (m.connection_security_policy === 'mutual_tls') a.mtls += value;
  }
  const latency = (samples: Sample[], key: 'p50Ms' | 'p95Ms' | 'p99Ms') => {
    for (const { metric: m, value } of samples) {
      for (const protocol of ['http', 'grpc'] as const) {
        const src = sourceNode(m, o.type).id;
        const dst = destNode(m, o.type).id;
        const a = accs.get(`${src}->${dst}:${protocol}`);
        if (a) a.edge[key] = Math.max(a.edge[key] ?? 0, value);
      }
    }
  };
  latency(s.p50, 'p50Ms');
  latency(s.p95, 'p95Ms');
  latency(s.p99, 'p99Ms');
  const edges: GraphEdge[] = [];
  const edgeMeta = new Map<string, EdgeMeta>();
  for (const a of accs.values()) {
    const e = a.edge;
    e.rps = round(a.total);
    e.err5xx = a.total > 0 ? round(a.e5 / a.total) : 0;
    e.err4xx = a.total > 0 ? round(a.e4 / a.total) : 0;
    // mTLS is only known when the destination reported the edge (not for external destinations).
    if (a.tlsSeen > 0) e.mtls = round(a.mtls / a.tlsSeen);
    e.health = e.protocol === 'tcp' ? (e.rps > 0 ? 'healthy' : 'idle') : healthOf(a.total, e.err5xx, e.err4xx);
    edges.push(e);
    edgeMeta.set(e.id, { destService: a.destService, destServiceNs: a.destServiceNs, destVersion: a.destVersion });
    const dst = nodes.get(e.target)!;
    if (e.protocol !== 'tcp') dst.inRps = round(dst.inRps + e.rps);
    dst.health = worse(dst.health, e.health);
  }
  for (const n of nodes.values()) if (n.health === 'na' && n.kind !== 'unknown') n.health = 'healthy';
  const sortedNodes = [...nodes.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  edges.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const namespaces = [...new Set(sortedNodes.map((n) => n.namespace).filter(Boolean))].sort();
  return { type: o.type, nodes: sortedNodes, edges, time: o.time, window: o.window, namespaces, edgeMeta };
}

/** What the config overlay needs to know about an edge's destination. */
export interface EdgeMeta {
  destService: string;
  destServiceNs: string;
  destVersion: string;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
