// gateway.ConflictingGatewayAnalyzer compares a gateway's server with every other gateway of its "selector~port" key the
// way Istio does, whose model.CheckDuplicates adds the hosts of a gateway without a conflict to the other gateway's map
// (so a gateway is compared with what the gateways analyzed before it added). The analyzer keeps those additions once
// per key (checkGroup) instead of in every map: here it is run against that literal, mutating comparison over random
// groups and sequences of servers, and over gateways in YAML where the additions decide the findings.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGroup, type Group, type Known } from '../../server/src/mesh/analyzers/gateway-conflictinggateway';
import { MeshIndex } from '../../server/src/mesh/index';
import type { MeshResource } from '../../server/src/mesh/model';
import { runMeshAnalysis } from '../../server/src/mesh/run';
import { random } from './random';

/** Istio's model.CheckDuplicates: a host already known with the same bind; when none, the hosts become known. */
function checkDuplicates(hosts: readonly string[], bind: string, known: Map<string, string>): boolean {
  for (const h of hosts) if (known.get(h) === bind) return true;
  for (const h of hosts) known.set(h, bind);
  return false;
}

test('checkGroup finds what comparing with mutated maps finds, server after server', () => {
  let conflicts = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const rnd = random(seed);
    const hostPool = 1 + rnd(12);
    const host = () => (rnd(5) === 0 ? '*' : `h${rnd(hostPool)}.example.com`);
    const bind = () => ['', '', '10.0.0.1', '10.0.0.2'][rnd(4)];
    const ids = Array.from({ length: 1 + rnd(10) }, (_, i) => `gw${i}`);
    const group: Group = { sel: 'istio=ingressgateway', port: '80', gateways: new Map() };
    const literal = new Map<Known, Map<string, string>>();
    const members = 1 + rnd(25);
    for (let i = 0; i < members; i++) {
      const b = bind();
      const hosts = new Map<string, string>();
      for (let j = rnd(4); j > 0; j--) hosts.set(host(), b);
      // Several definitions may share an identity (alternatives in several files).
      const k: Known = { hosts, gw: { name: `gw${i}` } as MeshResource, id: ids[rnd(ids.length)], at: 0 };
      group.gateways.set(`def${i}`, k);
      literal.set(k, new Map(hosts));
    }
    for (let e = 0; e < 40; e++) {
      const id = ids[rnd(ids.length)];
      const hosts = Array.from({ length: rnd(4) }, host);
      const b = bind();
      const expected = [...group.gateways.values()].filter((v) => v.id !== id && checkDuplicates(hosts, b, literal.get(v)!));
      const got = checkGroup(group, id, hosts, b);
      assert.deepEqual(got.map((v) => v.gw.name), expected.map((v) => v.gw.name), `seed ${seed}, server ${e}`);
      conflicts += got.length;
    }
  }
  assert.ok(conflicts > 1000, `conflicts found: ${conflicts}`);
});

function gateway(name: string, servers: { host: string; bind?: string }[]): string {
  const list = servers.map((s) => `  - port:\n      number: 80\n${s.bind ? `    bind: ${s.bind}\n` : ''}    hosts:\n    - "${s.host}"\n`).join('');
  return `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: ns\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n${list}`;
}

test('a gateway conflicts with another through the hosts that one learned from the gateways analyzed before', () => {
  // a has a.com, b has b.com and c has b.com. Analyzing a: no conflict, so b and c learn a.com. Analyzing b: c knows b.com
  // (conflict), a does not, and a learns b.com. Analyzing c: a now knows b.com, b knows it too: two conflicts.
  const index = new MeshIndex({ defaultNamespace: 'default' });
  index.setFile('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\n  labels:\n    istio: ingressgateway\n');
  index.setFile('gws.yaml', [gateway('a', [{ host: 'a.com' }]), gateway('b', [{ host: 'b.com' }]), gateway('c', [{ host: 'b.com' }])].join('---\n'));
  const res = runMeshAnalysis(index, { only: new Set(['gateway.ConflictingGatewayAnalyzer']) })!;
  const got = res.findings.map((f) => `${f.friendly}: ${f.finding.message}`);
  assert.deepEqual(got, [
    'Gateway ns/b: Conflict with gateways ns/c (workload selector istio=ingressgateway, port 80, hosts b.com).',
    'Gateway ns/c: Conflict with gateways ns/a,ns/b (workload selector istio=ingressgateway, port 80, hosts b.com).',
  ]);
});
