import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { NEVER_CANCELLED } from '../../server/src/core/types';
import { parseYaml } from '../../server/src/yaml/parse';

const BROKEN = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n   name: http\n---\nkind: X\ny: [\n';

test('syntax findings carry range, code, source and the resource they belong to', () => {
  const f = analyzeParsed('file:///a.yaml', parseYaml(BROKEN), NEVER_CANCELLED)!;
  assert.ok(f.length >= 2);
  assert.deepEqual(f.map((x) => x.source), f.map(() => 'yaml'));
  assert.deepEqual(f[0].resource, { apiVersion: 'v1', kind: 'Service', namespace: null, name: 'svc' });
  assert.equal(f[0].range.start.line, 7);
  assert.equal(f.at(-1)!.resource?.kind, 'X');
  // sorted by position
  const keys = f.map((x) => x.range.start.line * 1e6 + x.range.start.character);
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
});

test('settings switch findings off', () => {
  const parsed = parseYaml(BROKEN);
  assert.deepEqual(analyzeParsed('u', parsed, NEVER_CANCELLED, { settings: { ...DEFAULT_SETTINGS, enable: false } }), []);
  assert.deepEqual(analyzeParsed('u', parsed, NEVER_CANCELLED, { settings: { ...DEFAULT_SETTINGS, yamlSyntax: false } }), []);
  assert.deepEqual(analyzeParsed('u', parsed, NEVER_CANCELLED, { only: new Set(['other.Analyzer']) }), []);
});

test('a cancelled request yields undefined, not partial results', () => {
  assert.equal(analyzeParsed('u', parseYaml(BROKEN), { isCancellationRequested: true }), undefined);
});
