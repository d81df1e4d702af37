// textDocument/codeAction over stdio: the migration quick fix for a removed API, applied text-wise by the test.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  CodeActionKind, CodeActionRequest, DidOpenTextDocumentNotification, DocumentDiagnosticRequest,
  type CodeAction, type FullDocumentDiagnosticReport, type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { parseYaml } from '../../server/src/yaml/parse';
import { ROOT, TestClient } from './client';

const URI = 'file:///ws/vp0.yaml';

function applyTextEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = edits.map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  return sorted.reduce((t, e) => t.slice(0, e.s) + e.t + t.slice(e.e), text);
}

test('code actions: migration quick fix at the apiVersion, preferred, with its diagnostic; honours settings', async () => {
  const text = fs.readFileSync(path.join(ROOT, 'test/fixtures/seed/vp0.yaml'), 'utf8');
  const c = new TestClient();
  const init = await c.initialize({ textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } });
  assert.deepEqual(init.capabilities.codeActionProvider, { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] });
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'yaml', version: 1, text } });

  const report = (await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: URI } })) as FullDocumentDiagnosticReport;
  const removed = report.items.find((d) => d.code === 'RemovedAPI');
  assert.ok(removed, JSON.stringify(report.items));
  const line = text.split('\n').findIndex((l) => l === 'apiVersion: extensions/v1beta1');
  assert.equal(removed.range.start.line, line);

  const cursor = { line, character: 15 };
  const all = (await c.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI }, range: { start: cursor, end: cursor }, context: { diagnostics: [removed] },
  })) as CodeAction[];
  // The seed's Deployment carries an Istio 0.2.7 sidecar: the injection actions come after the finding's fix.
  const injection = ['Remove injected sidecar', 'Re-inject with the current template (Istio 0.x sidecar)'];
  assert.deepEqual(all.filter((x) => !x.diagnostics).map((x) => x.title), injection);
  const actions = all.filter((x) => x.diagnostics);
  assert.equal(actions.length, 1);
  const a = actions[0];
  assert.equal(a.kind, CodeActionKind.QuickFix);
  assert.equal(a.isPreferred, true);
  assert.match(a.title, /Migrate to apps\/v1/);
  assert.deepEqual(a.diagnostics, [removed]);
  const migrated = applyTextEdits(text, a.edit!.changes![URI]);
  const parsed = parseYaml(migrated);
  assert.deepEqual(parsed.problems, []);
  const dep = parsed.docs[1].doc.toJS();
  assert.equal(dep.apiVersion, 'apps/v1');
  assert.deepEqual(dep.spec.selector, { matchLabels: { app: 'vp0' } });
  assert.deepEqual(parsed.docs[0].doc.toJS(), parseYaml(text).docs[0].doc.toJS());

  // Nothing on the Service above; only the injection refactoring when only refactorings are asked for.
  const none = await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, context: { diagnostics: [] } });
  assert.deepEqual(none, []);
  const refactor = await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range: { start: cursor, end: cursor }, context: { diagnostics: [], only: [CodeActionKind.Refactor] } });
  assert.deepEqual((refactor as CodeAction[]).map((x) => x.title), ['Remove injected sidecar']);

  // A disabled check offers no fix (the settings are read per document; the new document gets them).
  c.settings = { analysis: { disabled: ['deprecation.APIAnalyzer'] } };
  const uri2 = 'file:///ws/vp0-copy.yaml';
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri2, languageId: 'yaml', version: 1, text } });
  const off = await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: uri2 }, range: { start: cursor, end: cursor }, context: { diagnostics: [] } });
  assert.deepEqual((off as CodeAction[]).map((x) => x.title), injection);
  const report2 = (await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uri2 } })) as FullDocumentDiagnosticReport;
  assert.ok(!report2.items.some((d) => d.code === 'RemovedAPI'));
  assert.equal(await c.shutdown(), 0);
});
