// Sidecar injection over stdio: the CodeLens on each workload and the preview request, following edits.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  CodeActionRequest, CodeLensRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification,
  ShowMessageNotification, type CodeAction, type CodeLens,
} from 'vscode-languageserver-protocol/node';
import {
  ClusterInjectionConfigNotification, InjectionConfigChangedNotification, InjectionPreviewRequest, PREVIEW_INJECTION_COMMAND, WorkloadPodRequest,
  type InjectionConfigChangedParams,
} from '../../server/src/protocol';
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

test('injection configuration: files from the settings (reloaded when they change, a bad one falls back with a warning), the cluster\'s ConfigMaps, the dry-run Pod', async () => {
  const text = fs.readFileSync(path.join(ROOT, 'test/demo-workspace/bookinfo/platform/bookinfo.yaml'), 'utf8');
  const data = path.join(ROOT, 'server/data/injection');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-lsp-inject-'));
  const values = (hub: string) => {
    const cm = fs.readFileSync(path.join(data, 'istio-sidecar-injector-configmap.yaml'), 'utf8');
    const v = JSON.parse(/\n {2}values: \|-\n([\s\S]*?)\nkind: ConfigMap/.exec(cm)![1].replace(/^ {4}/gm, '')) as { global: { hub: string } };
    v.global.hub = hub;
    return JSON.stringify(v);
  };
  const valuesFile = path.join(dir, 'values.json');
  fs.writeFileSync(valuesFile, values('files.example/one'));
  const c = new TestClient();
  const changes: InjectionConfigChangedParams[] = [];
  const messages: string[] = [];
  c.conn.onNotification(InjectionConfigChangedNotification, (p) => changes.push(p));
  c.conn.onNotification(ShowMessageNotification.type, (p) => messages.push(p.message));
  const until = async <T>(what: string, f: () => T | undefined, ms = 10000): Promise<T> => {
    const t0 = Date.now();
    for (;;) {
      const v = f();
      if (v) return v;
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; changes ${JSON.stringify(changes)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    c.settings = { injection: { source: 'files', valuesFile } };
    await c.initialize({ workspace: { configuration: true } });
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'yaml', version: 1, text } });
    const first = await until('the files source', () => changes.find((p) => p.kind === 'files'));
    assert.match(first.description, /values\.json/);
    const lenses = (await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: URI } })) as CodeLens[];
    const index = (lenses.find((l) => text.split('\n')[l.range.start.line + 3] === '  name: productpage-v1')!.command!.arguments as [string, number])[1];
    const image = async () => /image: (\S+\/proxyv2:\S+)/.exec((await c.conn.sendRequest(InjectionPreviewRequest, { uri: URI, documentIndex: index }))!.text)?.[1];
    assert.equal(await image(), 'files.example/one/proxyv2:1.1.4');

    // The file changes on disk: the server reloads it by itself and says so.
    const n = changes.length;
    fs.writeFileSync(valuesFile, `${values('files.example/two')}\n\n`);
    await until('a reload after the file changed', () => changes.length > n);
    assert.equal(await image(), 'files.example/two/proxyv2:1.1.4');

    // A broken file: a warning, the bundled defaults, no crash; the inline action uses the same configuration.
    fs.writeFileSync(valuesFile, '{"global": ');
    const broken = await until('the fallback', () => changes.find((p) => p.error));
    assert.equal(broken.kind, 'bundled');
    assert.match(broken.error!, /values\.json: failed to parse values/);
    await until('a warning message', () => messages.find((m) => /values\.json: failed to parse values/.test(m)));
    assert.equal(await image(), 'registry.istio.io/release/proxyv2:1.1.4');

    // Source "cluster": the server waits for the ConfigMaps, then uses what the extension sends.
    c.settings = { injection: { source: 'cluster', revision: 'canary' } };
    await c.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const pending = await until('pending', () => changes.find((p) => p.requested === 'cluster' && p.pending));
    assert.equal(pending.revision, 'canary');
    const injector = fs.readFileSync(path.join(data, 'istio-sidecar-injector-configmap.yaml'), 'utf8');
    const config = /\n {2}config: \|-\n([\s\S]*?)\n {2}values: /.exec(injector)![1].replace(/^ {4}/gm, '');
    await c.conn.sendNotification(ClusterInjectionConfigNotification, { context: 'prod', namespace: 'istio-system', revision: 'canary', config, values: values('cluster.example/istio') });
    const fromCluster = await until('the cluster source', () => changes.find((p) => p.kind === 'cluster'));
    assert.match(fromCluster.description, /context prod: ConfigMap istio-system\/istio-sidecar-injector-canary/);
    assert.equal(await image(), 'cluster.example/istio/proxyv2:1.1.4');

    const pod = await c.conn.sendRequest(WorkloadPodRequest, { uri: URI, documentIndex: index });
    assert.ok(pod && 'pod' in pod);
    assert.equal(pod.kind, 'Deployment');
    assert.equal((pod.pod.metadata as { generateName: string }).generateName, 'productpage-v1-');
    const notWorkload = await c.conn.sendRequest(WorkloadPodRequest, { uri: URI, documentIndex: 0 });
    assert.ok(notWorkload && 'error' in notWorkload);
    assert.equal(await c.shutdown(), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
