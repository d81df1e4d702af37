// npm run bench: a 10,000-pod list response -> built mesh model, next to a bare JSON.parse of the same response
// (target: within 2x), and watch events applied per second.
import { MeshModel } from '../../src/cluster/model';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mesh = require('../../../test/apiserver/mesh.js') as { pod(ns: string, app: string, v: string, o?: object): { metadata: { name: string; resourceVersion?: string } } };

function podList(n: number): string {
  const items = [];
  for (let i = 0; i < n; i++) {
    const p = mesh.pod(`ns-${i % 50}`, `app-${i % 400}`, `v${i % 3}`, { sidecar: i % 7 === 0 ? false : 'container' });
    p.metadata.name = `${p.metadata.name}-${i}`;
    p.metadata.resourceVersion = String(1000 + i);
    items.push(p);
  }
  return JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '99999' }, items });
}

function best(runs: number, f: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return min;
}

const text = podList(10000);
const parseMs = best(7, () => JSON.parse(text));
let model = new MeshModel();
const buildMs = best(7, () => {
  model = new MeshModel();
  model.reset(null, (JSON.parse(text) as { items: never[] }).items);
});
const built = `${model.podCount} pods, ${model.namespaceNames().length} namespaces`;
const pods = (JSON.parse(text) as { items: { metadata: { name: string } }[] }).items;
const events = 50000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < events; i++) model.applyPod(i % 10 === 9 ? 'DELETED' : 'MODIFIED', pods[i % pods.length] as never);
const evMs = Number(process.hrtime.bigint() - t0) / 1e6;

console.log(`| what | ms | ratio |\n|---|---|---|`);
console.log(`| JSON.parse of a 10,000-pod list (${(text.length / 1e6).toFixed(1)} MB) | ${parseMs.toFixed(1)} | 1.00x |`);
console.log(`| JSON.parse + MeshModel build (${built}) | ${buildMs.toFixed(1)} | ${(buildMs / parseMs).toFixed(2)}x (target <= 2x) |`);
console.log(`| watch events applied | ${Math.round(events / (evMs / 1000)).toLocaleString('en-US')} / s | |`);
if (buildMs / parseMs > 2) process.exitCode = 1;
