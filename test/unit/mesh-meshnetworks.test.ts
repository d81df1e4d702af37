// meshnetworks.MeshNetworksAnalyzer beyond Istio's case: where its findings land (the --mesh-networks file, or a rendering
// of the networks when they came in a ConfigMap), which secrets make a registry known, and bad input.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { MeshIndex } from '../../server/src/mesh/index';
import { MESH_NETWORKS_URI } from '../../server/src/mesh/meshnetworks';
import { runMeshAnalysis } from '../../server/src/mesh/run';

const NETWORKS = `networks:
  net1:
    endpoints:
    - fromRegistry: Kubernetes
    - fromCidr: 10.0.0.0/8
    - fromRegistry: cluster-b
  net2:
    endpoints:
    - fromRegistry: cluster-c
    - fromRegistry: kubernetes
`;

const SECRETS = `apiVersion: v1
kind: Secret
metadata:
  name: remote-b
  namespace: istio-system
  labels: {istio/multiCluster: "true"}
data:
  cluster-b: Zm9v
---
apiVersion: v1
kind: Secret
metadata:
  name: not-multicluster
  namespace: istio-system
data:
  cluster-c: Zm9v
`;

function analyze(args: string[]): { code: number; findings: { file: string; range: { start: { line: number } }; message: string; resource: { friendly: string } }[] } {
  let out = '';
  let err = '';
  const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s), readStdin: () => '' };
  const code = runCli(['analyze', '--format', 'json', '--analyzers', 'meshnetworks.MeshNetworksAnalyzer', ...args], io);
  assert.equal(err, '');
  return { code, findings: JSON.parse(out) };
}

test('CLI: unknown registries are reported in the --mesh-networks file; a multiCluster secret\'s data keys are known registries', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-meshnetworks-'));
  fs.writeFileSync(path.join(d, 'networks.yaml'), NETWORKS);
  fs.writeFileSync(path.join(d, 'secrets.yaml'), SECRETS);
  const { code, findings } = analyze(['--mesh-networks', path.join(d, 'networks.yaml'), path.join(d, 'secrets.yaml')]);
  assert.equal(code, 1);
  assert.deepEqual(findings.map((f) => [f.file, f.range.start.line, f.message, f.resource.friendly]), [
    [path.join(d, 'networks.yaml'), 8, 'Unknown service registry cluster-c in network net2', 'MeshNetworks istio-system/meshnetworks'],
    [path.join(d, 'networks.yaml'), 9, 'Unknown service registry kubernetes in network net2', 'MeshNetworks istio-system/meshnetworks'],
  ]);
});

test('CLI: mesh networks given in the istio ConfigMap are reported on a rendering of them', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-meshnetworks-'));
  const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  meshNetworks: |\n${NETWORKS.replace(/^/gm, '    ')}`;
  fs.writeFileSync(path.join(d, 'istio.yaml'), cm);
  fs.writeFileSync(path.join(d, 'secrets.yaml'), SECRETS);
  const { findings } = analyze(['--mesh-networks', path.join(d, 'istio.yaml'), path.join(d, 'secrets.yaml')]);
  assert.deepEqual(findings.map((f) => [f.file, f.message]), [
    [MESH_NETWORKS_URI, 'Unknown service registry cluster-c in network net2'],
    [MESH_NETWORKS_URI, 'Unknown service registry kubernetes in network net2'],
  ]);
});

test('mesh networks of any shape never crash the analyzer', () => {
  const index = new MeshIndex({ defaultNamespace: 'default' });
  index.setFile('file:///s.yaml', SECRETS);
  const shapes: unknown[] = [{}, { networks: 5 }, { networks: [1] }, { networks: { a: null, b: [1], c: { endpoints: { x: 1 } } } },
    { networks: { n: { endpoints: [null, 3, 'x', { fromRegistry: [1] }, { fromRegistry: null }, { fromRegistry: 7 }] } } }];
  const cyclic: Record<string, unknown> = { endpoints: [{ fromRegistry: 'nope' }] };
  cyclic.self = cyclic;
  shapes.push({ networks: { loop: cyclic } });
  const found = shapes.map((networks) => {
    const res = runMeshAnalysis(index, { only: new Set(['meshnetworks.MeshNetworksAnalyzer']), meshNetworks: networks as Record<string, unknown> })!;
    assert.deepEqual(res.errors, []);
    return res.findings.map((f) => f.finding.message);
  });
  assert.deepEqual(found, [[], [], [], [], ['Unknown service registry 7 in network n'], ['Unknown service registry nope in network loop']]);
});
