// k8sgateway.CRDVersionAnalyzer: a Gateway API CRD whose bundle version (the gateway.networking.k8s.io/bundle-version
// annotation) is below the minimum this Istio requires for it (IST0176). istiod's CRD watcher filters such CRDs out, so
// their resources are never processed. Istio: pkg/config/analysis/analyzers/k8sgateway/crdversion.go.
import type { MeshAnalyzer } from '../context';
import { GK } from '../gvk';
import { obj } from '../model';

/** sigs.k8s.io/gateway-api/pkg/consts.BundleVersionAnnotation. */
const BUNDLE_VERSION = 'gateway.networking.k8s.io/bundle-version';

type Triple = readonly [bigint, bigint, bigint];

/**
 * gatewayapi.MinimumCRDVersions, keyed by CRD name, exactly as Istio's pkg/config/schema/gatewayapi/minimumversions.go
 * (istio/istio @ 03404d0fbc82b9f3d5a19e516ab4c1a9ed87909d, the newest stored) sets it:
 *   grpcroutes.gateway.networking.k8s.io          semver.New(1, 1, 0, "", "")
 *   backendtlspolicies.gateway.networking.k8s.io  semver.New(1, 4, 0, "", "")
 *   tlsroutes.gateway.networking.k8s.io           semver.New(1, 5, 0, "", "")
 */
const MINIMUM_CRD_VERSIONS: ReadonlyMap<string, Triple> = new Map<string, Triple>([
  ['grpcroutes.gateway.networking.k8s.io', [1n, 1n, 0n]],
  ['backendtlspolicies.gateway.networking.k8s.io', [1n, 4n, 0n]],
  ['tlsroutes.gateway.networking.k8s.io', [1n, 5n, 0n]],
]);

/** Masterminds/semver/v3 NewVersion's (coercing) pattern: "v" optional, minor and patch optional, leading zeros allowed. */
const LOOSE_SEMVER = /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = (1n << 64n) - 1n;

interface Version {
  core: Triple;
  pre: string;
  build: string;
}

/** semver.NewVersion: undefined where it returns an error (no match, a segment beyond uint64, a prerelease number with a leading 0). */
export function parseVersion(v: string): Version | undefined {
  const m = LOOSE_SEMVER.exec(v);
  if (!m) return undefined;
  const seg = (s: string | undefined): bigint => (s ? BigInt(s.replace(/^\./, '')) : 0n);
  const core: Triple = [seg(m[1]), seg(m[2]), seg(m[3])];
  if (core.some((n) => n > UINT64_MAX)) return undefined;
  const pre = m[5] ?? '';
  if (pre && pre.split('.').some((p) => /^[0-9]+$/.test(p) && p.length > 1 && p.startsWith('0'))) return undefined;
  return { core, pre, build: m[8] ?? '' };
}

/** Version.String(): no "v", segments in decimal, then -prerelease and +build. */
function versionString(v: { core: Triple; pre?: string; build?: string }): string {
  return `${v.core.join('.')}${v.pre ? `-${v.pre}` : ''}${v.build ? `+${v.build}` : ''}`;
}

function lessThan(a: Triple, b: Triple): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

export const k8sGatewayCRDVersionAnalyzer: MeshAnalyzer = {
  name: 'k8sgateway.CRDVersionAnalyzer',
  analyze(ctx) {
    for (const crd of ctx.subjects(GK.CustomResourceDefinition)) {
      const minimum = MINIMUM_CRD_VERSIONS.get(crd.name);
      if (!minimum) continue;
      const annotations = obj(obj(crd.obj.metadata).annotations);
      // Annotations are strings; a missing one is the CRD watcher's to log, as in Istio.
      if (!Object.prototype.hasOwnProperty.call(annotations, BUNDLE_VERSION)) continue;
      const bv = annotations[BUNDLE_VERSION];
      if (typeof bv !== 'string') continue;
      const installed = parseVersion(bv);
      if (!installed) continue;
      // The prerelease is stripped before comparing (a v1.5.0-rc1 bundle meets a 1.5.0 minimum); build metadata never counts.
      if (!lessThan(installed.core, minimum)) continue;
      ctx.report('IST0176', crd, ['metadata', 'annotations', BUNDLE_VERSION],
        [crd.name, versionString(installed), versionString({ core: minimum })]);
    }
  },
};
