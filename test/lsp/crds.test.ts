// Workspace and cluster CRDs over stdio: `istioWorkbench.schemas.crdFiles` loads the CRDs of matching files at start;
// a custom resource is validated (range on the bad value), completed and hovered with them; a change on disk
// (didChangeWatchedFiles), an edit of the open CRD file and closing it update the schemas live; a broken CRD is reported
// on itself; the cluster's CRDs arrive by notification; changing the setting drops the files' schemas.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  CompletionRequest, DiagnosticRefreshRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, DocumentDiagnosticRequest, FileChangeType, HoverRequest, InitializedNotification,
  InitializeRequest, type CompletionList, type Diagnostic, type FullDocumentDiagnosticReport, type Hover, type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { ClusterCrdsNotification } from '../../server/src/protocol';
import { ROOT, TestClient } from './client';

const WIDGET_CRD = fs.readFileSync(path.join(ROOT, 'test/fixtures/crds/widgets.example.com.yaml'), 'utf8');
const INSTANCE = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: team\nspec:\n  size: huge\n';
const GADGET = 'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec:\n  colour: 3\n';

test('CRD files and cluster CRDs as schemas: load, validate, complete, hover, live updates, broken CRD, setting change', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-crds-lsp-'));
  fs.mkdirSync(path.join(ws, 'crds'));
  const crdPath = path.join(ws, 'crds', 'widget.yaml');
  fs.writeFileSync(crdPath, WIDGET_CRD);
  fs.writeFileSync(path.join(ws, 'widget.yaml'), INSTANCE);
  // Not matched by the setting: its CRD must not count.
  fs.writeFileSync(path.join(ws, 'other-crd.yaml'), WIDGET_CRD.replace('[small, medium, large]', '[huge]'));
  const crdUri = pathToFileURL(crdPath).href;
  const uri = pathToFileURL(path.join(ws, 'widget.yaml')).href;
  const gadgetUri = pathToFileURL(path.join(ws, 'gadget.yaml')).href;

  const c = new TestClient();
  c.settings = { schemas: { crdFiles: ['crds/**/*.yaml'] } };
  let refreshes = 0;
  c.conn.onRequest(DiagnosticRefreshRequest.type, () => { refreshes++; });
  const pull = async (u = uri) => ((await c.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: u } })) as FullDocumentDiagnosticReport).items;
  /** Pulls until `pred` holds (the server compiles in the background and announces changes with a refresh). */
  const eventually = async (what: string, pred: (d: Diagnostic[]) => boolean, u = uri): Promise<Diagnostic[]> => {
    const deadline = Date.now() + 8000;
    for (;;) {
      const d = await pull(u);
      if (pred(d)) return d;
      if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(d.map((x) => [x.code, x.message]))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const codes = (d: Diagnostic[]) => d.map((x) => String(x.code));
  try {
    await c.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, workspaceFolders: [{ uri: pathToFileURL(ws).href, name: 'ws' }],
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true, diagnostics: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    await c.conn.sendNotification(InitializedNotification.type, {});
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: INSTANCE } });

    const d = await eventually('the CRD file loaded at start', (x) => codes(x).includes('SchemaEnum'));
    const e = d.find((x) => x.code === 'SchemaEnum')!;
    assert.equal(e.message, 'spec.size: Unsupported value: "huge": supported values: "small", "medium", "large"');
    assert.deepEqual(e.range, { start: { line: 6, character: 8 }, end: { line: 6, character: 12 } });
    // The refresh follows the load shortly (debounced); the first pull may already have been answered with the schemas.
    for (const deadline = Date.now() + 3000; refreshes === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    assert.ok(refreshes > 0, 'a refresh announced the new schemas');

    const items = ((await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 6, character: 8 } })) as CompletionList).items.map((i) => i.label);
    assert.deepEqual(items, ['small', 'medium', 'large']);
    const h = (await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 6, character: 3 } })) as Hover;
    assert.match((h.contents as MarkupContent).value, /How big the widget is\.[\s\S]*Schema: CRD widgets\.example\.com, crds\/widget\.yaml/);

    // The CRD file changes on disk: the enum now allows "huge".
    fs.writeFileSync(crdPath, WIDGET_CRD.replace('[small, medium, large]', '[small, huge]'));
    await c.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: crdUri, type: FileChangeType.Changed }] });
    await eventually('the changed file', (x) => !codes(x).includes('SchemaEnum'));

    // Open and edit the CRD file: the editor's text is used while it is open, and its own problems are reported on it.
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: crdUri, languageId: 'yaml', version: 1, text: WIDGET_CRD.replace('[small, medium, large]', '[tiny]') } });
    const live = await eventually('the open CRD', (x) => codes(x).includes('SchemaEnum'));
    assert.match(live.find((x) => x.code === 'SchemaEnum')!.message, /supported values: "tiny"$/);
    const broken = WIDGET_CRD.replace('scope: Namespaced', 'scope: Somewhere');
    await c.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: crdUri, version: 2 }, contentChanges: [{ text: broken }] });
    const own = await eventually('the broken CRD', (x) => codes(x).includes('CRDInvalid'), crdUri);
    // (The mesh analysis also notes that other-crd.yaml defines the same CRD: not this test's business.)
    assert.deepEqual(own.filter((x) => x.code === 'CRDInvalid').map((x) => [x.code, x.message, x.range.start.line]), [['CRDInvalid', 'spec.scope: Unsupported value: "Somewhere": supported values: "Cluster", "Namespaced"', 12]]);
    // A CRD the API server would refuse is not used: Widget has no schema now.
    await eventually('the broken CRD is not used', (x) => x.length === 0);
    // Closed: the file on disk counts again.
    await c.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: crdUri } });
    await eventually('back to the disk version', (x) => x.length === 0);
    await c.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: INSTANCE.replace('huge', 'tiny') }] });
    await eventually('the disk version rejects "tiny"', (x) => codes(x).includes('SchemaEnum'));

    // The cluster's CRDs: a Gadget kind the workspace does not define.
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: gadgetUri, languageId: 'yaml', version: 1, text: GADGET } });
    assert.deepEqual(await pull(gadgetUri), []);
    const gadgetCrd = {
      metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Gadget', plural: 'gadgets' }, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { colour: { type: 'string' } } } } } } }] },
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    };
    await c.conn.sendNotification(ClusterCrdsNotification, { context: 'test-mesh', crds: [gadgetCrd] });
    const g = await eventually('the cluster CRD', (x) => codes(x).includes('SchemaType'), gadgetUri);
    assert.equal(g[0].message, 'spec.colour: Invalid value: "integer": spec.colour in body must be of type string: "integer"');
    await c.conn.sendNotification(ClusterCrdsNotification, null);
    await eventually('the cluster CRDs forgotten', (x) => x.length === 0, gadgetUri);

    // The setting no longer matches the CRD file: its schemas go.
    c.settings = { schemas: { crdFiles: [] } };
    await c.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await eventually('the setting emptied', (x) => x.length === 0);
    assert.equal(c.stderr.includes('uncaught'), false, c.stderr);
  } finally {
    await c.shutdown();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
