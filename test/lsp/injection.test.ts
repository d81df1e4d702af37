// Sidecar injection over stdio: the CodeLens on each workload and the preview request, following edits.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  CodeActionRequest, CodeLensRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, type CodeAction, type CodeLens,
} from 'vscode-languageserver-protocol/node';
import { InjectionPreviewRequest, PREVIEW_INJECTION_COMMAND } from '../../server/src/protocol';
import { ROOT, TestClient } from './client';

const URI = 'file:///ws/bookinfo.yaml';

test('injection: a CodeLens per workload, the preview of one document, live after an edit', async () => {
  const text = fs.readFileSync(path.join(ROOT, 'test/demo-workspace/bookinfo/platform/bookinfo.yaml'), 'utf8');
  const c = new TestClient();
  const init = await c.initialize({});
  assert.deepEqual(init.capabilities.codeLensProvider, { resolveProvider: false });
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'yaml', version: 1, text } });
  const lenses = (await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } })) as CodeLens[];
  assert.equal(lenses.length, 6);
  assert.ok(lenses.every((l) => l.command?.command === PREVIEW_INJECTION_COMMAND && l.command.title === 'Preview sidecar injection'));
  const productpage = lenses.find((l) => text.split('\n')[l.range.start.line + 3] === '  name: productpage-v1');
  assert.ok(productpage, 'a lens on the productpage Deployment');
  const [uri, index] = productpage.command!.arguments as [string, number];
  assert.equal(uri, URI);

  const preview = await c.conn.sendRequest(InjectionPreviewRequest, { uri, documentIndex: index });
  assert.ok(preview && !preview.error);
  assert.match(preview.text, /name: istio-proxy/);
  assert.ok(preview.text.startsWith(text.slice(0, text.indexOf('name: productpage-v1'))), 'the rest of the file as written');

  // An invalid annotation: the preview explains it instead of failing.
  const bad = text.replace('prometheus.io/path: "/metrics"', 'prometheus.io/path: "/metrics"\n        sidecar.istio.io/proxyCPU: "lots"');
  await c.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: bad }] });
  const failed = await c.conn.sendRequest(InjectionPreviewRequest, { uri, documentIndex: index });
  assert.ok(failed?.error);
  assert.match(failed.text, /# Istio Workbench: cannot inject Deployment productpage-v1: .*proxyCPU/);

  const line = bad.split('\n').indexOf('  name: productpage-v1');
  const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI }, range: { start: { line, character: 2 }, end: { line, character: 2 } }, context: { diagnostics: [] },
  })) as CodeAction[];
  assert.deepEqual(actions.map((a) => a.title), ['Enable sidecar injection (sidecar.istio.io/inject: "true")']);
  assert.equal(await c.shutdown(), 0);
});
