// Mesh analysis over stdio: a VirtualService in one file routes to a subset the DestinationRule in another file lacks;
// the diagnostic sits on the subset with relatedInformation; fixing the other file triggers a refresh and clears it;
// go to definition jumps from the subset to the DestinationRule's subset.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DefinitionRequest, DiagnosticRefreshRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DocumentDiagnosticRequest,
  type FullDocumentDiagnosticReport, type Location,
} from 'vscode-languageserver-protocol/node';
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
    const d = (await pull()).find((x) => x.code === 'IST0101' && x.message.includes('subset'));
    assert.ok(d);
    assert.deepEqual(d.range, { start: { line: 11, character: 16 }, end: { line: 11, character: 18 } });
    assert.equal(d.relatedInformation?.[0].location.uri, DR_URI);
    assert.match(d.codeDescription?.href ?? '', /ist0101/);

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
