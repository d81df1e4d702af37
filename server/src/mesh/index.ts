// The workspace index: every Kubernetes/Istio resource of a set of YAML files, keyed by kind/namespace/name,
// updated per file (set/remove). Pure: no vscode, no LSP.
import { isMap, isSeq, type Document } from 'yaml';
import { parseYaml, type ParsedFile } from '../yaml/parse';
import { groupOf, obj, str, type MeshResource, type Obj } from './model';

/** Kinds without a namespace; every other kind is namespaced. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'StorageClass', 'PriorityClass', 'APIService',
  'GatewayClass', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'IngressClass', 'RuntimeClass',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'PodSecurityPolicy', 'ComponentStatus', 'CertificateSigningRequest',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export interface IndexOptions {
  /** Namespace given to namespaced resources whose YAML has none (Istio's harness uses '', istioctl the context's). */
  defaultNamespace?: string;
  /**
   * Also index the pod template of each workload (Deployment, StatefulSet, ...) as a Pod: a workspace of manifests has no
   * running pods, and without them every selector would look dangling. Off in Istio's test harness, which sees only Pods.
   */
  podsFromWorkloads?: boolean;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

interface FileEntry {
  parsed: ParsedFile;
  resources: MeshResource[];
  cluster?: string;
}

export class MeshIndex {
  private readonly files = new Map<string, FileEntry>();
  private byGk: Map<string, MeshResource[]> | undefined;
  private byKey: Map<string, MeshResource> | undefined;
  /** Bumped on every change; lets callers cache derived results. */
  generation = 0;
  readonly defaultNamespace: string;
  readonly podsFromWorkloads: boolean;

  constructor(opts: IndexOptions = {}) {
    this.defaultNamespace = opts.defaultNamespace ?? 'default';
    this.podsFromWorkloads = opts.podsFromWorkloads ?? false;
  }

  /** Adds or replaces a file (text or an already parsed file). */
  setFile(uri: string, content: string | ParsedFile, opts: { assumed?: boolean; cluster?: string } = {}): void {
    const parsed = typeof content === 'string' ? parseYaml(content) : content;
    const prev = this.files.get(uri);
    if (prev && prev.parsed === parsed && prev.cluster === opts.cluster) return;
    this.files.set(uri, { parsed, cluster: opts.cluster, resources: extractResources(uri, parsed, this.defaultNamespace, opts, this.podsFromWorkloads) });
    this.changed();
  }

  removeFile(uri: string): boolean {
    const had = this.files.delete(uri);
    if (had) this.changed();
    return had;
  }

  hasFile(uri: string): boolean {
    return this.files.has(uri);
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  resourcesOf(uri: string): readonly MeshResource[] {
    return this.files.get(uri)?.resources ?? [];
  }

  all(): MeshResource[] {
    return [...this.files.values()].flatMap((f) => f.resources);
  }

  /** Resources of one "group/Kind" (e.g. "networking.istio.io/VirtualService"), in file order. */
  ofKind(gk: string): readonly MeshResource[] {
    if (!this.byGk) this.build();
    return this.byGk!.get(gk) ?? [];
  }

  get(gk: string, namespace: string, name: string): MeshResource | undefined {
    if (!this.byKey) this.build();
    return this.byKey!.get(`${gk}|${namespace}|${name}`);
  }

  private changed(): void {
    this.byGk = undefined;
    this.byKey = undefined;
    this.generation++;
  }

  private build(): void {
    this.byGk = new Map();
    this.byKey = new Map();
    // One resource per kind/namespace/name (and cluster): a later definition replaces an earlier one, as a later
    // `kubectl apply` would and as Istio's file source does.
    for (const r of this.all()) this.byKey.set(`${r.gk}|${r.namespace}|${r.name}${r.cluster ? `|${r.cluster}` : ''}`, r);
    for (const r of this.byKey.values()) {
      let list = this.byGk.get(r.gk);
      if (!list) this.byGk.set(r.gk, (list = []));
      list.push(r);
    }
    for (const r of [...this.byKey.values()]) if (r.cluster) this.byKey.set(`${r.gk}|${r.namespace}|${r.name}`, r);
  }
}

function extractResources(uri: string, parsed: ParsedFile, defaultNs: string, opts: { assumed?: boolean; cluster?: string }, podsFromWorkloads: boolean): MeshResource[] {
  const out: MeshResource[] = [];
  // Like kubectl and istioctl, a document with YAML errors is not loaded: its content is not what the author meant.
  const broken = new Set(parsed.problems.filter((p) => p.severity === 'Error').map((p) => p.docIndex));
  for (const d of parsed.docs) {
    if (!isMap(d.doc.contents) || broken.has(d.index) || broken.has(-1)) continue;
    let data: Obj;
    try {
      data = obj(d.doc.toJS({ maxAliasCount: 100 }));
    } catch {
      continue;
    }
    const add = (o: Obj, base: (string | number)[]) => {
      const r = toResource(uri, parsed, d.doc, d.index, o, base, defaultNs);
      if (!r) return;
      const res = { ...r, ...(opts.assumed ? { assumed: true } : {}), ...(opts.cluster ? { cluster: opts.cluster } : {}) };
      out.push(res);
      if (podsFromWorkloads && WORKLOAD_KINDS.has(r.kind)) {
        const tpl = obj(obj(o.spec).template);
        const md = { ...obj(tpl.metadata), name: str(obj(tpl.metadata).name) || r.name, namespace: r.namespace };
        out.push({ ...res, gk: 'core/Pod', kind: 'Pod', apiVersion: 'v1', name: md.name, obj: { apiVersion: 'v1', kind: 'Pod', metadata: md, spec: tpl.spec }, base: [...base, 'spec', 'template'], derived: true });
      }
    };
    const kind = str(data.kind);
    if (/List$/.test(kind) && Array.isArray(data.items) && isSeq(d.doc.get('items', true))) {
      data.items.forEach((it, i) => add(obj(it), ['items', i]));
    } else {
      add(data, []);
    }
  }
  return out;
}

function toResource(uri: string, file: ParsedFile, doc: Document.Parsed, docIndex: number, o: Obj, base: (string | number)[], defaultNs: string): MeshResource | undefined {
  const kind = str(o.kind);
  const apiVersion = str(o.apiVersion);
  if (!kind || !apiVersion) return undefined;
  const md = obj(o.metadata);
  const given = str(md.namespace);
  const namespace = given || (isClusterScoped(kind) ? '' : defaultNs);
  return {
    gk: `${groupOf(apiVersion)}/${kind}`, kind, apiVersion, namespace, name: str(md.name),
    namespaceGiven: given !== '', obj: o, uri, file, doc, docIndex, base,
  };
}
