// Throw-away code-server on 127.0.0.1 (fresh user-data, extensions dir and workspace every run) and Debian's
// Chromium driven by playwright-core. Adapted from ../shared/recipes/real-vscode.md.
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { harnessDir, nodeBin } = require('./install');

const H = harnessDir();
const NODE = nodeBin(); // code-server 4.139 needs Node 24
const ENTRY = path.join(H, 'node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SETTINGS = {
  'security.workspace.trust.enabled': false, 'security.workspace.trust.startupPrompt': 'never',
  'workbench.startupEditor': 'none', 'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false, 'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true, 'npm.fetchOnlinePackageInfo': false,
  'json.schemaDownload.enable': false, 'git.enabled': false, 'editor.lightbulb.enabled': 'on', 'files.hotExit': 'off',
  'workbench.colorTheme': 'Default Dark Modern',
};
const freePort = () => new Promise((r) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => r(port)); });
});

function copyDir(src, dst) {
  fs.cpSync(src, dst, { recursive: true });
}

/**
 * Starts code-server. Options: vsix (files to install), extensions (unpackaged folders, symlinked), workspace
 * (folder copied in), files ({relative path: text} written into the workspace), env, extraArgs, port, keep.
 */
async function startCodeServer({ vsix = [], extensions = [], workspace, files = {}, env: extraEnv = {}, extraArgs = [], port, keep = false, settings = {} } = {}) {
  if (!fs.existsSync(ENTRY)) throw new Error(`code-server is not installed in ${H}: run node test/harness/install.js`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-cs-'));
  const d = { root, user: `${root}/user-data`, exts: `${root}/extensions`, ws: `${root}/workspace`, cfg: `${root}/config.yaml` };
  for (const p of [`${d.user}/User`, d.exts, d.ws]) fs.mkdirSync(p, { recursive: true });
  fs.writeFileSync(`${d.user}/User/settings.json`, JSON.stringify({ ...SETTINGS, ...settings }, null, 2));
  fs.writeFileSync(d.cfg, 'auth: none\n'); // own config: code-server never touches ~/.config/code-server
  if (workspace) copyDir(workspace, d.ws);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d.ws, name)), { recursive: true });
    fs.writeFileSync(path.join(d.ws, name), text);
  }
  for (const dir of extensions) {
    const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    fs.symlinkSync(path.resolve(dir), path.join(d.exts, `${pj.publisher}.${pj.name}-${pj.version}`));
  }
  const common = ['--config', d.cfg, '--user-data-dir', d.user, '--extensions-dir', d.exts];
  const env = { ...process.env, ...extraEnv, EXTENSIONS_GALLERY: '{}' }; // '{}' = no gallery: no marketplace requests
  for (const v of vsix) execFileSync(NODE, [ENTRY, ...common, '--install-extension', path.resolve(v)], { env, stdio: 'pipe' });
  port = port || await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  const log = fs.openSync(`${root}/code-server.log`, 'w');
  const proc = spawn(NODE, [ENTRY, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--disable-proxy', '--ignore-last-opened', ...extraArgs, d.ws],
  { stdio: ['ignore', log, log], detached: true, env }); // detached => own process group, killed as a whole
  const kill = (sig) => { try { process.kill(-proc.pid, sig); } catch { /* already gone */ } };
  process.once('exit', () => kill('SIGKILL'));
  for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => process.exit(130));
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) {
    if (proc.exitCode !== null || Date.now() - t0 > 60000) throw new Error(`code-server failed to start, see ${root}/code-server.log`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    if (proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      kill('SIGTERM');
      const t = setTimeout(() => kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    if (!keep && !process.env.KEEP) fs.rmSync(root, { recursive: true, force: true });
  };
  /** Lines of the extension host log (activation events) of this run. */
  const exthostLog = () => {
    const logs = path.join(d.user, 'logs');
    if (!fs.existsSync(logs)) return '';
    return fs.readdirSync(logs).flatMap((ts) => {
      const dir = path.join(logs, ts, 'exthost1');
      return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) : [];
    }).join('\n');
  };
  /** Our extension's own log (its LogOutputChannel "Istio Workbench") of this run, for the output of failed checks. */
  const extensionLog = () => {
    const logs = path.join(d.user, 'logs');
    if (!fs.existsSync(logs)) return '';
    return fs.readdirSync(logs).map((ts) => path.join(logs, ts, 'exthost1', 'istio-workbench.istio-workbench', 'Istio Workbench.log'))
      .filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  };
  return { url, dirs: d, stop, exthostLog, extensionLog, proc, startMs: Date.now() - t0, folderUrl: `${url}/?folder=${encodeURIComponent(d.ws)}` };
}

function launchBrowser() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

module.exports = { startCodeServer, launchBrowser, NODE, ENTRY };
