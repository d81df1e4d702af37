import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../server/src/cli';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const SEED = path.join(ROOT, 'test/demo-workspace/hyperledger');

function tmpdir(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    fs.writeFileSync(path.join(d, name), text);
  }
  return d;
}

function run(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: () => stdin });
  return { code, stdout, stderr };
}

const BROKEN = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n  - port: 80\n   name: http\n';

test('analyze --format json prints the documented shape and exits 1 on an error', () => {
  const d = tmpdir({ 'broken.yaml': BROKEN, 'ok.yml': 'a: 1\n', 'notes.txt': 'a: [' });
  const r = run(['analyze', '--format', 'json', d]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.length, 1);
  assert.deepEqual(Object.keys(out[0]).sort(), ['code', 'file', 'message', 'range', 'resource', 'severity', 'source']);
  assert.equal(out[0].file, path.join(d, 'broken.yaml'));
  assert.deepEqual(out[0].range.start, { line: 8, character: 0 });
  assert.equal(out[0].severity, 'Error');
  assert.equal(out[0].source, 'yaml');
  assert.deepEqual(out[0].resource, { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'web' });
});

test('clean input exits 0 with an empty JSON array; the seed examples are valid YAML', () => {
  const r = run(['analyze', '--format', 'json', '--analyzers', 'yaml.SyntaxAnalyzer', SEED]);
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(JSON.parse(r.stdout), []);
});

test('text format is file:line:col with 1-based positions and a summary', () => {
  const d = tmpdir({ 'b.yaml': BROKEN });
  const r = run(['analyze', path.join(d, 'b.yaml')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^${path.join(d, 'b.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:9:1: Error MISSING_CHAR: .+ \\(Service shop/web\\)$`, 'm'));
  assert.match(r.stdout, /^1 error\(s\), 0 warning\(s\), 0 info in 1 file\(s\)$/m);
});

test('failure threshold decides the exit status', () => {
  const d = tmpdir({ 'w.yaml': 'a: !unknown x\n' }); // unresolved tag: a warning, not an error
  const j = JSON.parse(run(['analyze', '--format', 'json', d]).stdout);
  assert.equal(j[0].severity, 'Warning');
  assert.equal(run(['analyze', d]).code, 0);
  assert.equal(run(['analyze', '--failure-threshold', 'Warning', d]).code, 1);
  assert.equal(run(['analyze', '--failure-threshold', 'Info', d]).code, 1);
});

test('stdin is read with "-"', () => {
  const r = run(['analyze', '--format', 'json', '-'], 'a: [1\n');
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout)[0].file, '<stdin>');
});

test('usage errors exit 2 with a message', () => {
  for (const args of [[], ['frobnicate'], ['analyze'], ['analyze', '--format', 'xml', '.'], ['analyze', '--failure-threshold', 'Fatal', '.'],
    ['analyze', '--nope', '.'], ['analyze', '--analyzers', 'no.Such', '.']]) {
    const r = run(args);
    assert.equal(r.code, 2, `args ${JSON.stringify(args)}`);
    assert.match(r.stderr, /Usage: istio-workbench/);
  }
  const missing = run(['analyze', '/definitely/not/here.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or directory: \/definitely\/not\/here.yaml/);
});

test('the bundled dist/cli.js runs as a program with the same exit codes', () => {
  const d = tmpdir({ 'broken.yaml': BROKEN });
  const bad = spawnSync(process.execPath, [CLI, 'analyze', '--format', 'json', path.join(d, 'broken.yaml')], { encoding: 'utf8' });
  assert.equal(bad.status, 1, bad.stderr);
  assert.equal(JSON.parse(bad.stdout)[0].code, 'MISSING_CHAR');
  const ok = spawnSync(process.execPath, [CLI, 'analyze', '--analyzers', 'yaml.SyntaxAnalyzer', SEED], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(fs.readFileSync(CLI, 'utf8'), /^#!\/usr\/bin\/env node/);
  const usage = spawnSync(process.execPath, [CLI], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
});

test('analyze --crds validates custom resources against the given CustomResourceDefinitions (files or directories)', () => {
  const dir = tmpdir({ 'widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: huge\n  minReplicas: 5\n  maxReplicas: 2\n' });
  const crds = path.join(ROOT, 'test/fixtures/crds');
  // Fresh processes: the CRDs are registered for the process (the bundled CLI, as CI runs it).
  const spawn = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  const withCrds = spawn(['analyze', '--format', 'json', '--crds', crds, path.join(dir, 'widget.yaml')]);
  assert.equal(withCrds.status, 1, withCrds.stderr);
  const codes = (JSON.parse(withCrds.stdout) as { code: string; range: { start: { line: number } } }[]).map((f) => `${f.code}@${f.range.start.line + 1}`).sort();
  assert.deepEqual(codes, ['SchemaCEL@5', 'SchemaEnum@6']);
  const without = spawn(['analyze', '--format', 'json', path.join(dir, 'widget.yaml')]);
  assert.equal(without.status, 0, 'an unknown kind is left alone without its CRD');
  const missing = spawn(['analyze', '--crds', path.join(dir, 'nope'), path.join(dir, 'widget.yaml')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--crds/);
});

test('analyze --disable, --severity and --kubernetes-version apply the editor\'s settings to file and mesh findings', () => {
  // A removed API (Error at 1.35), an unknown field (Warning) and a VirtualService bound to a missing gateway (IST0101).
  const seedLike = ['apiVersion: extensions/v1beta1', 'kind: Ingress', 'metadata:', '  name: web', 'spec:', '  bogus: 1', ''].join('\n');
  const vs = ['apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', '  name: web', '  namespace: default', 'spec:',
    '  hosts:', '  - web.example.com', '  gateways:', '  - no-such-gateway', ''].join('\n');
  const d = tmpdir({ 'ingress.yaml': seedLike, 'vs.yaml': vs });
  const codes = (args: string[]) => {
    const r = run(['analyze', '--format', 'json', ...args, d]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return (JSON.parse(r.stdout) as { code: string; severity: string }[]).map((f) => `${f.code}:${f.severity}`).sort();
  };
  const all = codes([]);
  assert.ok(all.includes('RemovedAPI:Error'), all.join(' '));
  assert.ok(all.includes('IST0101:Error'), all.join(' '));
  const tuned = codes(['--disable', 'RemovedAPI', '--severity', 'IST0101=Warning', '--severity', 'IST0132=ignore']);
  assert.ok(!tuned.some((c) => c.startsWith('RemovedAPI:') || c.startsWith('IST0132:')), tuned.join(' '));
  assert.ok(tuned.includes('IST0101:Warning'), tuned.join(' '));
  // By analyzer name, comma-separated: the mesh analyzers too.
  const noMesh = codes(['--disable', 'deprecation.APIAnalyzer,virtualservice.GatewayAnalyzer']);
  assert.ok(!noMesh.some((c) => c.startsWith('RemovedAPI:') || c.startsWith('IST0101:')), noMesh.join(' '));
  // Before Kubernetes 1.22 removed it, the Ingress API is only deprecated: a Warning.
  const old = codes(['--kubernetes-version', '1.19']);
  assert.ok(old.some((c) => /^(DeprecatedAPI|RemovedAPI):Warning$/.test(c)) && !old.includes('RemovedAPI:Error'), old.join(' '));
  const bad = run(['analyze', '--severity', 'IST0101=loud', d]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--severity must be CODE=/);
  assert.equal(run(['analyze', '--kubernetes-version', 'latest', d]).code, 2);
});
