// Closed files for push-only clients over stdio: the workspace folder's closed files are published (no version) with the
// same selection and content as the pull clients' workspace diagnostics; an open document's URI is left to its own
// pushes; a closed document ends with its closed report; a file that stops being reported gets one empty publish; a
// pull client is published nothing for closed files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification,
  FileChangeType, InitializeRequest, InitializedNotification, WorkspaceDiagnosticRequest,
  type ClientCapabilities, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';
import { HELM, NOT_K8S, SERVICE, VS } from './workspace-fixtures';

const BAD = SERVICE.replace('name: reviews', 'name: ratings').replace('  selector:', '  bogus: 1\n  selector:');

const codes = (p: PublishDiagnosticsParams | undefined) => (p?.diagnostics ?? []).map((d) => String(d.code)).sort();

async function start(c: TestClient, dir: string, capabilities: ClientCapabilities): Promise<void> {
  await c.conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }], capabilities });
  await c.conn.sendNotification(InitializedNotification.type, {});
}

/** Waits until a publish matching `pred` has arrived (c.published is kept whole, for the assertions). */
async function until(c: TestClient, what: string, pred: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 15000): Promise<PublishDiagnosticsParams> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = c.published.find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`${what}: not published within ${timeoutMs} ms; got ${JSON.stringify(c.published).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until nothing has been published for a while. */
async function quiet(c: TestClient): Promise<void> {
  for (let n = c.published.length; ; n = c.published.length) {
    await new Promise((r) => setTimeout(r, 700));
    if (c.published.length === n) return;
  }
}

test('push mode: closed files are published, open ones left to their own pushes, cleared when no longer reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-closed-push-'));
  const c = new TestClient();
  const file = (name: string) => path.join(dir, name);
  const uri = (name: string) => pathToFileURL(file(name)).href;
  const changed = (name: string, type: FileChangeType) =>
    c.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(name), type }] });
  fs.writeFileSync(file('vs.yaml'), VS);
  fs.writeFileSync(file('svc.yaml'), SERVICE);
  fs.writeFileSync(file('bad.yaml'), BAD);
  fs.writeFileSync(file('chart-service.yaml'), HELM);
  fs.writeFileSync(file('workflow.yaml'), NOT_K8S);
  const VS_URI = uri('vs.yaml');
  try {
    await start(c, dir, { textDocument: { publishDiagnostics: { versionSupport: true } }, workspace: { configuration: true } });

    // Published without being opened: the mesh finding (unknown gateway) and the schema finding (weigth) of vs.yaml, the
    // schema finding of bad.yaml; nothing for the clean Service, the Helm template or the file without resources.
    await until(c, 'vs.yaml closed report', (p) => p.uri === VS_URI && codes(p).includes('IST0101'));
    await until(c, 'bad.yaml closed report', (p) => p.uri === uri('bad.yaml'));
    await quiet(c);
    assert.deepEqual(c.published.map((p) => path.basename(new URL(p.uri).pathname)).sort(), ['bad.yaml', 'vs.yaml'], 'each reported file published once');
    for (const p of c.published) assert.equal(p.version, undefined, 'closed files are published without a version');
    const vsCodes = codes(c.published.find((p) => p.uri === VS_URI));
    for (const code of ['IST0101', 'SchemaUnknownField']) assert.ok(vsCodes.includes(code), `mesh and schema findings of a closed file: ${vsCodes}`);
    assert.deepEqual(codes(c.published.find((p) => p.uri === uri('bad.yaml'))), ['SchemaUnknownField']);

    // Opened (with the schema error fixed in the editor): its own pushes own the URI, even when a later pass (set off by
    // svc.yaml changing on disk) publishes the closed files again.
    c.published.length = 0;
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: VS_URI, languageId: 'yaml', version: 1, text: VS.replace('weigth', 'weight') } });
    await until(c, 'vs.yaml open diagnostics', (p) => p.uri === VS_URI && p.version === 1);
    fs.writeFileSync(file('svc.yaml'), SERVICE.replace('  selector:', '  bogus: 1\n  selector:'));
    await changed('svc.yaml', FileChangeType.Changed);
    await until(c, 'svc.yaml closed report after the change', (p) => p.uri === uri('svc.yaml') && codes(p).includes('SchemaUnknownField'));
    await quiet(c);
    const whileOpen = c.published.filter((p) => p.uri === VS_URI);
    assert.ok(whileOpen.length > 0 && whileOpen.every((p) => p.version === 1), `only open-document pushes for vs.yaml: ${JSON.stringify(whileOpen)}`);
    const openCodes = codes(whileOpen[whileOpen.length - 1]);
    assert.ok(openCodes.includes('IST0101') && !openCodes.includes('SchemaUnknownField'), `the editor text has no schema error: ${openCodes}`);

    // Closed: the last word is its closed report (the text on disk, schema error included), not the close's clear.
    c.published.length = 0;
    await c.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: VS_URI } });
    await until(c, 'vs.yaml closed report after closing', (p) => p.uri === VS_URI && codes(p).includes('SchemaUnknownField'));
    await quiet(c);
    const afterClose = c.published.filter((p) => p.uri === VS_URI);
    assert.equal(afterClose[afterClose.length - 1].version, undefined);
    assert.deepEqual(codes(afterClose[afterClose.length - 1]), vsCodes);

    // Opened and closed with the text on disk (the index keeps the same parse: no mesh analysis runs): the same.
    c.published.length = 0;
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: VS_URI, languageId: 'yaml', version: 1, text: VS } });
    await until(c, 'vs.yaml open diagnostics', (p) => p.uri === VS_URI && p.version === 1);
    await c.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: VS_URI } });
    await until(c, 'vs.yaml closed report after closing', (p) => p.uri === VS_URI && p.version === undefined && codes(p).includes('SchemaUnknownField'));
    await quiet(c);
    const last = c.published.filter((p) => p.uri === VS_URI).pop();
    assert.equal(last?.version, undefined);
    assert.deepEqual(codes(last), vsCodes);

    // Deleted: one empty publish. No longer holding resources: one empty publish.
    c.published.length = 0;
    fs.rmSync(file('svc.yaml'));
    await changed('svc.yaml', FileChangeType.Deleted);
    await until(c, 'svc.yaml cleared after deletion', (p) => p.uri === uri('svc.yaml') && p.diagnostics.length === 0);
    await quiet(c);
    // (vs.yaml is published again too: its Service is gone, which changes its mesh findings.)
    assert.deepEqual(c.published.filter((p) => p.uri === uri('svc.yaml')).map((p) => p.diagnostics.length), [0]);
    c.published.length = 0;
    fs.writeFileSync(file('vs.yaml'), NOT_K8S);
    await changed('vs.yaml', FileChangeType.Changed);
    await until(c, 'vs.yaml cleared once it holds no resource', (p) => p.uri === VS_URI && p.diagnostics.length === 0);
    await quiet(c);
    assert.deepEqual(c.published.map((p) => `${path.basename(new URL(p.uri).pathname)} ${p.diagnostics.length}`), ['vs.yaml 0']);

    // istioWorkbench.analysis.closedFiles switched off: the file still published is cleared, once.
    c.published.length = 0;
    c.settings = { analysis: { closedFiles: false } };
    await c.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    await until(c, 'bad.yaml cleared when closedFiles is off', (p) => p.uri === uri('bad.yaml') && p.diagnostics.length === 0);
    await quiet(c);
    assert.deepEqual(c.published.map((p) => `${path.basename(new URL(p.uri).pathname)} ${p.diagnostics.length}`), ['bad.yaml 0']);
    assert.equal(await c.shutdown(), 0);
  } finally {
    c.proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pull mode: closed files are not published; a push client is published what the workspace report holds', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-closed-pull-'));
  fs.writeFileSync(path.join(dir, 'vs.yaml'), VS);
  fs.writeFileSync(path.join(dir, 'svc.yaml'), SERVICE);
  fs.writeFileSync(path.join(dir, 'bad.yaml'), BAD);
  const c = new TestClient();
  const push = new TestClient();
  c.conn.onRequest('workspace/diagnostic/refresh', () => null);
  try {
    await start(c, dir, { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true, diagnostics: { refreshSupport: true } } });
    // Answered once the index is loaded and analyzed: the closed files are reported here...
    const report = await c.conn.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    assert.deepEqual(report.items.map((i) => path.basename(new URL(i.uri).pathname)).sort(), ['bad.yaml', 'svc.yaml', 'vs.yaml']);
    // ...and never published.
    await quiet(c);
    assert.deepEqual(c.published, []);
    assert.equal(await c.shutdown(), 0);

    // A push client on the same folder is published exactly those diagnostics (svc.yaml has none: nothing to publish).
    await start(push, dir, { textDocument: { publishDiagnostics: { versionSupport: true } }, workspace: { configuration: true } });
    await until(push, 'vs.yaml', (p) => p.uri.endsWith('/vs.yaml'));
    await until(push, 'bad.yaml', (p) => p.uri.endsWith('/bad.yaml'));
    await quiet(push);
    const pulled = report.items.flatMap((i) => (i.kind === 'full' && i.items.length ? [{ uri: i.uri, diagnostics: i.items }] : []));
    assert.equal(pulled.length, 2);
    assert.deepEqual(push.published.map((p) => ({ uri: p.uri, diagnostics: p.diagnostics })).sort((a, b) => a.uri.localeCompare(b.uri)),
      pulled.sort((a, b) => a.uri.localeCompare(b.uri)));
    assert.equal(await push.shutdown(), 0);
  } finally {
    c.proc.kill();
    push.proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
