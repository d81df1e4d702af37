// Sidecar injection against a live cluster (pure: no vscode): read the injector and mesh ConfigMaps the language
// server renders previews with, and ask the cluster's own mutating webhook through a server-side dry run.
import { stringify } from 'yaml';
import { injectorConfigMapName, meshConfigMapName, type ClusterInjectionData } from '../../server/src/inject/clusterData';
import type { ClusterError, ClusterReader, Outcome } from './reader';

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const enc = encodeURIComponent;

export interface InjectionConfigMapsOptions {
  context: string;
  /** Injector revision ('' for the default revision). */
  revision: string;
  /** Namespace of the ConfigMaps; '' finds the one holding the injector ConfigMap (istio-system when unsure). */
  istioNamespace: string;
}

function describe(e: ClusterError): string {
  return `${e.message}${e.kind === 'forbidden' && e.permission ? ` (needs RBAC "${e.permission}")` : ''}`;
}

/** The namespace holding the injector ConfigMap: a cluster-wide list by name; istio-system when it cannot be listed. */
async function findIstioNamespace(reader: Pick<ClusterReader, 'getObject'>, name: string): Promise<string> {
  const l = await reader.getObject(`/api/v1/configmaps?fieldSelector=${enc(`metadata.name=${name}`)}`);
  const items = l.ok && isMap(l.value) && Array.isArray(l.value.items) ? l.value.items : [];
  const namespaces = items.map((i) => (isMap(i) && isMap(i.metadata) ? i.metadata.namespace : undefined)).filter((n): n is string => typeof n === 'string').sort();
  return namespaces.includes('istio-system') ? 'istio-system' : (namespaces[0] ?? 'istio-system');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads `istio-sidecar-injector[-<rev>]` (data.config, data.values) and `istio[-<rev>]` (data.mesh). Failures are values. */
export async function readInjectionConfigMaps(reader: Pick<ClusterReader, 'getObject'>, o: InjectionConfigMapsOptions): Promise<ClusterInjectionData> {
  const revision = o.revision === 'default' ? '' : o.revision;
  const injName = injectorConfigMapName(revision);
  const meshName = meshConfigMapName(revision);
  const namespace = o.istioNamespace || (await findIstioNamespace(reader, injName));
  const base = { context: o.context, namespace, revision };
  const path = (name: string) => `/api/v1/namespaces/${enc(namespace)}/configmaps/${enc(name)}`;
  const inj = await reader.getObject(path(injName));
  if (!inj.ok) return { ...base, error: `cannot read ConfigMap ${namespace}/${injName} from context ${o.context}: ${describe(inj.error)}` };
  const data = isMap(inj.value) && isMap(inj.value.data) ? inj.value.data : {};
  const mesh = await reader.getObject(path(meshName));
  if (!mesh.ok && mesh.error.kind !== 'notFound') return { ...base, error: `cannot read ConfigMap ${namespace}/${meshName} from context ${o.context}: ${describe(mesh.error)}` };
  const meshData = mesh.ok && isMap(mesh.value) && isMap(mesh.value.data) ? mesh.value.data : {};
  return { ...base, config: str(data.config), values: str(data.values), mesh: str(meshData.mesh) };
}

export interface DryRunResult {
  /** The API path the Pod was POSTed to (with dryRun=All). */
  path: string;
  /** The Pod as sent. */
  sent: Json;
  /** The Pod the API server returned: what its mutating webhooks (Istio's injector among them) made of it. */
  returned: Json;
}

/** POSTs the Pod to /api/v1/namespaces/<ns>/pods?dryRun=All: admission runs, nothing is stored. */
export async function dryRunPod(reader: Pick<ClusterReader, 'dryRunCreate'>, namespace: string, pod: Json): Promise<Outcome<DryRunResult, ClusterError>> {
  const meta = isMap(pod.metadata) ? pod.metadata : {};
  const sent: Json = { ...pod, metadata: { ...meta, namespace } };
  const path = `/api/v1/namespaces/${enc(namespace)}/pods?dryRun=All`;
  const r = await reader.dryRunCreate(path, sent);
  if (!r.ok) return r;
  if (!isMap(r.value)) return { ok: false, error: { kind: 'other', message: 'the API server returned no object' } };
  return { ok: true, value: { path, sent, returned: r.value } };
}

/** YAML for the diff: keys sorted on both sides (the API server reorders fields), managedFields left out. */
export function podYaml(obj: Json): string {
  const meta = isMap(obj.metadata) ? { ...obj.metadata } : undefined;
  if (meta) delete meta.managedFields;
  return stringify(meta ? { ...obj, metadata: meta } : obj, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}
