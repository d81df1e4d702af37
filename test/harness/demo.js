#!/usr/bin/env node
// `npm start`: opens the product in real VS Code (code-server on 127.0.0.1, no auth: loopback only) on the
// demo workspace, with the freshly packaged .vsix installed. PORT=8080 picks the port; Ctrl+C stops it.
'use strict';
const fs = require('fs');
const path = require('path');
const { startCodeServer } = require('./cs');
const { startPrometheus } = require('../prometheus/server');

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);

(async () => {
  // Prometheus with the demo mesh's traffic (promtool backfill at fixed past times), for the service graph.
  const prom = await startPrometheus();
  process.once('exit', () => prom.proc.kill('SIGKILL'));
  const graphSettings = { 'istioWorkbench.prometheus.url': prom.url, 'istioWorkbench.prometheus.evaluationTime': String(prom.time) };
  const cs = await startCodeServer({
    vsix: [vsix],
    workspace: path.join(ROOT, 'test/demo-workspace'),
    files: { '.vscode/settings.json': `${JSON.stringify(graphSettings, null, 2)}\n` },
    port: process.env.PORT ? Number(process.env.PORT) : undefined,
    env: process.env.KUBECONFIG ? {} : { KUBECONFIG: path.join(ROOT, 'test/fixtures/kubeconfig.yaml') },
  });
  console.log(`\nIstio Workbench demo is running in code-server ${'(VS Code in the browser)'}:\n\n  ${cs.folderUrl}\n`);
  console.log(`Workspace (a scratch copy of test/demo-workspace): ${cs.dirs.ws}`);
  console.log(`Prometheus with the demo mesh's traffic: ${prom.url} (Istio: Show Service Graph)`);
  console.log('Press Ctrl+C to stop.');
  if (process.env.DEMO_EXIT_AFTER_READY) { await cs.stop(); await prom.stop(); return; }
  await new Promise((resolve) => cs.proc.once('exit', resolve));
  console.log('code-server exited');
})().catch((e) => { console.error(e.message); process.exit(1); });
