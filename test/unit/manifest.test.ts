// The manifest follows VS Code's conventions: commands under category "Istio", settings under istioWorkbench.*,
// views in the "Istio" container, every referenced file shipped in the .vsix allowlist.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const c = pkg.contributes;

test('identity, engine and entry points', () => {
  assert.equal(pkg.name, 'istio-workbench');
  assert.equal(pkg.displayName, 'Istio Workbench');
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.bin['istio-workbench'], 'dist/cli.js');
  // The engine floor must admit code-server 4.139.1 (VS Code 1.139.1) and stay on Node >= 22.19 hosts (VS Code >= 1.105).
  const m = /^\^1\.(\d+)\.\d+$/.exec(pkg.engines.vscode);
  assert.ok(m && Number(m[1]) >= 105 && Number(m[1]) <= 139, pkg.engines.vscode);
  assert.equal(pkg.devDependencies['@types/vscode'], `1.${m[1]}.0`, '@types/vscode matches the engine floor');
});

test('commands: category Istio, ids under istioWorkbench., each with a codicon', () => {
  for (const cmd of c.commands) {
    assert.equal(cmd.category, 'Istio', cmd.command);
    assert.match(cmd.command, /^istioWorkbench\.[a-zA-Z]+$/);
    assert.match(cmd.icon, /^\$\([a-z-]+\)$/, cmd.command);
  }
  const ids = new Set(c.commands.map((x: { command: string }) => x.command));
  for (const list of Object.values(c.menus) as { command: string }[][]) for (const m of list) assert.ok(ids.has(m.command), m.command);
});

test('settings live under istioWorkbench.* with descriptions and scopes', () => {
  for (const [key, s] of Object.entries(c.configuration.properties) as [string, Record<string, unknown>][]) {
    assert.match(key, /^istioWorkbench\./);
    assert.ok(s.description || s.markdownDescription, key);
    assert.ok(s.scope, key);
    assert.ok('default' in s, key);
  }
});

test('views sit in the "Istio" activity-bar container and activate the extension', () => {
  assert.deepEqual(c.viewsContainers.activitybar.map((v: { id: string; title: string }) => [v.id, v.title]), [['istioWorkbench', 'Istio']]);
  const views = c.views.istioWorkbench.map((v: { id: string }) => v.id);
  assert.deepEqual(views, ['istioWorkbench.meshTree', 'istioWorkbench.routeTables']);
  for (const v of views) assert.ok(pkg.activationEvents.includes(`onView:${v}`));
  assert.ok(pkg.activationEvents.includes('onLanguage:yaml'));
  for (const w of c.viewsWelcome) assert.ok(views.includes(w.view));
});

test('every file the manifest references is in the .vsix allowlist', () => {
  const allow = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  assert.equal(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').find((l) => l && !l.startsWith('#')), '**');
  const referenced = [pkg.main.replace('./', ''), pkg.bin['istio-workbench'], 'dist/server.js', pkg.icon, c.viewsContainers.activitybar[0].icon];
  for (const f of referenced) {
    assert.ok(allow.includes(f), `${f} is not allowlisted`);
    assert.ok(fs.existsSync(path.join(ROOT, f)) || f.startsWith('dist/'), `${f} does not exist`);
  }
});

test('the README documents every setting and every command', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const key of Object.keys(c.configuration.properties)) assert.ok(readme.includes(`\`${key}\``), `README lacks setting ${key}`);
  for (const cmd of c.commands) assert.ok(readme.includes(`Istio: ${cmd.title}`), `README lacks command "Istio: ${cmd.title}"`);
  assert.ok(readme.includes('npm start') && readme.includes('npm test'));
});
