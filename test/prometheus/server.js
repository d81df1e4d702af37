// Starts a real Prometheus (Debian's package) on 127.0.0.1, loaded with the mesh's metrics through promtool backfill.
// usage from code: const p = await startPrometheus({ hostile }); ... p.url ...; await p.stop();
// usage from a shell: node test/prometheus/server.js [--hostile]   (prints the URL, Ctrl+C stops it)
'use strict';
const { execFileSync, spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { bookinfoEdges, openMetrics, QUERY_TIME } = require('./mesh');

const PROMETHEUS = process.env.PROMETHEUS_BIN || '/usr/bin/prometheus';
const PROMTOOL = process.env.PROMTOOL_BIN || '/usr/bin/promtool';

const freePort = () => new Promise((r) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => r(port)); });
});

async function startPrometheus({ hostile = false, port } = {}) {
  for (const b of [PROMETHEUS, PROMTOOL]) if (!fs.existsSync(b)) throw new Error(`${b} not found: apt-get install prometheus`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-prom-'));
  const data = path.join(dir, 'data');
  const om = path.join(dir, 'mesh.om');
  fs.writeFileSync(om, openMetrics(bookinfoEdges({ hostile })));
  execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', om, data], { stdio: 'pipe' });
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  port = port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
  const proc = spawn(PROMETHEUS, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y', '--log.level=warn',
  ], { stdio: ['ignore', log, log] });
  const onExit = () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } };
  process.once('exit', onExit);
  const t0 = Date.now();
  while (!(await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) {
    if (proc.exitCode !== null || Date.now() - t0 > 30000) {
      throw new Error(`prometheus did not start: ${fs.readFileSync(path.join(dir, 'prometheus.log'), 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    process.removeListener('exit', onExit);
    if (proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url, time: QUERY_TIME, dir, proc, stop, readyMs: Date.now() - t0 };
}

module.exports = { startPrometheus };

if (require.main === module) {
  startPrometheus({ hostile: process.argv.includes('--hostile'), port: Number(process.env.PROM_PORT) || undefined }).then((p) => {
    console.log(`Prometheus ${p.url} (query time=${p.time}) ready in ${p.readyMs} ms`);
    for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => void p.stop().then(() => process.exit(0)));
  }, (e) => { console.error(e.message); process.exit(1); });
}
