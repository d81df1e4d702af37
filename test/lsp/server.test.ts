import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidChangeConfigurationNotification,
  DocumentDiagnosticRequest, DocumentSymbolRequest, DiagnosticSeverity, type DocumentSymbol, type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { DocumentResourcesRequest } from '../../server/src/protocol';
import { ROOT, TestClient } from './client';

const BROKEN_URI = 'file:///ws/broken.yaml';
const BROKEN = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n   name: http\n';
const FIXED = BROKEN.replace('\n   name: http', '\n    name: http');

async function open(c: TestClient, uri: string, text: string, version = 1) {
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
}

test('stdio: initialize, push diagnostics for a broken file, clear them when fixed, exit cleanly', async () => {
  const c = new TestClient();
  const init = await c.initialize({});
  assert.equal(init.serverInfo?.name, 'istio-workbench');
  assert.ok(init.capabilities.documentSymbolProvider);
  assert.equal(init.capabilities.diagnosticProvider, undefined, 'a client without pull support gets pushed diagnostics');

  await open(c, BROKEN_URI, BROKEN);
  const pub = await c.waitForDiagnostics((p) => p.uri === BROKEN_URI && p.diagnostics.length > 0);
  assert.equal(pub.diagnostics.length, 1);
  const d = pub.diagnostics[0];
  assert.deepEqual(d.range, { start: { line: 7, character: 0 }, end: { line: 7, character: 1 } });
  assert.equal(d.severity, DiagnosticSeverity.Error);
  assert.equal(d.source, 'yaml');
  assert.equal(d.code, 'MISSING_CHAR');
  assert.equal(pub.version, 1);

  await c.conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: BROKEN_URI, version: 2 },
    contentChanges: [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: ' ' }],
  });
  const fixed = await c.waitForDiagnostics((p) => p.uri === BROKEN_URI && p.version === 2);
  assert.deepEqual(fixed.diagnostics, []);

  await c.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: BROKEN_URI } });
  await c.waitForDiagnostics((p) => p.uri === BROKEN_URI && p.diagnostics.length === 0 && p.version === undefined);
  assert.equal(await c.shutdown(), 0);
});

test('rapid edits: only the latest version is published', async () => {
  const c = new TestClient();
  await c.initialize({});
  await open(c, BROKEN_URI, FIXED);
  for (let v = 2; v <= 30; v++) {
    await c.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: BROKEN_URI, version: v }, contentChanges: [{ text: v % 2 ? BROKEN : FIXED }],
    });
  }
  const last = await c.waitForDiagnostics((p) => p.version === 30);
  assert.deepEqual(last.diagnostics, []);
  assert.ok(c.published.every((p) => p.version === undefined || p.version === 30 || p.version === 1), JSON.stringify(c.published.map((p) => p.version)));
  assert.equal(await c.shutdown(), 0);
});

test('pull diagnostics with per-resource settings, refreshed when settings change', async () => {
  const c = new TestClient();
  let refreshes = 0;
  c.conn.onRequest('workspace/diagnostic/refresh', () => { refreshes++; return null; });
  const init = await c.initialize({
    textDocument: { diagnostic: { dynamicRegistration: false } },
    workspace: { configuration: true, diagnostics: { refreshSupport: true }, didChangeConfiguration: { dynamicRegistration: true } },
  });
  assert.equal(init.capabilities.diagnosticProvider && 'identifier' in init.capabilities.diagnosticProvider ? init.capabilities.diagnosticProvider.identifier : '', 'istio-workbench');
  await open(c, BROKEN_URI, BROKEN);
  const report = (await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: BROKEN_URI } })) as FullDocumentDiagnosticReport;
  assert.equal(report.kind, 'full');
  assert.equal(report.items.length, 1);
  assert.equal(report.items[0].code, 'MISSING_CHAR');
  // The document's settings (the mesh index reads the workspace-wide ones once, unscoped here: no folder).
  const documentReads = () => c.configurationItems.filter((i) => i.scopeUri === BROKEN_URI).length;
  assert.equal(documentReads(), 1);

  c.settings = { validation: { enable: false } };
  await c.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  const deadline = Date.now() + 5000;
  while (refreshes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(refreshes, 1, 'the server asks the client to re-pull');
  const off = (await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: BROKEN_URI } })) as FullDocumentDiagnosticReport;
  assert.deepEqual(off.items, []);
  assert.equal(documentReads(), 2, 'settings are re-read after a change');
  assert.equal(await c.shutdown(), 0);
});

test('pull diagnostics of many documents opened at once: each with its own scope\'s settings, read in a few batched requests', async () => {
  const c = new TestClient();
  // Every other document has validation turned off in its scope: a batch answered out of order would show.
  c.settingsFor = (item) => (item.scopeUri && /doc-\d*[13579]\.yaml$/.test(item.scopeUri) ? { validation: { enable: false } } : {});
  c.configurationDelayMs = 50;
  await c.initialize({ textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } });
  const uris = Array.from({ length: 40 }, (_, i) => `file:///ws/doc-${i}.yaml`);
  const reports = await Promise.all(uris.map(async (uri) => {
    await open(c, uri, BROKEN);
    return (await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
  }));
  reports.forEach((r, i) => assert.deepEqual(r.items.map((d) => d.code), i % 2 ? [] : ['MISSING_CHAR'], uris[i]));
  const scoped = c.configurationItems.filter((i) => i.scopeUri?.includes('/doc-'));
  assert.equal(scoped.length, uris.length, 'one item per document');
  assert.ok(c.configurationRequests <= 5, `${c.configurationRequests} configuration requests for ${uris.length} documents`);
  // Served from the findings cache on a re-pull: same answer.
  const again = (await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uris[0] } })) as FullDocumentDiagnosticReport;
  assert.deepEqual(again.items, reports[0].items);
  assert.equal(await c.shutdown(), 0);
});

test('outline and documentResources list the resources of a multi-document seed file', async () => {
  const c = new TestClient();
  await c.initialize({ textDocument: { documentSymbol: { hierarchicalDocumentSymbolSupport: true } } });
  const file = path.join(ROOT, 'test/demo-workspace/hyperledger/vp0.yaml');
  const uri = `file://${file}`;
  const text = fs.readFileSync(file, 'utf8');
  await open(c, uri, text);
  const symbols = (await c.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  assert.deepEqual(symbols.map((s) => s.name), ['Service vp0', 'Deployment vp0']);
  assert.equal(symbols[1].detail, 'extensions/v1beta1');
  const lines = text.split('\n');
  assert.equal(lines[symbols[1].range.start.line], 'apiVersion: extensions/v1beta1');
  assert.equal(lines[symbols[1].selectionRange.start.line], 'kind: Deployment');
  const res = await c.conn.sendRequest(DocumentResourcesRequest, { uri });
  assert.equal(res?.documents, 2);
  assert.deepEqual(res?.resources.map((r) => `${r.apiVersion} ${r.kind} ${r.name}`), ['v1 Service vp0', 'extensions/v1beta1 Deployment vp0']);
  assert.equal(res?.errors, 0);
  assert.equal(await c.shutdown(), 0);
});

test('hostile input never crashes the server', async () => {
  const c = new TestClient();
  await c.initialize({});
  const inputs = ['\u0000\u0001\u0002', '['.repeat(20000), '{'.repeat(3000) + 'a', 'a: &x [*x]\n', '%YAML 9.9\n---\n', 'key: "\\uZZZZ"\n', '\t- a\n\t- b\n', '\uFEFFa: 1\n', 'x: ' + 'y'.repeat(200000), '- '.repeat(5000) + 'a\n',
    Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n', '[a, b'.repeat(3000)];
  for (const [i, text] of inputs.entries()) {
    const uri = `file:///ws/hostile-${i}.yaml`;
    await open(c, uri, text);
    const p = await c.waitForDiagnostics((x) => x.uri === uri);
    for (const d of p.diagnostics) assert.ok(d.range.start.line >= 0 && d.message.length > 0);
    assert.ok(p.diagnostics.length <= 101, `${p.diagnostics.length} diagnostics for input ${i}`);
  }
  assert.ok(!/uncaught|unhandled/.test(c.stderr), c.stderr);
  assert.equal(await c.shutdown(), 0);
});

test('V8 code cache: the first server writes it at exit, the next loads it and validates the same', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-lsp-cc-'));
  const env = { ...process.env, ISTIO_WORKBENCH_CACHE_DIR: dir };
  const results: { logs: string[]; diagnostics: unknown }[] = [];
  for (let run = 0; run < 2; run++) {
    const c = new TestClient(env);
    await c.initialize({});
    await open(c, BROKEN_URI, BROKEN);
    const pub = await c.waitForDiagnostics((p) => p.uri === BROKEN_URI && p.diagnostics.length > 0);
    results.push({ logs: c.logs.filter((l) => l.startsWith('V8 code cache')), diagnostics: pub.diagnostics });
    assert.equal(await c.shutdown(), 0);
    assert.equal(fs.readdirSync(dir).filter((f) => /^server-.*\.v8cache$/.test(f)).length, 1, 'one cache file after each run');
  }
  assert.match(results[0].logs.join('\n'), /^V8 code cache: absent \(/);
  assert.match(results[1].logs.join('\n'), /^V8 code cache: accepted \(/);
  assert.deepEqual(results[1].diagnostics, results[0].diagnostics);
  fs.rmSync(dir, { recursive: true, force: true });
});
