// Workspace-level mesh features over stdio: find references across the files of a workspace folder (Istio's bookinfo
// sample), and workspace folders added or removed after start (indexed with their exclusions, dropped, diagnostics
// refreshed).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  ConfigurationRequest, DiagnosticRefreshRequest, DidChangeTextDocumentNotification, DidChangeWorkspaceFoldersNotification, DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest, InitializeRequest, InitializedNotification, ReferencesRequest, type FullDocumentDiagnosticReport, type Location,
} from 'vscode-languageserver-protocol/node';
import { ROOT, TestClient } from './client';

const BOOKINFO = path.join(ROOT, 'test/fixtures/mesh/bookinfo');

/** Polls until check() returns a value (not undefined), waiting for a refresh or 50 ms between tries. */
async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function lineOf(text: string, needle: string, n = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= n; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i);
  return { line: before.split('\n').length - 1, character: i - before.lastIndexOf('\n') - 1 };
}

function covered(loc: Location): string {
  const text = fs.readFileSync(new URL(loc.uri), 'utf8');
  return text.split('\n')[loc.range.start.line].slice(loc.range.start.character, loc.range.end.character);
}

test('find references: a DestinationRule subset and a Service across the workspace folder; open texts win', async () => {
  const c = new TestClient();
  c.conn.onRequest(DiagnosticRefreshRequest.type, () => undefined);
  try {
    const init = await c.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: [{ uri: pathToFileURL(BOOKINFO).href, name: 'bookinfo' }],
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true } } },
    });
    assert.equal(init.capabilities.referencesProvider, true);
    await c.conn.sendNotification(InitializedNotification.type, {});
    const drPath = path.join(BOOKINFO, 'networking/destination-rule-all.yaml');
    const drUri = pathToFileURL(drPath).href;
    const drText = fs.readFileSync(drPath, 'utf8');
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: drUri, languageId: 'yaml', version: 1, text: drText } });
    const v3 = lineOf(drText, 'name: v3');
    const refs = (includeDeclaration: boolean) => c.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: drUri }, position: { line: v3.line, character: v3.character + 7 }, context: { includeDeclaration } }) as Promise<Location[] | null>;
    // The folder loads in the background: references come once it is indexed.
    const found = await until(async () => {
      const r = await refs(false);
      return r && r.length >= 7 ? r : undefined;
    }, 'references of subset v3');
    const files = [...new Set(found.map((l) => path.basename(new URL(l.uri).pathname)))].sort();
    assert.deepEqual(files, [
      'virtual-service-ratings-db.yaml', 'virtual-service-ratings-mysql-vm.yaml', 'virtual-service-ratings-mysql.yaml', 'virtual-service-reviews-50-v3.yaml',
      'virtual-service-reviews-jason-v2-v3.yaml', 'virtual-service-reviews-v2-v3.yaml', 'virtual-service-reviews-v3.yaml',
    ]);
    assert.ok(found.every((l) => covered(l) === 'v3'));
    const withDecl = (await refs(true))!;
    assert.ok(withDecl.some((l) => l.uri === drUri && l.range.start.line === v3.line));
    assert.equal(withDecl.length, found.length + 3, 'subset v3 of the three rules for reviews');

    // An open VirtualService's editor text, not the disk's, is what counts.
    const vsPath = path.join(BOOKINFO, 'networking/virtual-service-reviews-v3.yaml');
    const vsUri = pathToFileURL(vsPath).href;
    const vsText = fs.readFileSync(vsPath, 'utf8');
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vsUri, languageId: 'yaml', version: 1, text: vsText } });
    await c.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: vsUri, version: 2 }, contentChanges: [{ text: vsText.replace('subset: v3', 'subset: v2') }] });
    const after = (await refs(false))!;
    assert.equal(after.length, found.length - 1);
    assert.ok(!after.some((l) => l.uri === vsUri));

    // On the Service name "details" of bookinfo.yaml: hosts of VirtualServices and DestinationRules, all reading "details".
    const appPath = path.join(BOOKINFO, 'platform/kube/bookinfo.yaml');
    const appUri = pathToFileURL(appPath).href;
    const appText = fs.readFileSync(appPath, 'utf8');
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: appUri, languageId: 'yaml', version: 1, text: appText } });
    const svc = lineOf(appText, 'name: details');
    const svcRefs = (await c.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: appUri }, position: { line: svc.line, character: svc.character + 7 }, context: { includeDeclaration: false } })) as Location[];
    assert.ok(svcRefs.length >= 5);
    assert.ok(svcRefs.every((l) => covered(l) === 'details'), JSON.stringify(svcRefs.map(covered)));
    assert.ok(svcRefs.some((l) => l.uri === drUri));
  } finally {
    await c.shutdown();
  }
});

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {end-user: {exact: a}}}]
    route: [{destination: {host: ratings}}]
  - match: [{headers: {end-user: {exact: b}}}]
    route: [{destination: {host: details}}]
  - route: [{destination: {host: reviews, subset: v2}}]
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
`;
const DR = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews, namespace: shop}\nspec:\n  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n';
const SVC = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop}\nspec:\n  selector: {app: ${name}}\n  ports: [{name: http, port: 9080}]\n`;

test('workspace folders added and removed after start: indexed with their exclusions, dropped, diagnostics refreshed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-folders-'));
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.mkdirSync(a);
  fs.mkdirSync(path.join(b, 'old'), { recursive: true });
  fs.writeFileSync(path.join(a, 'vs.yaml'), VS);
  fs.writeFileSync(path.join(b, 'dr.yaml'), DR);
  // Excluded by istioWorkbench.analysis.exclude (old/**) and by files.exclude (**/skip-*.yaml): never indexed.
  fs.writeFileSync(path.join(b, 'old', 'ratings.yaml'), SVC('ratings'));
  fs.writeFileSync(path.join(b, 'skip-details.yaml'), SVC('details'));
  const aUri = pathToFileURL(a).href;
  const bUri = pathToFileURL(b).href;
  const vsUri = pathToFileURL(path.join(a, 'vs.yaml')).href;

  const c = new TestClient();
  c.conn.onRequest(DiagnosticRefreshRequest.type, () => undefined);
  c.conn.onRequest(ConfigurationRequest.type, (params) => params.items.map((it) => {
    if (it.section === 'files.exclude') return { '**/skip-*.yaml': true, '**/ratings.yaml': false };
    if (it.section === 'istioWorkbench') return { analysis: { exclude: it.scopeUri === bUri ? ['old/**'] : [] } };
    return null;
  }));
  try {
    const init = await c.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: [{ uri: aUri, name: 'a' }],
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true, workspaceFolders: true, diagnostics: { refreshSupport: true } } },
    });
    assert.deepEqual(init.capabilities.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
    await c.conn.sendNotification(InitializedNotification.type, {});
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vsUri, languageId: 'yaml', version: 1, text: VS } });
    const messages = async () => ((await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: vsUri } })) as FullDocumentDiagnosticReport).items
      .filter((d) => d.code === 'IST0101').map((d) => d.message).sort();
    const expect = (want: string[], what: string) => until(async () => {
      const got = await messages();
      return JSON.stringify(got) === JSON.stringify(want) ? got : undefined;
    }, `${what}: ${JSON.stringify(want)}`);
    const subset = 'Referenced host+subset in destinationrule not found: "reviews+v2"';
    const ratings = 'Referenced host not found: "ratings"';
    const details = 'Referenced host not found: "details"';
    await expect([subset, details, ratings].sort(), 'folder a alone');

    await c.conn.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [{ uri: bUri, name: 'b' }], removed: [] } });
    // b/dr.yaml defines the subset; the excluded files of b stay out of the index.
    await expect([details, ratings].sort(), 'folder b added');

    await c.conn.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [], removed: [{ uri: bUri, name: 'b' }] } });
    await expect([subset, details, ratings].sort(), 'folder b removed');

    await c.conn.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [{ uri: bUri, name: 'b' }], removed: [{ uri: aUri, name: 'a' }] } });
    // Folder a is gone, but vs.yaml is open: it still counts, and b's rule is indexed again.
    await expect([details, ratings].sort(), 'folder a removed, b added back');
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
