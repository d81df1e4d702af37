// The workspace index: every Kubernetes/Istio resource of a set of YAML files, keyed by kind/namespace/name,
// updated per file (set/remove). A resource defined in several files has alternative definitions, all kept (see
// identityOf). Pure: no vscode, no LSP.
import { isMap, isSeq, type Document } from 'yaml';
import { parseYaml, type ParsedFile } from '../yaml/parse';
import { groupOf, obj, str, type MeshResource, type Obj } from './model';
import { plainOf } from './plain';

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
  /** Position of the file in the index's order: kept when the file is replaced, a new one when it is added again. */
  seq: number;
  /** Its resources not replaced later in the file (the baseline's replacement by the workspace aside), in order. */
  own: MeshResource[];
  /** Its resources replaced later in the file, with the one that replaces each. */
  shadowed: { resource: MeshResource; by: MeshResource }[];
}

/**
 * Identity of a resource: kind/namespace/name (and cluster). Two definitions with one identity in different files are
 * alternatives (files applied one at a time); within one file the later replaces the earlier, as `kubectl apply` does.
 */
export function identityOf(r: MeshResource): string {
  let id = IDENTITY.get(r);
  if (id === undefined) IDENTITY.set(r, (id = `${r.gk}|${r.namespace}|${r.name}${r.cluster ? `|${r.cluster}` : ''}`));
  return id;
}

/** Identities computed so far (analyzers compare them over and over). */
const IDENTITY = new WeakMap<MeshResource, string>();

/** Whether a and b are definitions of one resource (same identity). */
export function sameResource(a: MeshResource, b: MeshResource): boolean {
  return a === b || identityOf(a) === identityOf(b);
}

interface Built {
  /** Active definitions per "group/Kind", in file order. */
  byGk: Map<string, MeshResource[]>;
  /** Every active definition, in file order. */
  active: MeshResource[];
  /** The active definitions of each file with any, in file order, with the file's position. */
  byFile: Map<string, { seq: number; resources: MeshResource[] }>;
  /** Definitions replaced by a later one of the same file, with the one that replaces each. */
  shadowed: { resource: MeshResource; by: MeshResource }[];
  /** Per "group/Kind", made when first asked for: its active definitions per identity, name and namespace. */
  kinds: Map<string, KindMaps>;
}

interface KindMaps {
  /** Per identity, made when first asked for (hashing every identity costs more than the other maps together). */
  byIdentity?: Map<string, MeshResource[]>;
  /** Per "namespace|name", whatever their cluster. */
  byName: Map<string, MeshResource[]>;
  /** Per namespace. */
  byNamespace: Map<string, MeshResource[]>;
}

function push<K>(m: Map<K, MeshResource[]>, k: K, r: MeshResource): void {
  const list = m.get(k);
  if (list) list.push(r);
  else m.set(k, [r]);
}

/** Within a file the last definition of a resource is the one applied. A pod inferred from a workload never replaces a Pod the file defines, nor the reverse. */
function ownOf(resources: readonly MeshResource[]): Pick<FileEntry, 'own' | 'shadowed'> {
  const keys = resources.map((r) => `${identityOf(r)}|${r.derived ? 'd' : ''}`);
  const last = new Map<string, MeshResource>();
  resources.forEach((r, i) => last.set(keys[i], r));
  const out: Pick<FileEntry, 'own' | 'shadowed'> = { own: [], shadowed: [] };
  resources.forEach((r, i) => {
    const by = last.get(keys[i])!;
    if (by === r) out.own.push(r);
    else out.shadowed.push({ resource: r, by });
  });
  return out;
}

export class MeshIndex {
  private readonly files = new Map<string, FileEntry>();
  private built: Built | undefined;
  private nextSeq = 0;
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
    const resources = extractResources(uri, parsed, this.defaultNamespace, opts, this.podsFromWorkloads);
    this.files.set(uri, { parsed, cluster: opts.cluster, resources, seq: prev?.seq ?? this.nextSeq++, ...ownOf(resources) });
    this.changed();
  }

  removeFile(uri: string): boolean {
    const had = this.files.delete(uri);
    if (had) this.changed();
    return had;
  }

  /** Removes every file whose uri the predicate accepts (a workspace folder going away); returns how many. */
  removeFiles(predicate: (uri: string) => boolean): number {
    let n = 0;
    for (const uri of [...this.files.keys()]) if (predicate(uri) && this.files.delete(uri)) n++;
    if (n) this.changed();
    return n;
  }

  hasFile(uri: string): boolean {
    return this.files.has(uri);
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  /** The parsed file indexed under `uri` (undefined when not indexed). */
  parsedOf(uri: string): ParsedFile | undefined {
    return this.files.get(uri)?.parsed;
  }

  resourcesOf(uri: string): readonly MeshResource[] {
    return this.files.get(uri)?.resources ?? [];
  }

  /** The file's position in the index's order (undefined when not indexed): kept when replaced, new when added again. */
  fileSeq(uri: string): number | undefined {
    return this.files.get(uri)?.seq;
  }

  /** Every active definition (what ofKind lists, of every kind), in file order. */
  active(): readonly MeshResource[] {
    return this.build().active;
  }

  /** The active definitions of each file that has any (read only), in file order, with the file's position (fileSeq). */
  activeByFile(): ReadonlyMap<string, { readonly seq: number; readonly resources: readonly MeshResource[] }> {
    return this.build().byFile;
  }

  /** Active definitions of one "group/Kind" in one namespace, in file order. */
  inNamespace(gk: string, namespace: string): readonly MeshResource[] {
    return this.kind(gk).byNamespace.get(namespace) ?? [];
  }

  /** Every resource of every file, replaced and baseline definitions included. */
  all(): MeshResource[] {
    return [...this.files.values()].flatMap((f) => f.resources);
  }

  /**
   * Definitions of one "group/Kind" (e.g. "networking.istio.io/VirtualService"), in file order: every alternative of a
   * resource defined in several files, none replaced later in its own file, no assumed one the workspace defines.
   */
  ofKind(gk: string): readonly MeshResource[] {
    return this.build().byGk.get(gk) ?? [];
  }

  /** One definition of kind/namespace/name (the last; in multi-cluster analysis, of any cluster). */
  get(gk: string, namespace: string, name: string): MeshResource | undefined {
    const list = this.getAll(gk, namespace, name);
    return list[list.length - 1];
  }

  /** Every definition of kind/namespace/name (in multi-cluster analysis, of every cluster). */
  getAll(gk: string, namespace: string, name: string): readonly MeshResource[] {
    return this.kind(gk).byName.get(`${namespace}|${name}`) ?? [];
  }

  /** Every active definition of r's resource (r included when active), in file order. */
  definitionsOf(r: MeshResource): readonly MeshResource[] {
    const k = this.kind(r.gk);
    if (!k.byIdentity) {
      k.byIdentity = new Map();
      for (const x of this.ofKind(r.gk)) push(k.byIdentity, identityOf(x), x);
    }
    return k.byIdentity.get(identityOf(r)) ?? [];
  }

  /** Definitions replaced by a later definition of the same resource in the same file. */
  shadowed(): readonly { resource: MeshResource; by: MeshResource }[] {
    return this.build().shadowed;
  }

  private changed(): void {
    this.built = undefined;
    this.generation++;
  }

  private build(): Built {
    if (this.built) return this.built;
    const b: Built = { byGk: new Map(), active: [], byFile: new Map(), shadowed: [], kinds: new Map() };
    // The assumed baseline stands for what the workspace does not define: a definition in the workspace replaces it.
    // Only a resource named like one of the (few) baseline resources may replace it: the identities of the others, whose
    // first hashing is a large part of a cold build, are left alone.
    const assumedNames = new Set<string>();
    for (const f of this.files.values()) for (const r of f.own) if (r.assumed) assumedNames.add(r.name);
    const defined = new Set<string>();
    if (assumedNames.size) for (const f of this.files.values()) for (const r of f.own) if (!r.assumed && assumedNames.has(r.name)) defined.add(identityOf(r));
    for (const [uri, f] of this.files) {
      let mine: MeshResource[] | undefined;
      for (const r of f.own) {
        if (r.assumed && defined.has(identityOf(r))) continue;
        push(b.byGk, r.gk, r);
        b.active.push(r);
        // A resource's uri is its file's.
        if (mine) mine.push(r);
        else b.byFile.set(uri, { seq: f.seq, resources: (mine = [r]) });
      }
      b.shadowed.push(...f.shadowed);
    }
    this.built = b;
    return b;
  }

  private kind(gk: string): KindMaps {
    const b = this.build();
    let k = b.kinds.get(gk);
    if (!k) {
      k = { byName: new Map(), byNamespace: new Map() };
      for (const r of b.byGk.get(gk) ?? []) {
        push(k.byName, `${r.namespace}|${r.name}`, r);
        push(k.byNamespace, r.namespace, r);
      }
      b.kinds.set(gk, k);
    }
    return k;
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
      data = obj(plainOf(d.doc, 100));
    } catch {
      continue;
    }
    const add = (o: Obj, base: (string | number)[]) => {
      const res = toResource(uri, parsed, d.doc, d.index, o, base, defaultNs, opts);
      if (!res) return;
      out.push(res);
      if (podsFromWorkloads && WORKLOAD_KINDS.has(res.kind)) out.push(podOf(res, o));
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

/** The resource (its keys in this order: `assumed` and `cluster` only when set). */
function toResource(uri: string, file: ParsedFile, doc: Document.Parsed, docIndex: number, o: Obj, base: (string | number)[], defaultNs: string, opts: { assumed?: boolean; cluster?: string }): MeshResource | undefined {
  const kind = str(o.kind);
  const apiVersion = str(o.apiVersion);
  if (!kind || !apiVersion) return undefined;
  const md = obj(o.metadata);
  const given = str(md.namespace);
  const namespace = given || (isClusterScoped(kind) ? '' : defaultNs);
  const r: MeshResource = {
    gk: `${groupOf(apiVersion)}/${kind}`, kind, apiVersion, namespace, name: str(md.name),
    namespaceGiven: given !== '', obj: o, uri, file, doc, docIndex, base,
  };
  if (opts.assumed) r.assumed = true;
  if (opts.cluster) r.cluster = opts.cluster;
  return r;
}

/** The Pod a workload's pod template stands for (the workload's keys, then `derived`). */
function podOf(res: MeshResource, o: Obj): MeshResource {
  const tpl = obj(obj(o.spec).template);
  const tmd = obj(tpl.metadata);
  const md = { ...tmd, name: str(tmd.name) || res.name, namespace: res.namespace };
  const pod: MeshResource = {
    gk: 'core/Pod', kind: 'Pod', apiVersion: 'v1', namespace: res.namespace, name: md.name, namespaceGiven: res.namespaceGiven,
    obj: { apiVersion: 'v1', kind: 'Pod', metadata: md, spec: tpl.spec }, uri: res.uri, file: res.file, doc: res.doc, docIndex: res.docIndex,
    base: [...res.base, 'spec', 'template'],
  };
  if (res.assumed) pod.assumed = true;
  if (res.cluster) pod.cluster = res.cluster;
  pod.derived = true;
  return pod;
}
