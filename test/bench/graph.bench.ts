// Service graph: model + layout for a large synthetic mesh (500 services, 3,000 edges). Target: 1.5 s in total.
// Run: npm run bench (or BENCH_FILTER=graph npm run bench).
import { toDot, toSvg } from '../../src/graph/export';
import { layoutGraph } from '../../src/graph/layout';
import { buildGraph, type GraphSamples } from '../../src/graph/model';
import type { Sample } from '../../src/graph/prometheus';
import { overlay, emptyRouting } from '../../src/graph/routing';

/** 500 services in 8 tiers across 10 namespaces; 3,000 distinct edges from one tier to the next, 4 response codes each. */
export function largeSamples(services = 500, edges = 3000, tiers = 8): GraphSamples {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const tierOf = (i: number) => Math.floor((i * tiers) / services);
  const byTier = Array.from({ length: tiers }, (_, t) => [...Array(services).keys()].filter((i) => tierOf(i) === t));
  const wl = (i: number) => ({ ns: `ns-${i % 10}`, name: `svc-${i}` });
  const requests: Sample[] = [];
  const mtls: Sample[] = [];
  const seen = new Set<string>();
  while (seen.size < edges) {
    const a = Math.floor(rnd() * services);
    if (tierOf(a) === tiers - 1) continue;
    const next = byTier[tierOf(a) + 1];
    const b = next[Math.floor(rnd() * next.length)];
    if (seen.has(`${a}>${b}`)) continue;
    seen.add(`${a}>${b}`);
    const s = wl(a);
    const d = wl(b);
    const metric = {
      source_workload_namespace: s.ns, source_workload: `${s.name}-v1`, source_canonical_service: s.name, source_canonical_revision: 'v1',
      destination_service_namespace: d.ns, destination_service_name: d.name, destination_service: `${d.name}.${d.ns}.svc.cluster.local`,
      destination_workload_namespace: d.ns, destination_workload: `${d.name}-v1`, destination_canonical_service: d.name, destination_canonical_revision: 'v1',
      request_protocol: 'http',
    };
    for (const code of ['200', '404', '503', '500']) requests.push({ metric: { ...metric, response_code: code }, value: code === '200' ? rnd() * 50 : rnd() });
    mtls.push({ metric: { ...metric, connection_security_policy: 'mutual_tls' }, value: 1 });
  }
  const lat = requests.filter((_, i) => i % 4 === 0).map((s) => ({ metric: s.metric, value: 12 }));
  return { requests, requestsUnknown: [], p50: lat, p95: lat, p99: lat, tcp: [], mtls };
}

async function main(): Promise<void> {
  const samples = largeSamples();
  const rows: [string, number, string][] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    const g = buildGraph(samples, { type: 'versionedApp' });
    overlay(g, g.edgeMeta, emptyRouting());
    const t1 = performance.now();
    const layout = await layoutGraph(g, 'layered');
    const t2 = performance.now();
    toSvg(g, layout);
    toDot(g);
    const t3 = performance.now();
    rows.push([`run ${run + 1}: ${g.nodes.length} nodes, ${g.edges.length} edges`, t2 - t0, `model ${(t1 - t0).toFixed(0)} ms, layout ${(t2 - t1).toFixed(0)} ms, exports ${(t3 - t2).toFixed(0)} ms`]);
  }
  console.log('| graph (500 services, 3,000 edges, 12,000 series) | model + layout | detail |');
  console.log('|---|---|---|');
  for (const [name, ms, detail] of rows) console.log(`| ${name} | ${ms.toFixed(0)} ms | ${detail} |`);
  const best = Math.min(...rows.map((r) => r[1]));
  console.log(`target 1500 ms: best ${best.toFixed(0)} ms ${best <= 1500 ? 'OK' : 'OVER'}`);
}

if (require.main === module) void main();
