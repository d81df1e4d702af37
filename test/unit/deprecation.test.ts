// Removed/deprecated Kubernetes APIs and their migration quick fixes, on the seed manifests and inline YAML.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Document } from 'yaml';
import { DEFAULT_SETTINGS, type AnalysisSettings } from '../../server/src/analysis/analyzer';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED, type Finding, type TextEditSpec } from '../../server/src/core/types';
import { deprecatedApiAnalyzer } from '../../server/src/deprecation/analyzer';
import { schemaAnalyzer } from '../../server/src/analysis/schema';
import { compareVersions, normalizeKubernetesVersion } from '../../server/src/deprecation/versions';
import { parseYaml } from '../../server/src/yaml/parse';

const SEED = path.resolve(__dirname, '../../../test/fixtures/seed');

function offsetAt(text: string, p: { line: number; character: number }): number {
  let off = 0;
  for (let l = 0; l < p.line; l++) off = text.indexOf('\n', off) + 1;
  return off + p.character;
}

/** Applies LSP-style edits (all relative to the original text) the way an editor does. */
export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  const abs = edits.map((e, i) => ({ s: offsetAt(text, e.range.start), e: offsetAt(text, e.range.end), t: e.newText, i }));
  abs.sort((a, b) => b.s - a.s || b.e - a.e || b.i - a.i);
  for (let k = 1; k < abs.length; k++) assert.ok(abs[k].e <= abs[k - 1].s, `overlapping edits ${JSON.stringify(abs)}`);
  let out = text;
  for (const a of abs) out = out.slice(0, a.s) + a.t + out.slice(a.e);
  return out;
}

function apiFindings(text: string, settings: AnalysisSettings = DEFAULT_SETTINGS): Finding[] {
  return analyzeParsed('u', parseYaml(text), NEVER_CANCELLED, { settings, analyzers: [deprecatedApiAnalyzer] })!
    .filter((f) => f.code === 'RemovedAPI' || f.code === 'DeprecatedAPI');
}

/** Applies every preferred fix of the file, one round (fixes of different documents never overlap). */
export function migrateAll(text: string): string {
  return applyEdits(text, apiFindings(text).flatMap((f) => f.fixes?.filter((x) => x.preferred).flatMap((x) => x.edits) ?? []));
}

function js(doc: Document.Parsed): Record<string, unknown> {
  return doc.toJS() as Record<string, unknown>;
}

interface Backend { serviceName?: string; servicePort?: number | string }
interface IngressPath { path?: string; backend: Backend }
interface Spec { selector?: unknown; template: { metadata: { labels: unknown } }; rules: { http: { paths: IngressPath[] } }[] }

const comments = (t: string) => t.split('\n').filter((l) => /(^|\s)#/.test(l)).map((l) => l.slice(l.indexOf('#')));

test('versions: normalised and compared numerically', () => {
  assert.equal(normalizeKubernetesVersion('v1.35.2'), '1.35');
  assert.equal(normalizeKubernetesVersion('1.9'), '1.9');
  assert.equal(normalizeKubernetesVersion('latest'), undefined);
  assert.ok(compareVersions('1.9', '1.16') < 0);
  assert.equal(compareVersions('1.22', 'v1.22'), 0);
});

for (const file of fs.readdirSync(SEED).filter((f) => f.endsWith('.yaml'))) {
  test(`seed ${file}: every extensions/v1beta1 document is reported and migrates cleanly`, () => {
    const text = fs.readFileSync(path.join(SEED, file), 'utf8');
    const before = parseYaml(text);
    const old = before.docs.filter((d) => d.resource?.apiVersion === 'extensions/v1beta1');
    assert.ok(old.length > 0);
    const findings = apiFindings(text);
    assert.equal(findings.length, old.length);
    for (const [i, f] of findings.entries()) {
      assert.equal(f.code, 'RemovedAPI');
      assert.equal(f.severity, 'Error');
      assert.equal(f.source, 'istio-workbench');
      assert.match(f.message, /removed in Kubernetes 1\.(16|22)/);
      assert.equal(text.split('\n')[f.range.start.line].slice(f.range.start.character, f.range.end.character), 'extensions/v1beta1');
      assert.equal(f.resource?.kind, old[i].resource?.kind);
      assert.equal(f.fixes?.length, 1);
      assert.equal(f.fixes![0].preferred, true, f.fixes![0].title);
    }

    const after = migrateAll(text);
    const parsed = parseYaml(after);
    assert.deepEqual(parsed.problems, [], 'the migrated file parses without problems');
    assert.equal(parsed.docs.length, before.docs.length, 'no document lost');
    assert.deepEqual(comments(after), comments(text), 'comments kept');
    assert.deepEqual(apiFindings(after), [], 'nothing left to migrate');
    for (const [i, d] of parsed.docs.entries()) {
      const o = js(before.docs[i].doc);
      const n = js(d.doc);
      if (o?.apiVersion !== 'extensions/v1beta1') {
        assert.deepEqual(n, o, 'other documents unchanged');
        continue;
      }
      const spec = n.spec as Spec;
      if (n.kind === 'Deployment') {
        assert.equal(n.apiVersion, 'apps/v1');
        assert.deepEqual(spec.selector, { matchLabels: spec.template.metadata.labels });
        assert.deepEqual({ ...n, apiVersion: o.apiVersion, spec: { ...spec, selector: undefined } }, { ...o, spec: { ...(o.spec as object), selector: undefined } }, 'only apiVersion and selector changed');
      } else {
        assert.equal(n.kind, 'Ingress');
        assert.equal(n.apiVersion, 'networking.k8s.io/v1');
        const oldPaths = (o.spec as Spec).rules.flatMap((r) => r.http.paths);
        const paths = spec.rules.flatMap((r) => r.http.paths);
        assert.deepEqual(paths, oldPaths.map((p) => ({
          path: p.path,
          pathType: 'ImplementationSpecific',
          backend: { service: { name: p.backend.serviceName, port: typeof p.backend.servicePort === 'number' ? { number: p.backend.servicePort } : { name: p.backend.servicePort } } },
        })));
      }
    }
    // The acceptance bar: after the quick fixes, the seed is free of schema errors (the removed-API errors were the only ones).
    const beforeSchema = analyzeParsed('u', parseYaml(text), NEVER_CANCELLED, { analyzers: [schemaAnalyzer] })!;
    assert.ok(beforeSchema.length === 0 || beforeSchema.every((f) => f.severity !== 'Error'), 'extensions/v1beta1 has no schema of its own to check');
    const schemaErrors = analyzeParsed('u', parsed, NEVER_CANCELLED, { analyzers: [schemaAnalyzer] })!.filter((f) => f.severity === 'Error');
    assert.deepEqual(schemaErrors.map((f) => `${f.range.start.line + 1}: ${f.code} ${f.message}`), [], 'no schema errors after migration');
    const migratedKinds = parsed.docs.filter((d) => d.resource?.apiVersion === 'apps/v1' || d.resource?.apiVersion === 'networking.k8s.io/v1');
    assert.equal(migratedKinds.length, old.length, 'every migrated document is now of a kind we have a schema for');
  });
}

test('deprecated but not yet removed at the configured version: Warning; removed: Error', () => {
  const text = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n';
  assert.equal(apiFindings(text)[0].severity, 'Error');
  const w = apiFindings(text, { ...DEFAULT_SETTINGS, kubernetesVersion: '1.24' });
  assert.equal(w[0].severity, 'Warning');
  assert.equal(w[0].code, 'DeprecatedAPI');
  assert.match(w[0].message, /will be removed in Kubernetes 1\.25; use batch\/v1/);
  assert.equal(applyEdits(text, w[0].fixes![0].edits), text.replace('batch/v1beta1', 'batch/v1'));
});

test('current API versions and unknown kinds are left alone', () => {
  assert.deepEqual(apiFindings('apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: extensions/v1beta1\nkind: Widget\n---\n- a\n---\nkind: [\n'), []);
});

test('Deployment: selector from template labels inserted before template, rollbackTo dropped, quoting and CRLF kept', () => {
  const text = [
    '# keep me', 'apiVersion: "apps/v1beta1"', 'kind: Deployment', 'metadata:', '    name: web', 'spec:', '    rollbackTo:', '        revision: 2  # old',
    '    # the pods', '    template:', '        metadata:', '            labels:', '                app: web', "                'tier': \"front\"", '        spec: {}', '',
  ].join('\r\n');
  const f = apiFindings(text)[0];
  assert.match(f.fixes![0].title, /apps\/v1.*selector.*rollbackTo/);
  const out = applyEdits(text, f.fixes![0].edits);
  assert.ok(!/[^\r]\n/.test(out), 'line breaks stay CRLF');
  assert.ok(out.includes('apiVersion: "apps/v1"\r\n'));
  assert.ok(out.includes("    selector:\r\n        matchLabels:\r\n            app: web\r\n            'tier': \"front\"\r\n    # the pods\r\n    template:"), out);
  const n = parseYaml(out).docs[0].doc.toJS();
  assert.equal(n.spec.rollbackTo, undefined);
  assert.deepEqual(n.spec.selector.matchLabels, { app: 'web', tier: 'front' });
  assert.ok(out.startsWith('# keep me'));
});

test('DaemonSet: templateGeneration dropped; existing selector kept; no template labels -> fix not preferred', () => {
  const ds = 'apiVersion: extensions/v1beta1\nkind: DaemonSet\nspec:\n  templateGeneration: 3\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n';
  const out = applyEdits(ds, apiFindings(ds)[0].fixes![0].edits);
  assert.equal(out, 'apiVersion: apps/v1\nkind: DaemonSet\nspec:\n  selector:\n    matchLabels: {a: b}\n  template:\n    metadata:\n      labels: {a: b}\n');
  const noLabels = 'apiVersion: apps/v1beta2\nkind: StatefulSet\nspec:\n  template:\n    spec: {}';
  const fix = apiFindings(noLabels)[0].fixes![0];
  assert.equal(fix.preferred, false);
  assert.equal(applyEdits(noLabels, fix.edits), noLabels.replace('apps/v1beta2', 'apps/v1'));
});

test('Ingress: defaultBackend, named ports, flow backends, flow paths, file without final newline', () => {
  const text = [
    'apiVersion: networking.k8s.io/v1beta1', 'kind: Ingress', 'spec:', '  backend:', '    serviceName: def', '    servicePort: http', '  rules:', '  - host: a',
    '    http:', '      paths:', '      - backend: {serviceName: x, servicePort: 80}', '        path: /x', '      - {path: /y, backend: {servicePort: "web", serviceName: y}}',
    '      - path: /z', '        backend:', '          servicePort: 81 # port', '          serviceName: z',
  ].join('\n');
  const f = apiFindings(text)[0];
  const out = applyEdits(text, f.fixes![0].edits);
  const p = parseYaml(out);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.docs[0].doc.toJS().spec, {
    defaultBackend: { service: { name: 'def', port: { name: 'http' } } },
    rules: [{ host: 'a', http: { paths: [
      { backend: { service: { name: 'x', port: { number: 80 } } }, path: '/x', pathType: 'ImplementationSpecific' },
      { path: '/y', backend: { service: { name: 'y', port: { name: 'web' } } }, pathType: 'ImplementationSpecific' },
      { path: '/z', pathType: 'ImplementationSpecific', backend: { service: { name: 'z', port: { number: 81 } } } },
    ] } }],
  });
});

test('chained replacements and renames: flowcontrol v1beta1 -> v1 today, -> v1beta2 on 1.26', () => {
  const text = 'apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: PriorityLevelConfiguration\nspec:\n  limited:\n    assuredConcurrencyShares: 5\n';
  const f = apiFindings(text)[0];
  assert.equal(applyEdits(text, f.fixes![0].edits), 'apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\nspec:\n  limited:\n    nominalConcurrencyShares: 5\n');
  assert.match(apiFindings(text, { ...DEFAULT_SETTINGS, kubernetesVersion: '1.26' })[0].message, /use flowcontrol\.apiserver\.k8s\.io\/v1beta2/);
});

test('no fix where the migration is not mechanical', () => {
  for (const t of [
    'apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\n',
    'apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\n',
    'apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nspec:\n  metrics:\n  - type: Resource\n',
  ]) {
    const f = apiFindings(t);
    assert.equal(f.length, 1);
    assert.equal(f[0].fixes, undefined, t);
  }
  assert.match(apiFindings('apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\n')[0].message, /no replacement API/);
});

test('hostile documents: broken YAML, aliases, non-mapping specs never throw', () => {
  for (const t of [
    'apiVersion: extensions/v1beta1\nkind: Deployment\nspec: &a [*a]\n',
    'apiVersion: extensions/v1beta1\nkind: Ingress\nspec:\n  rules: 7\n',
    'apiVersion: extensions/v1beta1\nkind: Ingress\nspec:\n  rules:\n  - http:\n      paths: [1, null, {backend: [], path: /}]\n',
    'apiVersion: extensions/v1beta1\nkind: Deployment\nspec:\n  template:\n    metadata:\n      labels: [x\n',
    'apiVersion: extensions/v1beta1\nkind: Deployment\nspec:\n  template:\n    metadata:\n      labels:\n        a: *nope\n',
  ]) {
    const f = apiFindings(t);
    assert.equal(f.length, 1, t);
    for (const fix of f[0].fixes ?? []) assert.doesNotThrow(() => parseYaml(applyEdits(t, fix.edits)));
  }
});

test('kubernetes.io/ingress.class (the seed\'s Ingress): deprecated, fixed to spec.ingressClassName, comments kept; then the migration', () => {
  const text = fs.readFileSync(path.join(SEED, 'ingress_hyperledger.yaml'), 'utf8');
  const all = analyzeParsed('u', parseYaml(text), NEVER_CANCELLED, { analyzers: [deprecatedApiAnalyzer] })!;
  const f = all.find((x) => x.code === 'IngressClassAnnotation')!;
  assert.ok(f, JSON.stringify(all.map((x) => x.code)));
  assert.equal(f.severity, 'Warning');
  assert.equal(text.split('\n')[f.range.start.line].slice(f.range.start.character, f.range.end.character), 'kubernetes.io/ingress.class');
  assert.match(f.message, /deprecated since Kubernetes 1\.18: use spec\.ingressClassName: istio instead\. For Istio, also apply an IngressClass named istio with controller istio\.io\/ingress-controller/);
  const fixed = applyEdits(text, f.fixes![0].edits);
  assert.equal(f.fixes![0].title, 'Use spec.ingressClassName: istio');
  const doc = parseYaml(fixed).docs[0];
  const obj = js(doc.doc) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  assert.equal(obj.metadata.annotations, undefined, 'the only annotation goes, with its annotations: key');
  assert.equal(Object.keys(obj.spec)[0], 'ingressClassName');
  assert.equal(obj.spec.ingressClassName, 'istio');
  assert.deepEqual(comments(fixed), comments(text));
  assert.ok(!analyzeParsed('u', parseYaml(fixed), NEVER_CANCELLED, { analyzers: [deprecatedApiAnalyzer] })!.some((x) => x.code === 'IngressClassAnnotation'));
  const migrated = parseYaml(migrateAll(fixed));
  const errors = analyzeParsed('u', migrated, NEVER_CANCELLED, { analyzers: [schemaAnalyzer] })!.filter((x) => x.severity === 'Error');
  assert.deepEqual(errors.map((x) => x.message), []);
  assert.equal((js(migrated.docs[0].doc) as { spec: { ingressClassName: string } }).spec.ingressClassName, 'istio');
});

test('kubernetes.io/ingress.class next to other annotations or an existing ingressClassName', () => {
  const text = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n    a: b\n    kubernetes.io/ingress.class: nginx\nspec:\n  ingressClassName: nginx\n  defaultBackend:\n    service: {name: s, port: {number: 80}}\n';
  const f = analyzeParsed('u', parseYaml(text), NEVER_CANCELLED, { analyzers: [deprecatedApiAnalyzer] })!.find((x) => x.code === 'IngressClassAnnotation')!;
  assert.match(f.message, /spec\.ingressClassName is set: remove the annotation/);
  assert.equal(applyEdits(text, f.fixes![0].edits), text.replace('    kubernetes.io/ingress.class: nginx\n', ''));
});
