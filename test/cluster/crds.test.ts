// The cluster's CRDs as schemas (istioWorkbench.schemas.fromCluster): listed from the real-protocol test API server
// through client-node's authentication (limit/continue paging, a fresh list when the continue token expires, 403 with
// the missing permission), trimmed without losing a schema keyword, then compiled by the language server's core and used
// to validate a custom resource. Runs on Node >= 22.19 (npm run test:cluster uses the harness's Node 24).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { CRD_LIST_PATH, listCustomResourceDefinitions, trimCrd } from '../../src/cluster/crds';
import { KubeClusterReader } from '../../src/cluster/kubeReader';
import { CustomSchemas, SchemaStore, SchemaValidator } from '../../server/src/schema';
import { parseYaml } from '../../server/src/yaml/parse';

interface TestServer {
  requests: string[];
  users: Record<string, { name: string; deny: string[] }>;
  kubeconfig(token?: string): string;
  put(o: unknown): unknown;
  compact(): void;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const api = require('../../../test/apiserver/server.js') as { startApiServer(o?: object): Promise<TestServer> };

const ROOT = path.resolve(__dirname, '../../..');
const WIDGET = parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/crds/widgets.example.com.yaml'), 'utf8')) as Record<string, unknown>;
const USERS = { 'admin-token': { name: 'admin', deny: [] }, 'nocrd-token': { name: 'no-crds', deny: ['list customresourcedefinitions'] } };
const log = { info: () => undefined, warn: () => undefined };
let server: TestServer;

/** A CRD of kind `kind` in example.com with one string field, as a cluster stores it (status, managedFields, last-applied). */
function gadgetCrd(kind: string): Record<string, unknown> {
  const plural = `${kind.toLowerCase()}s`;
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com`, managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big": "copy"}' } },
    spec: { group: 'example.com', names: { kind, plural }, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { colour: { type: 'string' } } } } } } }] },
    status: { acceptedNames: { kind, plural }, storedVersions: ['v1'] },
  };
  return crd;
}

function reader(token = 'admin-token'): KubeClusterReader {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig(token));
  return new KubeClusterReader(kc, log, { timeoutMs: 5000 });
}

before(async () => {
  server = await api.startApiServer({ users: USERS });
  for (const o of [structuredClone(WIDGET), gadgetCrd('Gadget'), gadgetCrd('Gizmo')]) server.put(o);
});
after(async () => { await server.close(); });

test('CRDs are listed page by page (limit/continue) as raw JSON, trimmed to what schemas need', async () => {
  const before = server.requests.length;
  const r = await listCustomResourceDefinitions(reader(), { pageSize: 1 });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.value.pages, 3);
  const names = r.value.crds.map((c) => (c as { metadata: { name: string } }).metadata.name).sort();
  assert.deepEqual(names, ['gadgets.example.com', 'gizmos.example.com', 'widgets.example.com']);
  const calls = server.requests.slice(before);
  assert.equal(calls.length, 3);
  assert.ok(calls.every((c) => c.startsWith(`GET ${CRD_LIST_PATH}?limit=1`)));
  assert.equal(calls.filter((c) => c.includes('continue=')).length, 2);
  // Every schema keyword survives (x-kubernetes-*, CEL rules, defaults), the bulk of a stored CRD does not.
  const widget = r.value.crds.find((c) => (c as { metadata: { name: string } }).metadata.name === 'widgets.example.com') as Record<string, unknown>;
  const expected = structuredClone(WIDGET) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  assert.deepEqual(widget.spec, expected.spec);
  const gadget = r.value.crds.find((c) => (c as { metadata: { name: string } }).metadata.name === 'gadgets.example.com') as Record<string, unknown>;
  assert.deepEqual(Object.keys(gadget).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.deepEqual(gadget.metadata, { name: 'gadgets.example.com' });
  // List items of built-in types may come without apiVersion/kind: trimming restores them.
  assert.equal((trimCrd({ metadata: { name: 'x' }, spec: { group: 'g' } }) as { kind: string }).kind, 'CustomResourceDefinition');
});

test('the listed CRDs, compiled by the language server core, validate custom resources', async () => {
  const r = await listCustomResourceDefinitions(reader());
  assert.ok(r.ok);
  const dir = path.join(ROOT, 'dist/schemas');
  const store = new SchemaStore(dir);
  const custom = new CustomSchemas(dir);
  store.overlay = custom;
  const update = custom.set('cluster', 'cluster', 'cluster context test-mesh', r.value.crds);
  assert.deepEqual(update.skipped, []);
  assert.deepEqual(update.kinds.map((k) => `${k.apiVersion} ${k.kind}`).sort(), ['example.com/v1 Gadget', 'example.com/v1 Gizmo', 'example.com/v1 Widget']);
  const text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: huge\n  minReplicas: 5\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g\nspec:\n  colour: 3\n';
  const parsed = parseYaml(text);
  const v = new SchemaValidator(store);
  const issues = parsed.docs.flatMap((d) => v.validateDocument(d)).map((i) => `${i.code} ${text.slice(i.start, i.end)}`);
  assert.deepEqual(issues, ['SchemaEnum huge', 'SchemaCEL spec', 'SchemaType 3']);
});

test('an expired continue token starts the list again; 403 names the missing permission', async () => {
  const real = reader();
  let pages = 0;
  // The test server's history is compacted between the first and the second page (as etcd compaction would).
  const compacting = {
    getObject: async (p: string) => {
      const res = await real.getObject(p);
      if (++pages === 1) {
        server.put(gadgetCrd('Doohickey'));
        server.compact();
      }
      return res;
    },
  };
  const r = await listCustomResourceDefinitions(compacting, { pageSize: 2 });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.value.crds.length, 4, 'the new list has every CRD, the one created meanwhile included');
  assert.ok(pages >= 4, `${pages} calls: a 410 and a fresh list`);

  const denied = await listCustomResourceDefinitions(reader('nocrd-token'));
  assert.ok(!denied.ok);
  assert.equal(denied.error.kind, 'forbidden');
  assert.equal(denied.error.permission, 'list customresourcedefinitions');
  assert.match(denied.error.message, /cannot list resource "customresourcedefinitions"/);
});
