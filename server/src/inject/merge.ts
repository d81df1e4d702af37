// Strategic merge patch of a Pod (k8s.io/apimachinery strategicpatch for the core/v1 Pod schema), and the
// normalisation Go's typed round trip (JSON -> corev1.Pod -> JSON) applies. Pure.
import { canonicalQuantity } from './quantity';
import { isMap } from './template/values';

type Json = Record<string, unknown>;

/** patchMergeKey of the merge-strategy lists of a Pod, by field name. Other lists are replaced. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  resourceClaims: 'name',
};

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Applies `patch` over `original` with strategic-merge semantics; null in the patch deletes. */
export function strategicMerge(original: unknown, patch: unknown, field = '', depth = 0): unknown {
  if (depth > 100) throw new Error('strategic merge: object nested too deeply');
  if (isMap(patch)) {
    if (!isMap(original)) return stripNulls(patch);
    const out: Json = { ...original };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) { delete out[k]; continue; }
      out[k] = strategicMerge(out[k], v, k, depth + 1);
    }
    return out;
  }
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(original)) return patch.map((x) => stripNulls(x));
    const idOf = (x: unknown) => (isMap(x) ? x[key] : undefined);
    const serverIndex = (x: unknown) => original.findIndex((o) => idOf(o) !== undefined && idOf(o) === idOf(x));
    const left = patch.map((item) => {
      const i = serverIndex(item);
      return i >= 0 ? strategicMerge(original[i], item, '', depth + 1) : stripNulls(item);
    });
    const patchIds = new Set(patch.map(idOf));
    const right = original.filter((o) => !patchIds.has(idOf(o)));
    // strategicpatch mergeSortedSlice(serverOnly, patch): patch items keep their order and go first, unless both
    // items are in the server list and the server-only one comes first there.
    const out: unknown[] = [];
    let i = 0;
    let j = 0;
    while (i < right.length || j < left.length) {
      if (i >= right.length) out.push(left[j++]);
      else if (j >= left.length) out.push(right[i++]);
      else {
        const si = serverIndex(right[i]);
        const pi = serverIndex(left[j]);
        if (si >= 0 && pi >= 0 && si < pi) out.push(right[i++]);
        else out.push(left[j++]);
      }
    }
    return out;
  }
  return patch;
}

function stripNulls(v: unknown): unknown {
  if (isMap(v)) {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
    return out;
  }
  if (Array.isArray(v)) return v.map(stripNulls);
  return v;
}

/** Go map[string]string fields: their empty values are kept. */
const STRING_MAPS = new Set(['annotations', 'labels', 'nodeSelector', 'data', 'matchLabels', 'selector']);

/** Non-pointer Go bools and ints of a Pod that `omitempty` drops when zero. */
const OMIT_FALSE = new Set(['paused', 'hostNetwork', 'hostPID', 'hostIPC', 'stdin', 'stdinOnce', 'tty', 'readOnly', 'optional_']);
const OMIT_ZERO = new Set(['minReadySeconds', 'hostPort', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']);

/** What encoding a Pod through corev1.Pod does: drops omitempty zero values, adds non-pointer structs. */
export function normalizePod(pod: Json): Json {
  const out = normalize(pod, '', 0) as Json;
  const spec = isMap(out.spec) ? out.spec : undefined;
  if (spec) {
    for (const list of ['containers', 'initContainers']) {
      const cs = spec[list];
      if (!Array.isArray(cs)) continue;
      for (const c of cs) if (isMap(c) && !('resources' in c)) c.resources = {};
    }
  }
  return out;
}

/** The typed-encoding normalisation of any Kubernetes object (omitempty zero values, canonical quantities). */
export function normalizeObject(obj: Json): Json {
  return normalize(obj, '', 0) as Json;
}

function normalize(v: unknown, key: string, depth: number): unknown {
  if (depth > 100) return v;
  if (isMap(v)) {
    const out: Json = {};
    for (const k in v) {
      const x = v[k];
      if (x === null || x === undefined) continue;
      if (x === '' && !STRING_MAPS.has(key) && k !== 'name' && k !== 'mountPath') continue;
      if (x === false && OMIT_FALSE.has(k)) continue;
      if (x === 0 && OMIT_ZERO.has(k)) continue;
      if (Array.isArray(x) && x.length === 0 && k !== 'containers') continue;
      if ((k === 'labels' || k === 'annotations' || k === 'nodeSelector' || k === 'metadata') && isMap(x) && isEmptyMap(x)) continue;
      out[k] = (key === 'limits' || key === 'requests') && typeof x === 'string' ? canonicalQuantity(x) : normalize(x, k, depth + 1);
    }
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => normalize(x, key, depth + 1));
  return v;
}

function isEmptyMap(m: Json): boolean {
  for (const k in m) if (Object.prototype.hasOwnProperty.call(m, k)) return false;
  return true;
}
