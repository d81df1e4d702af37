#!/usr/bin/env node
// `npm start`: opens the product in real VS Code (code-server on 127.0.0.1, no auth: loopback only) on the
// demo workspace, with the freshly packaged .vsix installed, a demo cluster (the test API server: istio-system and
// bookinfo with sidecars and Envoy config dumps) and Prometheus with the demo mesh's traffic.
// PORT=8080 picks the port; Ctrl+C stops everything.
'use strict';
const fs = require('fs');
const path = require('path');
const { startCodeServer } = require('./cs');
const os = require('os');
const { startPrometheus } = require('../prometheus/server');
const { startApiServer } = require('../apiserver/server');

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);

(async () => {
  // Prometheus with the demo mesh's traffic (promtool backfill at fixed past times), for the service graph.
  const prom = await startPrometheus();
  process.once('exit', () => prom.proc.kill('SIGKILL'));
  // The demo cluster: an HTTPS API server speaking the Kubernetes protocol, with its own kubeconfig.
  const api = await startApiServer();
  const kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-demo-')), 'kubeconfig');
  fs.writeFileSync(kubeconfig, api.kubeconfig(), { mode: 0o600 });
  const graphSettings = {
    'istioWorkbench.prometheus.url': prom.url, 'istioWorkbench.prometheus.evaluationTime': String(prom.time),
    'istioWorkbench.context': 'test-mesh',
  };
  const cs = await startCodeServer({
    vsix: [vsix],
    workspace: path.join(ROOT, 'test/demo-workspace'),
    files: { '.vscode/settings.json': `${JSON.stringify(graphSettings, null, 2)}\n` },
    port: process.env.PORT ? Number(process.env.PORT) : undefined,
    env: { KUBECONFIG: kubeconfig },
  });
  console.log(`\nIstio Workbench demo is running in code-server ${'(VS Code in the browser)'}:\n\n  ${cs.folderUrl}\n`);
  console.log(`Workspace (a scratch copy of test/demo-workspace): ${cs.dirs.ws}`);
  console.log(`Prometheus with the demo mesh's traffic: ${prom.url} (Istio: Show Service Graph)`);
  console.log(`Demo cluster (test API server): ${api.url}, context test-mesh (the Istio view's Mesh tree)`);
  console.log('Press Ctrl+C to stop.');
  if (process.env.DEMO_EXIT_AFTER_READY) { await cs.stop(); await prom.stop(); await api.close(); return; }
  await new Promise((resolve) => cs.proc.once('exit', resolve));
  console.log('code-server exited');
})().catch((e) => { console.error(e.message); process.exit(1); });
