// The Pod a workload's controller would create, for asking the cluster's real injection webhook through a
// server-side dry run (POST /api/v1/namespaces/<ns>/pods?dryRun=All). Pure.
import type { Result } from '../core/types';
import type { Json } from './config';
import { isMap } from './template/values';
import { kindKey, podTemplatePath } from './workload';

export interface DryRunPod {
  pod: Json;
  /** The workload's namespace, or null when the document has none (the context's default namespace applies). */
  namespace: string | null;
  kind: string;
  name: string;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Server-owned metadata a create must not carry. */
const SERVER_FIELDS = ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'managedFields', 'selfLink'];

/** A Pod as its controller would create it from the workload's pod template (a Pod document: itself, less its status). */
export function podForDryRun(workload: Json): Result<DryRunPod> {
  const tpath = podTemplatePath(workload);
  if (!tpath) return { ok: false, error: `${kindKey(workload) || 'this document'} has no pod template` };
  const meta = isMap(workload.metadata) ? workload.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : null;
  let tmpl: unknown = workload;
  for (const k of tpath) tmpl = isMap(tmpl) ? tmpl[k] : undefined;
  if (!isMap(tmpl)) return { ok: false, error: `${String(workload.kind)} ${name} has no pod template (${tpath.join('.')})` };
  const podMeta: Json = isMap(tmpl.metadata) ? clone(tmpl.metadata) : {};
  for (const f of SERVER_FIELDS) delete podMeta[f];
  if (tpath.length) {
    // Controllers name their pods from the workload: generateName lets the API server pick the rest.
    delete podMeta.name;
    podMeta.generateName = `${name || 'workload'}-`;
  } else if (!podMeta.name && !podMeta.generateName) {
    return { ok: false, error: 'the Pod has no metadata.name' };
  }
  if (namespace) podMeta.namespace = namespace;
  else delete podMeta.namespace;
  const pod: Json = { apiVersion: 'v1', kind: 'Pod', metadata: podMeta, spec: isMap(tmpl.spec) ? clone(tmpl.spec) : {} };
  return { ok: true, value: { pod, namespace, kind: String(workload.kind), name } };
}
