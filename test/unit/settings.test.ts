// Per-check settings: disabled analyzers/codes and severity overrides applied by the engine; raw settings converted at the LSP edge.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED } from '../../server/src/core/types';
import { toAnalysisSettings } from '../../server/src/analysis/settings';
import { parseYaml } from '../../server/src/yaml/parse';

const TEXT = 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: d\n  annotations:\n    foo.istio.io/bar: x\nspec:\n  template:\n    metadata:\n      labels: {a: b}\n---\nkind: X\ny: [\n';
const codes = (s = DEFAULT_SETTINGS) => analyzeParsed('u', parseYaml(TEXT), NEVER_CANCELLED, { settings: s })!.map((f) => `${f.code}:${f.severity}`).sort();

test('defaults report every check', () => {
  assert.deepEqual(codes().filter((c) => !c.startsWith('MISSING') && !c.startsWith('BAD') && !c.startsWith('UNEXPECTED')), ['IST0108:Warning', 'RemovedAPI:Error']);
});

test('disable by analyzer name or by code; override severities; Ignore drops', () => {
  assert.ok(!codes({ ...DEFAULT_SETTINGS, disabled: ['deprecation.APIAnalyzer'] }).some((c) => c.startsWith('RemovedAPI')));
  assert.ok(!codes({ ...DEFAULT_SETTINGS, disabled: ['IST0108'] }).some((c) => c.startsWith('IST0108')));
  const o = codes({ ...DEFAULT_SETTINGS, severityOverrides: { IST0108: 'Error', RemovedAPI: 'Ignore' } });
  assert.ok(o.includes('IST0108:Error'));
  assert.ok(!o.some((c) => c.startsWith('RemovedAPI')));
  assert.ok(codes({ ...DEFAULT_SETTINGS, kubernetesVersion: '1.15' }).includes('DeprecatedAPI:Warning'));
});

test('raw settings are validated and converted', () => {
  assert.deepEqual(toAnalysisSettings(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(toAnalysisSettings({
    kubernetesVersion: 'v1.30.1',
    validation: { enable: true, yamlSyntax: false },
    analysis: { disabled: ['IST0108', 3], severityOverrides: { IST0135: 'warning', RemovedAPI: 'ignore', X: 'loud', Y: 7 }, closedFiles: false },
  }), { enable: true, yamlSyntax: false, kubernetesVersion: '1.30', disabled: ['IST0108'], severityOverrides: { IST0135: 'Warning', RemovedAPI: 'Ignore' }, closedFiles: false });
  assert.equal(toAnalysisSettings({ analysis: { closedFiles: 'no' } }).closedFiles, true, 'not a boolean: the default');
  assert.equal(toAnalysisSettings({ kubernetesVersion: 'latest' }).kubernetesVersion, '1.35');
  assert.deepEqual(toAnalysisSettings({ analysis: { disabled: 'IST0108', severityOverrides: [] } }).disabled, []);
});
