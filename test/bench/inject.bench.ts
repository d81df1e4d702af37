// npm run bench: sidecar injection (issue 5). Targets: the preview of one Deployment in 10 ms (median) and the CLI
// (`istio-workbench inject`, a fresh process) on 1,000 workloads in 2 s. Each figure is printed next to a baseline on
// the same input: the `yaml` package parsing and writing it back (parse + stringify), and the ratio between them.
// Env: BENCH_RUNS (preview runs, default 60).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { bundledConfig, injectManifest } from '../../server/src/inject';
import { injectionPreview } from '../../server/src/inject/actions';
import { parseYaml } from '../../server/src/yaml/parse';

const ROOT = path.resolve(__dirname, '../../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 60);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const time = (f: () => void): number => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const runs = (n: number, f: () => void) => Array.from({ length: n }, () => time(f));

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: ns-${i % 20}
  labels:
    app: svc-${i}
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels:
      app: svc-${i}
  template:
    metadata:
      labels:
        app: svc-${i}
        version: v${i % 3}
    spec:
      containers:
      - name: app
        image: registry.example.com/svc-${i}:1.${i % 10}
        ports:
        - containerPort: ${8000 + (i % 100)}
        readinessProbe:
          httpGet:
            path: /ready
            port: ${8000 + (i % 100)}
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
`;
}

// ---- preview of one Deployment: what the editor does on each (debounced) edit ----
const bookinfo = fs.readFileSync(path.join(ROOT, 'test/demo-workspace/bookinfo/platform/bookinfo.yaml'), 'utf8');
const one = bookinfo.slice(bookinfo.lastIndexOf('apiVersion: apps/v1')).replace(/\n---\s*$/, '\n');
const cfg = bundledConfig();
// First preview: template parsing and caches filled (reported separately).
const coldMs = time(() => injectionPreview(one, parseYaml(one), 0, cfg));
// Each run edits the Deployment (a new replica count), like typing does, so no cached output is reused.
let n = 0;
const edited = () => one.replace('replicas: 1', `replicas: ${++n}`);
runs(5, () => injectionPreview(edited(), parseYaml(edited()), 0, cfg));
const previewMs = median(runs(RUNS, () => { const t = edited(); injectionPreview(t, parseYaml(t), 0, cfg); }));
const previewBase = median(runs(RUNS, () => parseDocument(edited()).toString()));

// ---- the CLI on 1,000 workloads: a fresh process, like a CI job ----
const many = Array.from({ length: 1000 }, (_, i) => deployment(i)).join('---\n');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-inject-bench-'));
const file = path.join(dir, 'workloads.yaml');
fs.writeFileSync(file, many);
const cli = path.join(ROOT, 'dist/cli.js');
const cliRun = () => {
  const r = spawnSync(process.execPath, [cli, 'inject', '-f', file, '-o', path.join(dir, 'out.yaml')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`inject failed: ${r.stderr}`);
};
cliRun();
const cliMs = median(runs(3, cliRun));
const nodeMs = median(runs(3, () => spawnSync(process.execPath, ['-e', '0'])));
const cliBase = median(runs(3, () => { for (const d of parseAllDocuments(many) as ReturnType<typeof parseAllDocuments>) d.toString(); }));
const inProcess = median(runs(3, () => injectManifest(many, cfg)));
const injected = (fs.readFileSync(path.join(dir, 'out.yaml'), 'utf8').match(/name: istio-proxy/g) ?? []).length;
fs.rmSync(dir, { recursive: true, force: true });

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`);
console.log('| what | time | baseline: `yaml` parse + stringify of the same input | ratio | target |\n|---|---|---|---|---|');
console.log(`| preview of one Deployment (bookinfo productpage; parse + inject + minimal edits), median of ${RUNS} | ${fmt(previewMs)} | ${fmt(previewBase)} | ${(previewMs / previewBase).toFixed(1)}x | 10 ms ${previewMs <= 10 ? 'met' : 'MISSED'} |`);
console.log(`| first preview (template parse, cold caches) | ${fmt(coldMs)} | | | |`);
console.log(`| CLI \`inject\` on 1,000 Deployments (fresh process; ${injected} sidecars) | ${fmt(cliMs)} | ${fmt(cliBase)} | ${(cliMs / cliBase).toFixed(1)}x | 2 s ${cliMs <= 2000 ? 'met' : 'MISSED'} |`);
console.log(`| same, in process (injectManifest) | ${fmt(inProcess)} | ${fmt(cliBase)} | ${(inProcess / cliBase).toFixed(1)}x | |`);
console.log(`| (node startup alone) | ${fmt(nodeMs)} | | | |`);
if (previewMs > 10 || cliMs > 2000) process.exitCode = 1;
