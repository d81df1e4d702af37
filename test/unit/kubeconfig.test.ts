import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubeconfigPaths, loadKubeconfig, parseKubeconfig } from '../../src/cluster/kubeconfig';

const KC = `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: {server: https://10.0.0.1:6443, certificate-authority-data: AAAA}
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: bookinfo}
- name: other
  context: {cluster: missing, user: u2}
users:
- name: u1
  user: {token: SECRET-TOKEN}
`;

test('kubeconfig paths follow kubectl: setting, then KUBECONFIG list, then ~/.kube/config', () => {
  assert.deepEqual(kubeconfigPaths('~/k.yaml', { KUBECONFIG: '/a:/b' }, '/home/u'), ['/home/u/k.yaml']);
  assert.deepEqual(kubeconfigPaths('', { KUBECONFIG: '/a::/b' }, '/home/u'), ['/a', '/b']);
  assert.deepEqual(kubeconfigPaths(' ', {}, '/home/u/'), ['/home/u/.kube/config']);
});

test('contexts with their cluster server; credentials never enter the model', () => {
  const r = parseKubeconfig(KC, '/k');
  assert.ok(r.ok);
  assert.equal(r.value.currentContext, 'dev');
  assert.deepEqual(r.value.contexts[0], { name: 'dev', cluster: 'c1', user: 'u1', namespace: 'bookinfo', server: 'https://10.0.0.1:6443', file: '/k' });
  assert.equal(r.value.contexts[1].server, null);
  assert.ok(!JSON.stringify(r.value).includes('SECRET'));
});

test('merging: first file wins for current-context and duplicate names; missing files skipped', () => {
  const files: Record<string, string> = {
    '/a': 'contexts:\n- name: dev\n  context: {cluster: a}\n',
    '/b': 'current-context: dev\ncontexts:\n- name: dev\n  context: {cluster: b}\n- name: prod\n  context: {cluster: p}\n',
  };
  const r = loadKubeconfig(['/a', '/missing', '/b'], (p) => files[p]);
  assert.ok(r.ok);
  assert.deepEqual(r.value.contexts.map((c) => `${c.name}:${c.cluster}`), ['dev:a', 'prod:p']);
  assert.equal(r.value.currentContext, 'dev');
  assert.deepEqual(r.value.files, ['/a', '/b']);
});

test('malformed kubeconfigs are error values', () => {
  const bad = parseKubeconfig('contexts: [\n', '/bad');
  assert.ok(!bad.ok && bad.error.startsWith('/bad is not valid YAML'));
  const list = parseKubeconfig('- a\n', '/l');
  assert.ok(!list.ok && /expected a mapping/.test(list.error));
  const weird = parseKubeconfig('contexts: 5\nclusters: [1, null, {name: 3}]\n', '/w');
  assert.ok(weird.ok && weird.value.contexts.length === 0);
  const unreadable = loadKubeconfig(['/x'], () => { throw new Error('EACCES'); });
  assert.ok(!unreadable.ok && /EACCES/.test(unreadable.error));
});
