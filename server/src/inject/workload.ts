// Where each injectable kind keeps its pod template, and the fields Go's typed encoding always writes. Pure.
import { normalizeObject } from './merge';
import { isMap } from './template/values';

type Json = Record<string, unknown>;

export interface PodTemplateRef {
  /** Holder of `metadata` (the pod's ObjectMeta) and `spec` (the PodSpec). */
  holder: Json;
  metaKey: string;
  specKey: string;
}

/** Kinds istioctl kube-inject decodes (apiVersion/kind), mapped to the path of their pod template. */
const TEMPLATE_PATHS: Record<string, string[]> = {
  'v1/Pod': [],
  'v1/ReplicationController': ['spec', 'template'],
  'apps/v1/Deployment': ['spec', 'template'],
  'apps/v1beta1/Deployment': ['spec', 'template'],
  'apps/v1beta2/Deployment': ['spec', 'template'],
  'extensions/v1beta1/Deployment': ['spec', 'template'],
  'apps/v1/StatefulSet': ['spec', 'template'],
  'apps/v1beta1/StatefulSet': ['spec', 'template'],
  'apps/v1beta2/StatefulSet': ['spec', 'template'],
  'apps/v1/DaemonSet': ['spec', 'template'],
  'apps/v1beta2/DaemonSet': ['spec', 'template'],
  'extensions/v1beta1/DaemonSet': ['spec', 'template'],
  'apps/v1/ReplicaSet': ['spec', 'template'],
  'apps/v1beta2/ReplicaSet': ['spec', 'template'],
  'extensions/v1beta1/ReplicaSet': ['spec', 'template'],
  'batch/v1/Job': ['spec', 'template'],
  'batch/v1/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  'batch/v1beta1/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  'apps.openshift.io/v1/DeploymentConfig': ['spec', 'template'],
  'v1/DeploymentConfig': ['spec', 'template'],
};

/** Kinds the decoder knows but that carry no pod template (kube-inject passes them through re-encoded). */
const KNOWN_OTHER = new Set<string>();

export function kindKey(obj: Json): string {
  return `${typeof obj.apiVersion === 'string' ? obj.apiVersion : ''}/${typeof obj.kind === 'string' ? obj.kind : ''}`;
}

/** Mapping keys from the object to its pod template ([] for a Pod), or null for kinds without one. */
export function podTemplatePath(obj: Json): readonly string[] | null {
  return TEMPLATE_PATHS[kindKey(obj)] ?? null;
}

export function isInjectableKind(obj: Json): boolean {
  return kindKey(obj) in TEMPLATE_PATHS;
}

export function isKnownKind(obj: Json): boolean {
  return isInjectableKind(obj) || KNOWN_OTHER.has(kindKey(obj)) || kindKey(obj) === 'v1/List';
}

/** Finds (creating empty objects where Go's zero values would be) the pod template of a workload. */
export function podTemplateOf(obj: Json): PodTemplateRef | null {
  const path = TEMPLATE_PATHS[kindKey(obj)];
  if (!path) return null;
  let cur: Json = obj;
  for (const k of path) {
    if (!isMap(cur[k])) cur[k] = {};
    cur = cur[k] as Json;
  }
  // CronJob: the job template's metadata is what kube-inject treats as the pod's metadata.
  if (kindKey(obj).endsWith('/CronJob')) {
    const jobTemplate = (obj.spec as Json).jobTemplate as Json;
    return { holder: { get metadata() { return jobTemplate.metadata; }, set metadata(v) { jobTemplate.metadata = v; }, get spec() { return cur.spec; }, set spec(v) { cur.spec = v; } } as Json, metaKey: 'metadata', specKey: 'spec' };
  }
  return { holder: cur, metaKey: 'metadata', specKey: 'spec' };
}

const STATUS: Record<string, Json> = {
  StatefulSet: { availableReplicas: 0, replicas: 0 },
  DaemonSet: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
  ReplicaSet: { replicas: 0 },
  ReplicationController: { replicas: 0 },
  DeploymentConfig: { availableReplicas: 0, latestVersion: 0, observedGeneration: 0, replicas: 0, unavailableReplicas: 0, updatedReplicas: 0 },
};

/** Adds what encoding the Go type always writes: status, non-pointer structs, pod template metadata. */
export function addTypedDefaults(input: Json): void {
  const obj = input;
  Object.assign(obj, normalizeObject(obj));
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k];
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const spec = isMap(obj.spec) ? obj.spec : null;
  if (!isMap(obj.metadata)) obj.metadata = {};
  if (kind !== 'List') obj.status = { ...(STATUS[kind] ?? {}), ...(isMap(obj.status) ? obj.status : {}) };
  if (!spec) return;
  if (kind === 'Deployment' && !isMap(spec.strategy)) spec.strategy = {};
  if (kind === 'DeploymentConfig') {
    const st = isMap(spec.strategy) ? spec.strategy : (spec.strategy = {});
    if (!isMap((st as Json).resources)) (st as Json).resources = {};
    if (typeof spec.test !== 'boolean') spec.test = false;
  }
  if ((kind === 'StatefulSet' || kind === 'DaemonSet') && !isMap(spec.updateStrategy)) spec.updateStrategy = {};
  const tmpl = isMap(spec.template) ? spec.template : isMap(spec.jobTemplate) && isMap((spec.jobTemplate as Json).spec) ? ((spec.jobTemplate as Json).spec as Json).template : null;
  if (isMap(tmpl) && !isMap(tmpl.metadata)) tmpl.metadata = {};
  if (kind === 'CronJob' && isMap(spec.jobTemplate) && !isMap((spec.jobTemplate as Json).metadata)) (spec.jobTemplate as Json).metadata = {};
}
