// The schema validator's result cache (documents remembered by their exact source): cached results must be exactly what
// a fresh validation finds, at the document's new position.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { SchemaStore, SchemaValidator } from '../../server/src/schema';
import { parseYaml } from '../../server/src/yaml/parse';

const DIR = path.resolve(__dirname, '../../../dist/schemas');

const BAD_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        hots: reviews
`;
const BAD_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "three"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: http}]}]
`;

function both(text: string) {
  const cached = new SchemaValidator(new SchemaStore(DIR));
  const parsed = parseYaml(text);
  const fresh = new SchemaValidator(new SchemaStore(DIR));
  return {
    fresh: parsed.docs.flatMap((d) => fresh.validateDocument(d)),
    cached: (v: SchemaValidator = cached) => parseYaml(text).docs.flatMap((d) => v.validateCached(d, text)),
    validator: cached,
  };
}

test('validateCached: first and cached results equal a fresh validation, shifted when the document moves', () => {
  const v = new SchemaValidator(new SchemaStore(DIR));
  const a = `${BAD_VS}---\n${BAD_DEPLOY}`;
  const first = both(a);
  assert.deepEqual(first.cached(v), first.fresh);
  assert.deepEqual(first.cached(v), first.fresh, 'second call, from the cache');
  assert.ok(first.fresh.length >= 3, JSON.stringify(first.fresh));
  // Same documents behind an edited first document (longer): the deployment's issues come from the cache, moved.
  const b = `# a comment\n${BAD_VS.replace('reviews\n', 'reviews-v2\n')}---\n${BAD_DEPLOY}`;
  const second = both(b);
  assert.deepEqual(second.cached(v), second.fresh);
  for (const i of second.fresh) assert.ok(b.slice(i.start, i.end).length > 0);
});

test('validateCached: files with directives are validated afresh, never from the cache', () => {
  const v = new SchemaValidator(new SchemaStore(DIR));
  const plain = `${BAD_VS}---\n${BAD_DEPLOY}`;
  const withDirective = `${BAD_VS}...\n%YAML 1.2\n---\n${BAD_DEPLOY}`;
  both(plain).cached(v);
  const r = both(withDirective);
  assert.deepEqual(r.cached(v), r.fresh);
});

test('validateCached: a changed document is validated again', () => {
  const v = new SchemaValidator(new SchemaStore(DIR));
  const r1 = both(BAD_DEPLOY);
  assert.deepEqual(r1.cached(v), r1.fresh);
  const fixed = BAD_DEPLOY.replace('"three"', '3');
  const r2 = both(fixed);
  assert.deepEqual(r2.cached(v), r2.fresh);
  assert.ok(r2.fresh.length < r1.fresh.length);
});

/** A Deployment whose container has the given env entries; `meta` goes under metadata. */
function deployment(name: string, meta: string, env: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${meta}spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
${env}          resources:
            limits:
              cpu: "1"
              memory: 1Gi
`;
}

test('validateCached: subtrees found clean before are reused only where they read the same', () => {
  const v = new SchemaValidator(new SchemaStore(DIR));
  const env = '            - name: MODE\n              value: *mode\n            - name: LEVEL\n              value: info\n';
  // The same env entries (same text) in each document; the alias reads a string in the first, a mapping in the second.
  const text = [
    deployment('a', '  annotations:\n    mode: &mode fast\n', env),
    deployment('b', '  labels:\n    tier: &mode {x: 1}\n', env),
    deployment('c', '', '            - name: LEVEL\n              value: info\n'),
    deployment('d', '  labels:\n    app: web\n', '            - name: LEVEL\n              value: 3\n'),
  ].join('---\n');
  const r = both(text);
  assert.deepEqual(r.cached(v), r.fresh);
  // Again with the document cache missing (every document moved and edited): clean subtrees now come from the memo.
  const moved = `# moved\n${text.replace(/name: ([abcd])\n/g, 'name: $1-2\n')}`;
  const m = both(moved);
  assert.deepEqual(m.cached(v), m.fresh);
  const messages = m.fresh.map((i) => i.message).join('\n');
  assert.match(messages, /env\[0\]\.value/, 'the alias to a mapping is a type error in the second document');
  assert.match(messages, /env\[0\]\.value: Invalid value: "integer"/, 'the fourth document\'s LEVEL is an integer');
});
