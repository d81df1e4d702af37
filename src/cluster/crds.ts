// The cluster's CustomResourceDefinitions, for the language server's schemas (`istioWorkbench.schemas.fromCluster`):
// listed page by page (limit/continue, a new list when a continue token expires) as raw JSON, so that every schema
// keyword survives (client-node's typed models rename x-kubernetes-* and drop what they do not know), and trimmed to
// what schemas need (no status, managedFields or last-applied annotation, which doubles a CRD's size). Pure.
import type { ClusterError, ClusterReader, Outcome } from './reader';

export const CRD_LIST_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

export interface CrdListOptions {
  /** Items per page (the `limit` of each list call). */
  pageSize?: number;
  /** Stop after this many CRDs (a runaway server). */
  maxItems?: number;
}

export interface CrdList {
  crds: unknown[];
  pages: number;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Lists every CRD of the cluster, trimmed; a 403 says which permission is missing. */
export async function listCustomResourceDefinitions(reader: Pick<ClusterReader, 'getObject'>, opts: CrdListOptions = {}): Promise<Outcome<CrdList, ClusterError>> {
  const pageSize = Math.max(1, opts.pageSize ?? 100);
  const maxItems = opts.maxItems ?? 5000;
  for (let attempt = 0; ; attempt++) {
    const crds: unknown[] = [];
    let cont: string | undefined;
    let pages = 0;
    let expired = false;
    do {
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (cont) q.set('continue', cont);
      const r = await reader.getObject(`${CRD_LIST_PATH}?${q}`);
      if (!r.ok) {
        // The continue token outlived the server's history: list again from the start (as client-node's informers do).
        if (cont && r.error.message.startsWith('Gone (410)') && attempt < 3) {
          expired = true;
          break;
        }
        return { ok: false, error: r.error.kind === 'forbidden' ? { ...r.error, permission: 'list customresourcedefinitions' } : r.error };
      }
      pages++;
      const page = record(r.value);
      const items = Array.isArray(page?.items) ? page.items : [];
      for (const item of items) if (crds.length < maxItems) crds.push(trimCrd(item));
      const c = record(page?.metadata)?.continue;
      cont = typeof c === 'string' && c && crds.length < maxItems ? c : undefined;
    } while (cont);
    if (!expired) return { ok: true, value: { crds, pages } };
  }
}

/** What the schemas need of a CRD: apiVersion, kind, metadata.name and the spec's group, names, scope and versions. */
export function trimCrd(o: unknown): unknown {
  const crd = record(o);
  const spec = record(crd?.spec);
  if (!crd || !spec) return o;
  const name = record(crd.metadata)?.name;
  const versions = Array.isArray(spec.versions)
    ? spec.versions.map((v) => {
      const r = record(v);
      return r ? { name: r.name, served: r.served, storage: r.storage, schema: r.schema } : v;
    })
    : spec.versions;
  return {
    apiVersion: crd.apiVersion ?? 'apiextensions.k8s.io/v1',
    kind: crd.kind ?? 'CustomResourceDefinition',
    metadata: { name },
    spec: { group: spec.group, names: spec.names, scope: spec.scope, versions },
  };
}
