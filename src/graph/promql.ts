// Kiali-style PromQL for the service graph. Pure: strings in, strings out; label values are escaped.
import type { GraphType } from './types';

export interface QueryOptions {
  /** Range of rate(), e.g. "1m", "5m". */
  window: string;
  /** Namespaces to show; empty: all. */
  namespaces: string[];
  type: GraphType;
}

const WINDOW = /^\d+(ms|s|m|h|d)$/;

/** A PromQL string literal: backslash, quote and newline escaped. */
export function promString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function checkWindow(w: string): string {
  if (!WINDOW.test(w)) throw new Error(`invalid time window "${w}" (expected e.g. 30s, 1m, 5m)`);
  return w;
}

/** Source/destination labels for every graph type: the model picks what it needs, so one set serves all. */
export const SOURCE_LABELS = ['source_workload_namespace', 'source_workload', 'source_canonical_service', 'source_canonical_revision', 'source_cluster'];
export const DEST_LABELS = [
  'destination_service_namespace', 'destination_service_name', 'destination_service',
  'destination_workload_namespace', 'destination_workload', 'destination_canonical_service', 'destination_canonical_revision',
];

function nsFilter(prefix: 'source_workload_namespace' | 'destination_service_namespace', namespaces: string[]): string {
  if (!namespaces.length) return '';
  return `,${prefix}=~${promString(namespaces.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))}`;
}

export interface GraphQueries {
  /** HTTP/gRPC requests by edge, response code and mTLS, reported by the source (unknown sources: by the destination). */
  requests: string;
  requestsUnknown: string;
  /** p50/p95/p99 latency by edge (destination reporter). */
  p50: string;
  p95: string;
  p99: string;
  /** TCP bytes/s by edge. */
  tcp: string;
  /** Requests by edge and connection_security_policy as the destination reports it (the source reports "unknown"). */
  mtls: string;
}

export function graphQueries(o: QueryOptions): GraphQueries {
  const w = checkWindow(o.window);
  const edge = [...SOURCE_LABELS, ...DEST_LABELS].join(',');
  // Both the source and the destination side of a namespace selection count (traffic into or out of it).
  const nsOut = nsFilter('source_workload_namespace', o.namespaces);
  const nsIn = nsFilter('destination_service_namespace', o.namespaces);
  const req = (sel: string) => `sum by (${edge},request_protocol,response_code,grpc_response_status,connection_security_policy) (rate(istio_requests_total{${sel}}[${w}])) > 0`;
  const lat = (q: number) =>
    `histogram_quantile(${q}, sum by (le,${edge}) (rate(istio_request_duration_milliseconds_bucket{reporter="destination"${nsIn}}[${w}])) > 0)`;
  const or = (sel: (ns: string) => string) => (o.namespaces.length ? `${sel(nsOut)} or ${sel(nsIn)}` : sel(''));
  return {
    requests: or((ns) => req(`reporter="source"${ns}`)),
    // Sources outside the mesh (ingress without a sidecar, external clients) are only seen by the destination.
    requestsUnknown: req(`reporter="destination",source_workload="unknown"${nsIn}`),
    p50: lat(0.5),
    p95: lat(0.95),
    p99: lat(0.99),
    mtls: ['istio_requests_total', 'istio_tcp_sent_bytes_total']
      .map((m) => `sum by (${edge},request_protocol,connection_security_policy) (rate(${m}{reporter="destination"${nsIn}}[${w}])) > 0`).join(' or '),
    tcp: or((ns) => `sum by (${edge},connection_security_policy) (rate(istio_tcp_sent_bytes_total{reporter="source"${ns}}[${w}])) > 0`),
  };
}
