// k8sgateway.CRDVersionAnalyzer beyond Istio's case: the message and where it lands, how bundle versions are read
// (Masterminds semver's coercing NewVersion, prerelease stripped before comparing) and bad input.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVersion } from '../../server/src/mesh/analyzers/k8sgateway-crdversion';
import { MeshIndex } from '../../server/src/mesh/index';
import { runMeshAnalysis } from '../../server/src/mesh/run';

function crd(name: string, annotations: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${name}
  annotations:
${annotations}
spec:
  group: gateway.networking.k8s.io
`;
}

function run(yaml: string): { line: number; character: number; message: string; friendly: string; severity: string }[] {
  const index = new MeshIndex({ defaultNamespace: '' });
  index.setFile('file:///crds.yaml', yaml);
  const res = runMeshAnalysis(index, { only: new Set(['k8sgateway.CRDVersionAnalyzer']) })!;
  assert.deepEqual(res.errors, []);
  return res.findings.map((f) => ({
    line: f.finding.range.start.line, character: f.finding.range.start.character, message: f.finding.message,
    friendly: f.friendly, severity: f.finding.severity,
  }));
}

test('a Gateway API CRD below its minimum bundle version: IST0176 on the annotation, with Istio\'s message', () => {
  const found = run(crd('tlsroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: v1.4.1'));
  assert.deepEqual(found, [{
    line: 5, character: 46, severity: 'Warning', friendly: 'CustomResourceDefinition tlsroutes.gateway.networking.k8s.io',
    message: 'Gateway API CRD "tlsroutes.gateway.networking.k8s.io" is at version "1.4.1" but Istio requires at least "1.5.0"; '
      + 'resources of this kind will not be processed. Upgrade the Gateway API CRDs to satisfy the minimum version.',
  }]);
});

test('each CRD against its own minimum; the installed version is shown with its prerelease and build, which do not count', () => {
  const yaml = [
    crd('grpcroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: v1.1.0'), // at the minimum
    crd('backendtlspolicies.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: v1.3.0-rc.1+abc'),
    crd('tlsroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: v1.5.0-rc.1'), // stripped: 1.5.0
    crd('httproutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: v0.1.0'), // no minimum
    crd('grpcroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: "1"'), // coerced to 1.0.0
  ].join('---\n');
  assert.deepEqual(run(yaml).map((f) => f.message.split(';')[0]), [
    'Gateway API CRD "backendtlspolicies.gateway.networking.k8s.io" is at version "1.3.0-rc.1+abc" but Istio requires at least "1.4.0"',
    'Gateway API CRD "grpcroutes.gateway.networking.k8s.io" is at version "1.0.0" but Istio requires at least "1.1.0"',
  ]);
});

test('no finding where Istio finds none: no annotation, a version semver cannot parse, a non-string value; bad input never throws', () => {
  const yaml = [
    crd('tlsroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/channel: standard'),
    crd('tlsroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: latest'),
    crd('tlsroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: v1.4.1-01'),
    crd('tlsroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: 1.4'),
    crd('tlsroutes.gateway.networking.k8s.io', '    gateway.networking.k8s.io/bundle-version: [1, 4]'),
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: tlsroutes.gateway.networking.k8s.io\n  annotations: 7\n',
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: []\n',
  ].join('---\n');
  assert.deepEqual(run(yaml), []);
});

test('parseVersion follows semver.NewVersion', () => {
  assert.deepEqual(parseVersion('v1.4.1'), { core: [1n, 4n, 1n], pre: '', build: '' });
  assert.deepEqual(parseVersion('01.2'), { core: [1n, 2n, 0n], pre: '', build: '' });
  assert.deepEqual(parseVersion('1.5.0-rc.1+b.2'), { core: [1n, 5n, 0n], pre: 'rc.1', build: 'b.2' });
  for (const bad of ['', 'V1.4.1', '1.4.1.0', '1.4.1-', '1.4.1-rc..1', '1.4.1-01', '18446744073709551616', ' 1.4.1']) {
    assert.equal(parseVersion(bad), undefined, bad);
  }
  assert.deepEqual(parseVersion('18446744073709551615')?.core, [18446744073709551615n, 0n, 0n]);
});
