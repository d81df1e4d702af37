// Workspace diagnostics over stdio: the closed files of a workspace folder are reported (schema and mesh findings),
// templates and files without Kubernetes resources are not, unchanged files are answered as unchanged, an answer with
// nothing new is held until a file changes on disk, and an opened file is left to the document pulls.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  DiagnosticRefreshRequest, DidChangeWatchedFilesNotification, DidOpenTextDocumentNotification, FileChangeType, InitializeRequest, InitializedNotification,
  WorkspaceDiagnosticRequest, type WorkspaceDiagnosticReport, type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from './client';
import { HELM, NOT_K8S, SERVICE, VS } from './workspace-fixtures';


function byFile(r: WorkspaceDiagnosticReport): Map<string, WorkspaceDocumentDiagnosticReport> {
  return new Map(r.items.map((i) => [path.basename(new URL(i.uri).pathname), i]));
}

function codes(r: WorkspaceDocumentDiagnosticReport | undefined): string[] {
  assert.ok(r && r.kind === 'full', `a full report, got ${JSON.stringify(r)}`);
  return r.items.map((d) => String(d.code)).sort();
}

test('workspace diagnostics: closed files reported, unchanged ones as unchanged, held until a file changes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-wsdiag-'));
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  write('vs.yaml', VS);
  write('svc.yaml', SERVICE);
  write('chart-service.yaml', HELM);
  write('workflow.yaml', NOT_K8S);
  const c = new TestClient();
  c.conn.onRequest(DiagnosticRefreshRequest.type, () => undefined);
  try {
    const init = await c.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true } } },
    });
    const provider = init.capabilities.diagnosticProvider;
    assert.ok(provider && 'workspaceDiagnostics' in provider && provider.workspaceDiagnostics);
    await c.conn.sendNotification(InitializedNotification.type, {});

    const first = byFile(await c.conn.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] }));
    assert.deepEqual([...first.keys()].sort(), ['svc.yaml', 'vs.yaml'], 'templates and files without Kubernetes resources are left alone');
    const vsCodes = codes(first.get('vs.yaml'));
    for (const code of ['IST0101', 'SchemaUnknownField']) assert.ok(vsCodes.includes(code), `mesh and schema findings of a closed file: ${vsCodes}`);
    assert.deepEqual(codes(first.get('svc.yaml')), []);

    // Nothing changed: the answer is held until svc.yaml changes on disk, then svc.yaml is new and vs.yaml unchanged.
    const previousResultIds = [...first.values()].map((r) => ({ uri: r.uri, value: r.kind === 'full' ? r.resultId! : '' }));
    let answered = false;
    const held = c.conn.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds }).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(answered, false, 'an answer with nothing new is held');
    write('svc.yaml', SERVICE.replace('  selector:', '  bogus: 1\n  selector:'));
    await c.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(path.join(dir, 'svc.yaml')).href, type: FileChangeType.Changed }] });
    const second = byFile(await held);
    assert.deepEqual(codes(second.get('svc.yaml')), ['SchemaUnknownField']);
    assert.equal(second.get('vs.yaml')?.kind, 'unchanged');

    // An opened file is the document pulls' business: the workspace report clears it.
    const vsUri = pathToFileURL(path.join(dir, 'vs.yaml')).href;
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vsUri, languageId: 'yaml', version: 1, text: VS } });
    const ids = [...second.values()].map((r) => ({ uri: r.uri, value: r.resultId ?? '' }));
    const third = byFile(await c.conn.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: ids }));
    assert.deepEqual(codes(third.get('vs.yaml')), []);
    assert.equal(third.get('svc.yaml')?.kind, 'unchanged');
    assert.equal(await c.shutdown(), 0);
  } finally {
    c.proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('workspace diagnostics: istioWorkbench.analysis.closedFiles false leaves a closed file to its document pulls', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-wsdiag-'));
  fs.writeFileSync(path.join(dir, 'vs.yaml'), VS);
  fs.writeFileSync(path.join(dir, 'svc.yaml'), SERVICE.replace('  selector:', '  bogus: 1\n  selector:'));
  const c = new TestClient();
  c.conn.onRequest(DiagnosticRefreshRequest.type, () => undefined);
  // Switched off in vs.yaml's scope only.
  c.settingsFor = (item) => (item.scopeUri?.endsWith('/vs.yaml') ? { analysis: { closedFiles: false } } : {});
  try {
    await c.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }],
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true, diagnostics: { refreshSupport: true } } },
    });
    await c.conn.sendNotification(InitializedNotification.type, {});
    const report = byFile(await c.conn.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] }));
    assert.deepEqual([...report.keys()], ['svc.yaml']);
    assert.deepEqual(codes(report.get('svc.yaml')), ['SchemaUnknownField']);
    assert.equal(await c.shutdown(), 0);
  } finally {
    c.proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
