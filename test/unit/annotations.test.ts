// Istio annotations and labels: Istio's own analyzer cases (single-file ones) plus the finer points of the check.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { annotationsAnalyzer, labelsAnalyzer } from '../../server/src/annotations/analyzer';
import { ANNOTATION_VALIDATION } from '../../server/src/annotations/validate';
import { NEVER_CANCELLED, type Finding } from '../../server/src/core/types';
import { parseYaml } from '../../server/src/yaml/parse';

const CASES = path.resolve(__dirname, '../../../test/fixtures/analyzers');

function run(text: string, analyzers = [annotationsAnalyzer]): Finding[] {
  return analyzeParsed('u', parseYaml(text), NEVER_CANCELLED, { analyzers })!;
}

interface Case { id: string; analyzer: string; inputFiles: string[]; clusters?: unknown; meshConfigFile?: string; expected: { code: string; resource: string }[] }

const friendly = (f: Finding) => `${f.resource?.kind} ${f.resource?.namespace ? `${f.resource.namespace}/` : ''}${f.resource?.name}`;

test("Istio's single-file annotations.K8sAnalyzer cases give the same (code, resource) multiset", () => {
  const all = JSON.parse(fs.readFileSync(path.join(CASES, 'analyzer-cases.json'), 'utf8')) as { cases: Case[] };
  const cases = all.cases.filter((c) => c.analyzer === 'annotations.K8sAnalyzer' && c.inputFiles.length === 1 && !c.clusters);
  assert.ok(cases.length >= 1);
  for (const c of cases) {
    const text = fs.readFileSync(path.join(CASES, c.inputFiles[0]), 'utf8');
    const got = run(text).map((f) => `${f.code} ${friendly(f)}`).sort();
    assert.deepEqual(got, c.expected.map((e) => `${e.code} ${e.resource}`).sort(), c.id);
  }
  console.log(`annotations.K8sAnalyzer: ${cases.length}/${cases.length} Istio case(s) pass`);
});

test('messages follow messages.yaml, levels too; ranges are on the annotation key', () => {
  const text = [
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: d', '  annotations:', '    sidecar.istio.io/inject: "true"',
    '    networking.istio.io/exportThree: x', 'spec:', '  template:', '    metadata:', '      annotations:',
    '        readiness.status.sidecar.istio.io/periodSeconds: ten', '        traffic.sidecar.istio.io/includeInboundPorts: "80,x"',
    '        sidecar.istio.io/statsInclusionPrefixes: a', '        networking.istio.io/exportTo: "."', '',
  ].join('\n');
  const f = run(text);
  const by = (code: string) => f.filter((x) => x.code === code).map((x) => x.message);
  assert.deepEqual(by('IST0108'), ['Unknown annotation: networking.istio.io/exportThree']);
  assert.deepEqual(by('IST0135'), [
    'Annotation "sidecar.istio.io/inject" has been deprecated in favor of the "sidecar.istio.io/inject" label and may not work in future Istio versions.',
    'Annotation "sidecar.istio.io/statsInclusionPrefixes" has been deprecated and may not work in future Istio versions.',
  ]);
  assert.deepEqual(by('IST0107'), [
    'Misplaced annotation: sidecar.istio.io/inject can only be applied to Pod',
    'Misplaced annotation: networking.istio.io/exportTo can only be applied to Service',
  ]);
  assert.deepEqual(by('IST0125'), [
    'Invalid annotation readiness.status.sidecar.istio.io/periodSeconds: strconv.ParseUint: parsing "ten": invalid syntax',
    "Invalid annotation traffic.sidecar.istio.io/includeInboundPorts: includeInboundPorts invalid: failed parsing port 'x': failed parsing port 'x': strconv.ParseUint: parsing \"x\": invalid syntax",
  ]);
  assert.deepEqual(new Set(f.map((x) => `${x.code}:${x.severity}`)), new Set(['IST0108:Warning', 'IST0135:Info', 'IST0107:Warning', 'IST0125:Warning']));
  const unknown = f.find((x) => x.code === 'IST0108')!;
  assert.deepEqual(unknown.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 4 + 'networking.istio.io/exportThree'.length } });
  assert.ok(f.every((x) => x.source === 'istio-workbench'));
});

test('the deprecated inject annotation is not reported next to the inject label; ignored and non-Istio keys', () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    sidecar.istio.io/inject: "true"\n  annotations:\n    sidecar.istio.io/inject: "true"\n' +
    '    istio.io/rev: x\n    sidecar.istio.io/status: "{}"\n    helm.sh/hook: x\n    example.com/istio.io: x\n';
  assert.deepEqual(run(text), []);
  // Kinds istioctl does not analyze are left alone (their pod templates are checked as Pods).
  assert.deepEqual(run('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    foo.istio.io/x: y\n'), []);
});

test('annotation value checks follow the injector', () => {
  const ok: [string, string][] = [
    ['sidecar.istio.io/interceptionMode', 'TPROXY'], ['status.sidecar.istio.io/port', '15020'], ['prometheus.istio.io/merge-metrics', 'F'],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '*'], ['traffic.sidecar.istio.io/includeOutboundIPRanges', '10.0.0.0/8,fd00::/8'],
    ['traffic.sidecar.istio.io/excludeOutboundIPRanges', ''], ['traffic.sidecar.istio.io/excludeInboundPorts', ' 80, 443 '], ['proxy.istio.io/config', 'concurrency: 2'],
  ];
  const bad: [string, string][] = [
    ['sidecar.istio.io/interceptionMode', 'redirect'], ['status.sidecar.istio.io/port', '70000'], ['prometheus.istio.io/merge-metrics', 'yes'],
    ['traffic.sidecar.istio.io/includeOutboundIPRanges', '10.0.0.0'], ['traffic.sidecar.istio.io/excludeOutboundIPRanges', '10.0.0.0/33'],
    ['readiness.status.sidecar.istio.io/failureThreshold', '-1'], ['proxy.istio.io/config', '[1, 2]'], ['traffic.sidecar.istio.io/excludeOutboundPorts', '1,,2'],
  ];
  for (const [k, v] of ok) assert.equal(ANNOTATION_VALIDATION[k](v), undefined, `${k}=${v}`);
  for (const [k, v] of bad) assert.ok(ANNOTATION_VALIDATION[k](v), `${k}=${v}`);
});

test('labels: unknown and deprecated (non-hidden) Istio labels are Info; injector-set labels are not reported', () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    istio.io/rev: x\n    security.istio.io/tlsMode: istio\n    networking.istio.io/gatewayPortt: "1"\n    app: x\n';
  const f = run(text, [labelsAnalyzer]);
  assert.deepEqual(f.map((x) => [x.code, x.severity, x.range.start.line]), [['UnknownLabel', 'Info', 6]]);
});

test('hostile input never throws', () => {
  for (const t of ['metadata: &a {annotations: *a}\nkind: Pod\napiVersion: v1\n', 'kind: Pod\napiVersion: v1\nmetadata:\n  annotations: [a.istio.io/x]\n',
    'kind: Pod\napiVersion: v1\nmetadata:\n  annotations:\n    ? [a]\n    : b\n    proxy.istio.io/config: "&a [*a, *a, *a]"\n', '\u0000\u0001']) {
    assert.doesNotThrow(() => run(t, [annotationsAnalyzer, labelsAnalyzer]));
  }
});
