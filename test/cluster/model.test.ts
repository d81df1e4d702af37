// The live mesh model (pure): pods grouped namespace -> workload, sidecars (container and native), control plane.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageTag, MeshModel } from '../../src/cluster/model';
import { backoffMs, parseSyncz } from '../../src/cluster/reader';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mesh = require('../../../test/apiserver/mesh.js') as { seedObjects(): { kind: string }[]; pod(ns: string, app: string, v: string, o?: object): never };

function seeded(): MeshModel {
  const m = new MeshModel();
  const objs = mesh.seedObjects();
  m.reset(objs.filter((o) => o.kind === 'Namespace') as never[], objs.filter((o) => o.kind === 'Pod') as never[]);
  return m;
}

test('workloads come from ReplicaSet owners; events are applied in place', () => {
  const m = seeded();
  assert.equal(m.podCount, 10);
  assert.deepEqual(m.workloads('istio-system').map((w) => w.name), ['istio-ingressgateway', 'istiod']);
  const p = mesh.pod('default', 'reviews', 'v1') as { metadata: { name: string } };
  m.applyPod('DELETED', p);
  assert.equal(m.podCount, 9);
  assert.deepEqual(m.workloads('default').map((w) => w.name).includes('reviews-v1'), false);
  m.applyPod('ADDED', p);
  m.applyPod('MODIFIED', p);
  assert.equal(m.podCount, 10);
});

test('sidecars: container, native, none; gateways are not sidecars', () => {
  const m = seeded();
  const cp = m.controlPlane();
  assert.equal(cp.gateways[0].sidecar, null);
  assert.equal(m.podsOf('default', 'productpage-v1')[0].sidecar?.native, false);
  assert.equal(m.podsOf('default', 'ratings-v1')[0].sidecar?.native, true);
  assert.equal(m.podsOf('default', 'reviews-v3')[0].restarts, 2);
  assert.equal(imageTag('docker.io/istio/proxyv2:1.22.3'), '1.22.3');
  assert.equal(imageTag('localhost:5000/proxy'), null);
});

test('syncz states and backoff', () => {
  const [s] = parseSyncz([{ proxy: 'a.b', cluster_sent: 'x', cluster_acked: 'x', listener_sent: 'x', listener_acked: 'y', route_sent: '' }]);
  assert.deepEqual(s.status, { CDS: 'SYNCED', LDS: 'STALE', RDS: 'NOT SENT', EDS: 'NOT SENT' });
  assert.deepEqual(parseSyncz({}), []);
  assert.deepEqual([0, 1, 2, 10].map((a) => backoffMs(a)), [1000, 2000, 4000, 30000]);
});
