// Extension-host tests: real VS Code API, real language server, the demo workspace.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { IstioWorkbenchApi } from '../../src/extension';

const EXT_ID = 'istio-workbench.istio-workbench';

async function waitFor<T>(what: string, fn: () => T | undefined | Thenable<T | undefined>, timeoutMs = 20000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function wsFile(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, rel);
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'yaml');

suite('Istio Workbench in the extension host', () => {
  let api: IstioWorkbenchApi;
  const brokenRel = process.env.IWB_BROKEN_FILE ?? 'hyperledger/vp0-broken.yaml';
  const brokenLine = Number(process.env.IWB_BROKEN_LINE ?? '6');

  suiteSetup(async () => {
    const doc = await vscode.workspace.openTextDocument(wsFile('hyperledger/vp0.yaml'));
    await vscode.window.showTextDocument(doc);
    const ext = vscode.extensions.getExtension<IstioWorkbenchApi>(EXT_ID);
    assert.ok(ext, `${EXT_ID} is installed`);
    api = await waitFor('activation', async () => (ext.isActive ? ext.exports : undefined));
    await waitFor('the language server', () => api.ctx.client?.isRunning() || undefined);
  });

  test('activates on a YAML file and starts its language server', () => {
    assert.equal(api.ctx.client?.initializeResult?.serverInfo?.name, 'istio-workbench');
  });

  test('a YAML syntax error in a seed file becomes an exact diagnostic', async () => {
    const uri = wsFile(brokenRel);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor('syntax diagnostics', () => (ours(uri).length ? ours(uri) : undefined));
    assert.equal(diags.length, 1);
    const d = diags[0];
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.code, 'BLOCK_AS_IMPLICIT_KEY');
    assert.equal(d.range.start.line, brokenLine - 1);
    assert.equal(doc.lineAt(d.range.start.line).text.slice(d.range.start.character), 'vp0: broken');
  });

  test('fixing the error clears the diagnostic; breaking it again brings it back', async () => {
    const uri = wsFile(brokenRel);
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.lineAt(brokenLine - 1);
    const fix = new vscode.WorkspaceEdit();
    fix.replace(uri, line.range, '  name: vp0');
    assert.ok(await vscode.workspace.applyEdit(fix));
    await waitFor('diagnostics to clear', () => ours(uri).length === 0 || undefined);
    const undo = new vscode.WorkspaceEdit();
    undo.replace(uri, doc.lineAt(brokenLine - 1).range, '  name: vp0: broken');
    assert.ok(await vscode.workspace.applyEdit(undo));
    await waitFor('diagnostics to return', () => ours(uri).length === 1 || undefined);
  });

  test('settings are read per resource: validation.enable=false silences the folder', async () => {
    const uri = wsFile(brokenRel);
    await waitFor('the error', () => ours(uri).length === 1 || undefined);
    const cfg = vscode.workspace.getConfiguration('istioWorkbench', uri);
    await cfg.update('validation.enable', false, vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      await waitFor('diagnostics off', () => ours(uri).length === 0 || undefined);
    } finally {
      await cfg.update('validation.enable', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
    await waitFor('diagnostics back on', () => ours(uri).length === 1 || undefined);
  });

  test('the outline lists the resources of a multi-document file', async () => {
    const uri = wsFile('hyperledger/vp0.yaml');
    const symbols = await waitFor('symbols', () =>
      vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri));
    assert.deepEqual(symbols.map((s) => s.name), ['Service vp0', 'Deployment vp0']);
  });

  test('every contributed command is registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed = (vscode.extensions.getExtension(EXT_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 4);
    assert.deepEqual(contributed.filter((c) => !all.has(c)), []);
  });

  test('mesh tree: nothing until a context is chosen, then the context from the kubeconfig', async () => {
    const cfg = vscode.workspace.getConfiguration('istioWorkbench');
    assert.equal(cfg.get('context'), '');
    assert.deepEqual(api.ctx.meshTree.getChildren(), []);
    await cfg.update('context', 'kind-mesh', vscode.ConfigurationTarget.Workspace);
    try {
      const roots = api.ctx.meshTree.getChildren();
      assert.equal(roots.length, 1);
      const item = api.ctx.meshTree.getTreeItem(roots[0]);
      assert.equal(item.label, 'kind-mesh');
      assert.equal(item.description, 'https://127.0.0.1:6443');
      const children = api.ctx.meshTree.getChildren(roots[0]);
      assert.equal(api.ctx.meshTree.getTreeItem(children[0]).label, 'Not connected');
      await cfg.update('context', 'no-such-context', vscode.ConfigurationTarget.Workspace);
      const missing = api.ctx.meshTree.getChildren();
      assert.equal(api.ctx.meshTree.getTreeItem(missing[0]).label, 'Context "no-such-context" not found');
    } finally {
      await cfg.update('context', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('the removed-API quick fix migrates a seed file and leaves no errors behind', async () => {
    const uri = wsFile('hyperledger/membersrvc.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const errors = () => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const removed = await waitFor('the RemovedAPI diagnostic', () => errors().find((d) => d.code === 'RemovedAPI'));
    assert.equal(doc.getText(removed.range), 'extensions/v1beta1');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, removed.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix?.edit, `a preferred quick fix among ${actions.map((a) => a.title).join(', ')}`);
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /apiVersion: apps\/v1/);
    assert.match(doc.getText(), /selector:\n\s+matchLabels:/);
    assert.equal(doc.getText().split('\n---').length, before.split('\n---').length, 'every document kept');
    await waitFor('no errors after the migration', () => (errors().length === 0 ? true : undefined));
  });

  test('sidecar injection actions on bookinfo productpage: valid YAML, every comment kept', async () => {
    const uri = wsFile('bookinfo/platform/bookinfo.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    const comments = (t: string) => t.split('\n').filter((l) => /^\s*#/.test(l));
    const line = original.split('\n').indexOf('  name: productpage-v1');
    const at = new vscode.Range(line, 2, line, 2);
    try {
      for (const title of ['Enable sidecar injection', 'Inject sidecar inline (kube-inject)']) {
        const actions = await waitFor(`the "${title}" action`, async () => {
          const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, at);
          return all.find((a) => a.title.startsWith(title));
        });
        assert.ok(actions.edit);
        assert.ok(await vscode.workspace.applyEdit(actions.edit));
        const text = doc.getText();
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the suite runs from out/ inside the extension host
        const { parseAllDocuments } = require('yaml') as typeof import('yaml');
        for (const d of parseAllDocuments(text)) assert.deepEqual(d.errors, [], `${title}: valid YAML`);
        assert.deepEqual(comments(text), comments(original), `${title}: every comment kept`);
        assert.match(text, title.startsWith('Enable') ? /sidecar\.istio\.io\/inject: "true"/ : /name: istio-proxy/);
        const whole = new vscode.WorkspaceEdit();
        whole.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
        assert.ok(await vscode.workspace.applyEdit(whole));
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('the injection preview opens as a diff and follows edits of the source', async () => {
    const uri = wsFile('bookinfo/platform/bookinfo.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('the injection CodeLenses', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return all.filter((l) => l.command?.command === 'istioWorkbench.previewInjection').length === 6 ? all : undefined;
    });
    const lens = lenses.filter((l) => l.command?.command === 'istioWorkbench.previewInjection').pop()!;
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const preview = await waitFor('the preview document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'istio-injection'));
    await waitFor('injected content', () => preview.getText().includes('name: istio-proxy') || undefined);
    const edit = new vscode.WorkspaceEdit();
    const line = doc.getText().split('\n').indexOf('        prometheus.io/path: "/metrics"');
    edit.insert(uri, new vscode.Position(line + 1, 0), '        sidecar.istio.io/proxyCPU: "lots"\n');
    try {
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor('the preview to show the error', () => /cannot inject Deployment productpage-v1/.test(preview.getText()) || undefined).catch((e: Error) => {
        // Seen once in CI (passing in every rerun): say what the preview and its source held, to tell a stale render apart.
        throw new Error(`${e.message}; the source (version ${doc.version}) ${doc.getText().includes('proxyCPU: "lots"') ? 'has' : 'lacks'} the ` +
          `edit; the preview (version ${preview.version}) begins ${JSON.stringify(preview.getText().slice(0, 240))}`);
      });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('restarting the language server keeps diagnostics working', async () => {
    await vscode.commands.executeCommand('istioWorkbench.restartServer');
    await waitFor('the restarted server', () => api.ctx.client?.isRunning() || undefined);
    const uri = wsFile('hyperledger/restart-check.yaml');
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { overwrite: true, contents: new TextEncoder().encode('a: [1\n') });
    assert.ok(await vscode.workspace.applyEdit(edit));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitFor('a diagnostic from the new server', () => ours(uri).length > 0 || undefined);
  });
});
