// Mesh analysis over stdio: a VirtualService in one file routes to a subset the DestinationRule in another file lacks;
// the diagnostic sits on the subset with relatedInformation; fixing the other file triggers a refresh and clears it;
// go to definition jumps from the subset to the DestinationRule's subset.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  CodeActionRequest, DefinitionRequest, DiagnosticRefreshRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DocumentDiagnosticRequest,
  InitializeRequest, InitializedNotification, type CodeAction, type FullDocumentDiagnosticReport, type Location,
} from 'vscode-languageserver-protocol/node';
import { runCli } from '../../server/src/cli';
import { TestClient } from './client';

const VS_URI = 'file:///ws/vs.yaml';
const DR_URI = 'file:///ws/dr.yaml';
const VS = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n  namespace: shop\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v2\n';
const DR = (s: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: shop\nspec:\n  host: reviews\n  subsets:\n  - name: ${s}\n`;

test('mesh diagnostics across files, refresh after a change in the other file, definition', async () => {
  const c = new TestClient();
  let refreshes = 0;
  c.conn.onRequest(DiagnosticRefreshRequest.type, () => {
    refreshes++;
  });
  try {
    await c.initialize({ textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true } } });
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: VS_URI, languageId: 'yaml', version: 1, text: VS } });
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: DR_URI, languageId: 'yaml', version: 1, text: DR('v1') } });
    const pull = async () => ((await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: VS_URI } })) as FullDocumentDiagnosticReport).items;
    // File diagnostics come at once; the mesh findings once the background analysis is done (announced by a refresh).
    const deadline0 = Date.now() + 5000;
    const subsetFinding = async () => (await pull()).find((x) => x.code === 'IST0101' && x.message.includes('subset'));
    let d = await subsetFinding();
    while (!d && Date.now() < deadline0) {
      const seen = refreshes;
      while (refreshes === seen && Date.now() < deadline0) await new Promise((r) => setTimeout(r, 20));
      d = await subsetFinding();
    }
    assert.ok(d);
    refreshes = 0;
    assert.deepEqual(d.range, { start: { line: 11, character: 16 }, end: { line: 11, character: 18 } });
    assert.equal(d.relatedInformation?.[0].location.uri, DR_URI);
    assert.match(d.codeDescription?.href ?? '', /ist0101/);
    // Its quick fix edits the DestinationRule's file.
    const actions = (await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: VS_URI }, range: d.range, context: { diagnostics: [d] } })) as CodeAction[];
    const add = actions.find((a) => a.title === 'Add subset "v2" to DestinationRule shop/reviews');
    assert.ok(add, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(Object.keys(add.edit?.changes ?? {}), [DR_URI]);

    const defs = (await c.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: VS_URI }, position: { line: 11, character: 17 } })) as Location[];
    assert.equal(defs.length, 1);
    assert.equal(defs[0].uri, DR_URI);
    assert.equal(defs[0].range.start.line, 8);

    await c.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: DR_URI, version: 2 }, contentChanges: [{ text: DR('v2') }] });
    const deadline = Date.now() + 5000;
    while (refreshes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refreshes > 0, 'workspace/diagnostic/refresh after the change');
    assert.equal((await pull()).filter((x) => x.message.includes('subset')).length, 0);
  } finally {
    await c.shutdown();
  }
});

// Open every file of a workspace at once while the server is still indexing it from disk, with editor texts that differ
// from the disk (a Service deleted, a subset renamed) and URIs spelled as VS Code spells them ("%40" for "@"): once the
// server is quiet, each file's diagnostics equal the CLI's findings over the editor texts.
test('mesh diagnostics while the index loads equal the CLI findings over the open texts', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-mesh-lsp-'));
  const ws = path.join(dir, 'team@ws');
  const cliDir = path.join(dir, 'cli');
  fs.mkdirSync(ws);
  fs.mkdirSync(cliDir);
  const N = 120;
  const app = (i: number, opts: { service?: boolean; subset?: string } = {}) => [
    ...(opts.service === false ? [] : [`apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: team\nspec:\n  selector: {app: svc-${i}}\n  ports:\n  - name: http\n    port: 80\n`]),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${i}\n  namespace: team\nspec:\n  selector:\n    matchLabels: {app: svc-${i}}\n  template:\n    metadata:\n      labels: {app: svc-${i}, version: v1}\n    spec:\n      containers:\n      - name: app\n        image: example/app:1\n`,
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: svc-${i}\n  namespace: team\nspec:\n  host: svc-${(i + 1) % N}\n  subsets:\n  - name: ${opts.subset ?? 'v1'}\n    labels: {version: v1}\n`,
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: svc-${i}\n  namespace: team\nspec:\n  hosts: [svc-${i}]\n  http:\n  - route:\n    - destination:\n        host: svc-${(i + 1) % N}\n        subset: v1\n`,
  ].join('---\n');
  const names = Array.from({ length: N }, (_, i) => `app-${String(i).padStart(3, '0')}.yaml`);
  const edited = (i: number) => (i % 7 === 3 ? app(i, { service: false }) : i % 7 === 5 ? app(i, { subset: 'v2' }) : app(i));
  names.forEach((n, i) => {
    fs.writeFileSync(path.join(ws, n), app(i));
    fs.writeFileSync(path.join(cliDir, n), edited(i));
  });
  // VS Code's spelling of the folder's URI: every character outside [A-Za-z0-9-._~/] percent-encoded.
  const vscodeUri = (p: string) => `file://${p.split('/').map((s) => encodeURIComponent(s)).join('/')}`;
  let out = '';
  runCli(['analyze', '--format', 'json', cliDir], { stdout: (s) => (out += s), stderr: () => undefined, readStdin: () => '' });
  const expected = (JSON.parse(out) as { file: string; code: string; message: string; range: { start: { line: number; character: number } } }[])
    .map((f) => `${path.basename(f.file)} ${f.range.start.line}:${f.range.start.character} ${f.code} ${f.message}`).sort();
  assert.ok(expected.some((e) => e.includes('IST0101')), 'the edited texts have mesh findings');

  const c = new TestClient();
  let refreshes = 0;
  let lastRefresh = 0;
  c.conn.onRequest(DiagnosticRefreshRequest.type, () => {
    refreshes++;
    lastRefresh = Date.now();
  });
  try {
    await c.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: [{ uri: vscodeUri(ws), name: 'ws' }],
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true, diagnostics: { refreshSupport: true } } },
    });
    await c.conn.sendNotification(InitializedNotification.type, {});
    const uris = names.map((n) => vscodeUri(path.join(ws, n)));
    const pullAll = () => Promise.all(uris.map(async (uri) => ((await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport).items));
    // No waiting: the opens and pulls race the server's indexing of the folder.
    await Promise.all(uris.map(async (uri, i) => {
      await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: edited(i) } });
      await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    }));
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline && (refreshes === 0 || Date.now() - lastRefresh < 1000)) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refreshes > 0, 'a refresh once the mesh findings are known');
    const got = (await pullAll()).flatMap((items, i) => items.map((d) => `${names[i]} ${d.range.start.line}:${d.range.start.character} ${String(d.code)} ${d.message}`)).sort();
    assert.deepEqual(got, expected);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Without pull diagnostics the server pushes: after a change in one file, the other files are pushed again only when
// their mesh findings changed (the VirtualService's), not every open document (the unrelated Service's stay as they were).
test('push mode: a change re-publishes only the files whose mesh findings changed', async () => {
  const OTHER_URI = 'file:///ws/other.yaml';
  const OTHER = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: elsewhere\nspec:\n  selector: {app: web}\n  ports:\n  - name: web\n    port: 8080\n';
  const c = new TestClient();
  try {
    await c.initialize({ textDocument: { publishDiagnostics: { versionSupport: true } } });
    for (const [uri, text] of [[VS_URI, VS], [DR_URI, DR('v1')], [OTHER_URI, OTHER]]) {
      await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    }
    await c.waitForDiagnostics((p) => p.uri === VS_URI && p.diagnostics.some((d) => d.code === 'IST0101' && d.message.includes('subset')));
    await c.waitForDiagnostics((p) => p.uri === OTHER_URI && p.diagnostics.some((d) => d.code === 'IST0118'));
    // Quiet: no more pushes for a while.
    const quiet = async () => {
      for (let n = c.published.length; ; n = c.published.length) {
        await new Promise((r) => setTimeout(r, 700));
        if (c.published.length === n) return;
      }
    };
    await quiet();
    c.published.length = 0;
    await c.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: DR_URI, version: 2 }, contentChanges: [{ text: DR('v2') }] });
    const vs = await c.waitForDiagnostics((p) => p.uri === VS_URI);
    assert.equal(vs.diagnostics.filter((d) => d.message.includes('subset')).length, 0);
    await quiet();
    assert.deepEqual(c.published.map((p) => p.uri).filter((u) => u === OTHER_URI), [], 'the unrelated file is not pushed again');
  } finally {
    await c.shutdown();
  }
});
