// The table of removed Kubernetes API versions (Kubernetes' Deprecated API Migration Guide), indexed for lookups.
import { REMOVED_APIS, type RemovedApiEntry } from './data.gen';
import { compareVersions } from './versions';

export type { RemovedApiEntry };

const BY_GVK = new Map<string, RemovedApiEntry>(REMOVED_APIS.map((e) => [key(apiVersionOf(e.group, e.version), e.kind), e]));

function key(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function lookupRemovedApi(apiVersion: string, kind: string): RemovedApiEntry | undefined {
  return BY_GVK.get(key(apiVersion.trim(), kind.trim()));
}

/**
 * Where to migrate to on a cluster of version `k8sVersion`: the guide's replacement, followed further while that
 * replacement is itself removed by then (flowcontrol v1beta1 -> v1beta2 -> v1). Null when there is no replacement API.
 */
export function migrationTarget(entry: RemovedApiEntry, k8sVersion: string): string | null {
  let target = entry.replacement;
  const seen = new Set<string>();
  while (target && !seen.has(target)) {
    seen.add(target);
    const next = BY_GVK.get(key(target, entry.kind));
    if (!next || compareVersions(next.removedIn, k8sVersion) > 0) return target;
    target = next.replacement;
  }
  return target;
}
