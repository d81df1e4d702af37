// Deterministic Istio metrics for a bookinfo mesh, written as OpenMetrics text for `promtool tsdb create-blocks-from
// openmetrics`. Fixed past timestamps: query with time=QUERY_TIME so answers never depend on the clock.
'use strict';

const T0 = 1700000000; // 2023-11-14T22:13:20Z
const STEP = 15;
const STEPS = 40; // 10 minutes
const QUERY_TIME = T0 + STEP * STEPS;
const BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

const wl = (name, ns, app, version, cluster = 'Kubernetes') => ({ name, ns, app, version, cluster });
const GW = wl('istio-ingressgateway', 'istio-system', 'istio-ingressgateway', 'unknown');
const PP = wl('productpage-v1', 'default', 'productpage', 'v1');
const DT = wl('details-v1', 'default', 'details', 'v1');
const R1 = wl('reviews-v1', 'default', 'reviews', 'v1');
const R2 = wl('reviews-v2', 'default', 'reviews', 'v2');
const RT = wl('ratings-v1', 'default', 'ratings', 'v1');
const MG = wl('mongodb-v1', 'default', 'mongodb', 'v1');
const UNKNOWN = { name: 'unknown', ns: 'unknown', app: 'unknown', version: 'unknown', cluster: 'unknown' };

/**
 * The demo mesh's edges. codes: {response_code: requests/s}; latency: {bucket upper bound: share}; mtls: whether the
 * destination reports mutual_tls. tcp edges carry bytes/s instead.
 */
function bookinfoEdges({ hostile = false } = {}) {
  const edges = [
    { src: GW, dst: PP, svc: 'productpage', codes: { 200: 10 }, latency: { 50: 0.5, 100: 0.4, 250: 0.1 }, mtls: true },
    { src: UNKNOWN, dst: PP, svc: 'productpage', codes: { 200: 0.5 }, latency: { 50: 1 }, mtls: false },
    { src: PP, dst: DT, svc: 'details', codes: { 200: 10 }, latency: { 5: 0.9, 10: 0.1 }, mtls: false },
    { src: PP, dst: R1, svc: 'reviews', codes: { 200: 9 }, latency: { 10: 0.5, 50: 0.4, 250: 0.1 }, mtls: true },
    { src: PP, dst: R2, svc: 'reviews', codes: { 200: 0.9, 503: 0.1 }, latency: { 25: 0.5, 100: 0.5 }, mtls: true },
    { src: R2, dst: RT, svc: 'ratings', codes: { 200: 0.75, 500: 0.25 }, latency: { 5: 1 }, mtls: true },
    { src: PP, dst: null, svc: 'httpbin.org', codes: { 200: 0.2 }, latency: { 250: 1 }, mtls: false },
    { src: RT, dst: MG, svc: 'mongodb', tcp: 2000, mtls: true },
  ];
  if (hostile) {
    const evil = wl('<img src=x onerror=window.pwned=1>', 'default', '<b>evil</b>', 'v1');
    edges.push({ src: evil, dst: PP, svc: 'productpage', codes: { 200: 1 }, latency: { 10: 1 }, mtls: true });
  }
  return edges;
}

const esc = (v) => String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (o) => `{${Object.entries(o).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;

function labels(e, reporter, extra = {}) {
  const external = !e.dst;
  const d = e.dst ?? UNKNOWN;
  return {
    reporter,
    source_workload: e.src.name, source_workload_namespace: e.src.ns, source_app: e.src.app, source_version: e.src.version,
    source_principal: e.src.name === 'unknown' ? 'unknown' : `spiffe://cluster.local/ns/${e.src.ns}/sa/bookinfo-${e.src.app}`,
    source_cluster: e.src.cluster, source_canonical_service: e.src.app, source_canonical_revision: e.src.version,
    destination_service: external ? e.svc : `${e.svc}.${d.ns}.svc.cluster.local`,
    destination_service_name: external ? 'PassthroughCluster' : e.svc,
    destination_service_namespace: external ? 'unknown' : d.ns,
    destination_workload: d.name, destination_workload_namespace: d.ns, destination_app: d.app, destination_version: d.version,
    destination_principal: external ? 'unknown' : `spiffe://cluster.local/ns/${d.ns}/sa/bookinfo-${d.app}`,
    destination_cluster: d.cluster, destination_canonical_service: d.app, destination_canonical_revision: d.version,
    request_protocol: e.tcp ? 'tcp' : 'http', response_flags: '-',
    connection_security_policy: reporter === 'destination' ? (e.mtls ? 'mutual_tls' : 'none') : 'unknown',
    ...extra,
  };
}

/** OpenMetrics text of the mesh's counters and latency histograms over 10 minutes. */
function openMetrics(edges) {
  const req = ['# TYPE istio_requests counter'];
  const tcp = ['# TYPE istio_tcp_sent_bytes counter'];
  const hist = ['# TYPE istio_request_duration_milliseconds histogram'];
  for (let i = 0; i <= STEPS; i++) {
    const ts = T0 + i * STEP;
    const secs = i * STEP;
    for (const e of edges) {
      // Unknown sources have no sidecar: only the destination reports them; external destinations only the source.
      const reporters = e.src === UNKNOWN ? ['destination'] : e.dst ? ['source', 'destination'] : ['source'];
      for (const reporter of reporters) {
        if (e.tcp) {
          tcp.push(`istio_tcp_sent_bytes_total${labelText(labels(e, reporter))} ${e.tcp * secs} ${ts}`);
          continue;
        }
        let total = 0;
        for (const [code, rps] of Object.entries(e.codes)) {
          total += rps;
          const grpc = { grpc_response_status: '' };
          req.push(`istio_requests_total${labelText(labels(e, reporter, { response_code: code, ...grpc }))} ${+(rps * secs).toFixed(6)} ${ts}`);
        }
        if (reporter !== 'destination') continue;
        const base = labels(e, reporter, { response_code: '200', grpc_response_status: '' });
        let cum = 0;
        let sum = 0;
        for (const le of BUCKETS) {
          cum += e.latency[le] ?? 0;
          hist.push(`istio_request_duration_milliseconds_bucket${labelText({ ...base, le: String(le) })} ${+(cum * total * secs).toFixed(6)} ${ts}`);
        }
        for (const [le, share] of Object.entries(e.latency)) sum += Number(le) * share;
        hist.push(`istio_request_duration_milliseconds_bucket${labelText({ ...base, le: '+Inf' })} ${+(total * secs).toFixed(6)} ${ts}`);
        hist.push(`istio_request_duration_milliseconds_sum${labelText(base)} ${+(sum * total * secs).toFixed(6)} ${ts}`);
        hist.push(`istio_request_duration_milliseconds_count${labelText(base)} ${+(total * secs).toFixed(6)} ${ts}`);
      }
    }
  }
  return [...req, ...tcp, ...hist, '# EOF', ''].join('\n');
}

module.exports = { T0, STEP, STEPS, QUERY_TIME, bookinfoEdges, openMetrics };
