// Mesh settings at the LSP edge (exclude globs, assumed baseline, mesh config file) and the analysis settings applied to
// mesh findings as to file findings.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { canonicalUri, toMeshSettings } from '../../server/src/lsp/mesh';
import { runMeshCli } from '../../server/src/mesh/cli-options';
import { GlobSet } from '../../server/src/mesh/glob';
import { meshConfigWith } from '../../server/src/mesh/meshconfig';
import { parseYaml } from '../../server/src/yaml/parse';

test('exclude globs as files.exclude writes them', () => {
  const g = new GlobSet(['**/charts/**', 'generated/*.yaml', '**/*.{tmp,bak}.yaml', 'vendor']);
  assert.ok(g.matches('a/charts/x/templates/d.yaml'));
  assert.ok(g.matches('charts/d.yaml'));
  assert.ok(g.matches('generated/x.yaml'));
  assert.ok(!g.matches('generated/sub/x.yaml'));
  assert.ok(g.matches('deep/x.bak.yaml'));
  assert.ok(g.matches('vendor/k8s/x.yaml'));
  assert.ok(!g.matches('app/x.yaml'));
  assert.ok(new GlobSet([]).empty);
});

test('settings converted at the edge: analysis.exclude plus the enabled files.exclude patterns, baseline, mesh config', () => {
  const s = toMeshSettings(
    { analysis: { exclude: ['**/charts/**', 3] }, mesh: { assumedResources: { enable: false, file: ' base.yaml ' }, configFile: 'mesh.yaml' } },
    { '**/.git': true, '**/tmp': false, '**/*.js': { when: '$(basename).ts' } },
  );
  assert.deepEqual(s, { exclude: ['**/charts/**', '**/.git'], assumeResources: false, assumeResourcesFile: 'base.yaml', meshConfigFile: 'mesh.yaml' });
  assert.deepEqual(toMeshSettings(undefined, null), { exclude: [], assumeResources: true, assumeResourcesFile: '', meshConfigFile: '' });
});

test('one URI spelling per file', () => {
  assert.equal(canonicalUri('file:///ws/team%40x/a.yaml'), canonicalUri('file:///ws/team@x/a.yaml'));
  assert.equal(canonicalUri('untitled:Untitled-1'), 'untitled:Untitled-1');
});

test('mesh findings follow analysis.disabled (analyzer or code) and severityOverrides', () => {
  const svc = parseYaml('apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: a\nspec:\n  ports:\n  - name: foo\n    port: 80\n');
  const run = (analysis = DEFAULT_SETTINGS) => runMeshCli([{ file: 's.yaml', parsed: svc }], { mesh: meshConfigWith(), meshNetworks: {}, assumed: null }, undefined, analysis).findings;
  const base = run();
  assert.deepEqual(base.map((f) => [f.code, f.severity]), [['IST0118', 'Info']]);
  assert.deepEqual(run({ ...DEFAULT_SETTINGS, disabled: ['service.PortNameAnalyzer'] }), []);
  assert.deepEqual(run({ ...DEFAULT_SETTINGS, disabled: ['IST0118'] }), []);
  assert.deepEqual(run({ ...DEFAULT_SETTINGS, severityOverrides: { IST0118: 'Error' } }).map((f) => f.severity), ['Error']);
  assert.deepEqual(run({ ...DEFAULT_SETTINGS, severityOverrides: { IST0118: 'Ignore' } }), []);
});
