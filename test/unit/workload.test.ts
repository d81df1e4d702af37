// workload.PodSpecAnalyzer: legacy sidecars, plain-text credentials, privileged containers, unpinned images.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED, type Finding } from '../../server/src/core/types';
import { podSpecAnalyzer } from '../../server/src/workload/analyzer';
import { parseYaml } from '../../server/src/yaml/parse';

const SEED = path.join(__dirname, '../../../test/fixtures/seed');
const run = (text: string): Finding[] => analyzeParsed('u', parseYaml(text), NEVER_CANCELLED, { analyzers: [podSpecAnalyzer] })!;
const at = (text: string, f: Finding) => {
  const lines = text.split('\n');
  return lines[f.range.start.line].slice(f.range.start.character, f.range.end.line === f.range.start.line ? f.range.end.character : undefined);
};

test('the seed\'s composer.yaml: legacy 0.2.7 sidecar, the credential inside the JSON env value, privileged Istio containers, unpinned images', () => {
  const text = fs.readFileSync(path.join(SEED, 'composer.yaml'), 'utf8');
  const got = run(text);
  const byCode = (c: string) => got.filter((f) => f.code === c);
  const legacy = byCode('LegacySidecar');
  assert.equal(legacy.length, 1);
  assert.equal(at(text, legacy[0]), 'sidecar.istio.io/status');
  assert.equal(legacy[0].range.start.line, 25, 'the pod template\'s status annotation');
  assert.match(legacy[0].message, /Istio 0\.2\.7/);
  const secret = byCode('PlaintextSecret');
  assert.equal(secret.length, 1);
  assert.equal(at(text, secret[0]), '"admin"', 'points at the key inside the block scalar');
  assert.match(secret[0].message, /COMPOSER_CONFIG.*credentials\.hlfabric\.admin/);
  assert.ok(!secret[0].message.includes('Xurw3yU9zI0l'), 'never repeats the credential');
  assert.deepEqual(byCode('PrivilegedContainer').map((f) => /"([^"]+)"/.exec(f.message)![1]).sort(), ['enable-core-dump', 'istio-init', 'istio-proxy']);
  assert.deepEqual(byCode('UnpinnedImage').map((f) => at(text, f)).sort(), ['alpine', 'hyperledger/composer-playground']);
  assert.ok(got.every((f) => f.severity !== 'Error'));
});

const deployment = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels: {app: d}
  template:
    metadata:
      labels: {app: d}
      annotations:
        sidecar.istio.io/status: '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":[],"imagePullSecrets":null,"revision":"default"}'
    spec:
      containers:
${container}`;

test('a current injection, pinned images, references and placeholders are not reported', () => {
  const text = deployment(`      - name: app
        image: registry.example.com/app:1.2.3
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: db, key: password}
        - name: TOKEN_FILE
          value: /var/run/secrets/token
        - name: API_KEY
          value: $(API_KEY_FROM_SECRET)
        - name: CONFIG
          value: '{"password": ""}'
      - name: pinned
        image: busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        securityContext:
          privileged: false
`);
  assert.deepEqual(run(text), []);
});

test('env credentials by name, latest tags and registry ports', () => {
  const text = deployment(`      - name: app
        image: localhost:5000/app
        env:
        - name: MYSQL_ROOT_PASSWORD
          value: hunter2
      - name: side
        image: nginx:latest
`);
  const got = run(text);
  assert.deepEqual(got.map((f) => [f.code, at(text, f)]), [['UnpinnedImage', 'localhost:5000/app'], ['PlaintextSecret', 'hunter2'], ['UnpinnedImage', 'nginx:latest']]);
  assert.ok(!got[1].message.includes('hunter2'));
});

test('non-workloads, templates and broken documents are left alone', () => {
  assert.deepEqual(run('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  password: x\n'), []);
  assert.deepEqual(run('kind: Deployment\nspec:\n  template: [1, 2]\n'), []);
  assert.deepEqual(run('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: "{{ .Values.image }}"\n    env: {not: a list}\n'), []);
  assert.deepEqual(run('apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: x:1\n    env:\n    - name: SECRET\n      value: {a: b}\n'), []);
});
