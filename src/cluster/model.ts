// The live mesh model (pure): namespaces and pods as the informers deliver them, indexed namespace -> workload -> pod
// so that a watch event costs O(1) and the tree reads children without scanning. Only the fields the views show are
// kept (a 10,000-pod cluster stays small in memory).

export interface ContainerInfo {
  name: string;
  image: string;
  ready: boolean;
  restarts: number;
  sidecar: boolean;
  /** Istio proxy as a native sidecar (init container with restartPolicy: Always). */
  native: boolean;
}

export interface PodInfo {
  uid: string;
  namespace: string;
  name: string;
  workload: string;
  workloadKind: string;
  phase: string;
  ready: boolean;
  restarts: number;
  labels: Record<string, string>;
  containers: ContainerInfo[];
  /** The istio-proxy container, when the pod has one. */
  sidecar: ContainerInfo | null;
  /** Proxy version from the image tag ("1.22.3"), or null. */
  proxyVersion: string | null;
  resourceVersion: string;
}

export interface NamespaceInfo {
  name: string;
  /** "enabled" / "disabled" (istio-injection label), "rev:<name>" (istio.io/rev), or null. */
  injection: string | null;
}

export interface ControlPlane {
  istiod: PodInfo[];
  gateways: PodInfo[];
  revisions: string[];
  versions: string[];
}

type Obj = { metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; resourceVersion?: string; ownerReferences?: { kind?: string; name?: string; controller?: boolean }[] }; spec?: unknown; status?: unknown };
type ContainerSpec = { name?: string; image?: string; restartPolicy?: string };
type ContainerStatus = { name?: string; ready?: boolean; restartCount?: number };

export const imageTag = (image: string): string | null => {
  const at = image.lastIndexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(colon + 1) : null;
};

/** The owning workload: a ReplicaSet "reviews-v1-7f9xx" is shown as its Deployment "reviews-v1". */
function workloadOf(meta: NonNullable<Obj['metadata']>): { name: string; kind: string } {
  const owner = (meta.ownerReferences ?? []).find((o) => o.controller) ?? meta.ownerReferences?.[0];
  if (!owner?.name) return { name: meta.name ?? '', kind: 'Pod' };
  if (owner.kind === 'ReplicaSet') {
    const hash = meta.labels?.['pod-template-hash'];
    const name = hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -hash.length - 1) : owner.name.replace(/-[a-z0-9]{5,10}$/, '');
    return { name, kind: 'Deployment' };
  }
  return { name: owner.name, kind: owner.kind ?? 'Pod' };
}

export function toPodInfo(o: Obj): PodInfo {
  const meta = o.metadata ?? {};
  const spec = (o.spec ?? {}) as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
  const status = (o.status ?? {}) as { phase?: string; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
  const statuses = new Map<string, ContainerStatus>();
  for (const s of [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])]) if (s.name) statuses.set(s.name, s);
  const info = (c: ContainerSpec, native: boolean): ContainerInfo => {
    const s = statuses.get(c.name ?? '');
    return { name: c.name ?? '', image: c.image ?? '', ready: !!s?.ready, restarts: s?.restartCount ?? 0, sidecar: c.name === 'istio-proxy', native };
  };
  const containers = [
    ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => info(c, true)),
    ...(spec.containers ?? []).map((c) => info(c, false)),
  ];
  const sidecar = containers.find((c) => c.sidecar && (c.native || (spec.containers?.length ?? 0) > 1 || !isGatewayLabels(meta.labels))) ?? null;
  const w = workloadOf(meta);
  return {
    uid: meta.uid ?? `${meta.namespace}/${meta.name}`,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    workload: w.name,
    workloadKind: w.kind,
    phase: status.phase ?? 'Unknown',
    ready: containers.length > 0 && containers.every((c) => c.ready),
    restarts: containers.reduce((n, c) => n + c.restarts, 0),
    labels: meta.labels ?? {},
    containers,
    sidecar,
    proxyVersion: sidecar ? imageTag(sidecar.image) : null,
    resourceVersion: meta.resourceVersion ?? '',
  };
}

const isGatewayLabels = (labels: Record<string, string> | undefined): boolean => !!labels && /gateway$/.test(labels.istio ?? '');

export function toNamespaceInfo(o: Obj): NamespaceInfo {
  const l = o.metadata?.labels ?? {};
  const injection = l['istio-injection'] ?? (l['istio.io/rev'] ? `rev:${l['istio.io/rev']}` : null);
  return { name: o.metadata?.name ?? '', injection };
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export class MeshModel {
  readonly namespaces = new Map<string, NamespaceInfo>();
  /** namespace -> workload -> pod name -> pod */
  private readonly pods = new Map<string, Map<string, Map<string, PodInfo>>>();
  private count = 0;
  /** Bumped on every change: views use it to skip redundant refreshes. */
  generation = 0;

  get podCount(): number {
    return this.count;
  }

  applyNamespace(type: EventType, o: Obj): void {
    const ns = toNamespaceInfo(o);
    if (type === 'DELETED') this.namespaces.delete(ns.name);
    else this.namespaces.set(ns.name, ns);
    this.generation++;
  }

  applyPod(type: EventType, o: Obj): PodInfo {
    const p = toPodInfo(o);
    const byWorkload = this.pods.get(p.namespace) ?? new Map<string, Map<string, PodInfo>>();
    this.pods.set(p.namespace, byWorkload);
    const pods = byWorkload.get(p.workload) ?? new Map<string, PodInfo>();
    byWorkload.set(p.workload, pods);
    const had = pods.has(p.name);
    if (type === 'DELETED') {
      if (had) this.count--;
      pods.delete(p.name);
      if (pods.size === 0) byWorkload.delete(p.workload);
      if (byWorkload.size === 0) this.pods.delete(p.namespace);
    } else {
      if (!had) this.count++;
      pods.set(p.name, p);
    }
    this.generation++;
    return p;
  }

  /** Replaces everything (a relist). */
  reset(namespaces: Obj[] | null, pods: Obj[] | null): void {
    if (namespaces) {
      this.namespaces.clear();
      for (const n of namespaces) this.applyNamespace('ADDED', n);
    }
    if (pods) {
      this.pods.clear();
      this.count = 0;
      for (const p of pods) this.applyPod('ADDED', p);
    }
  }

  namespaceNames(): string[] {
    return [...new Set([...this.namespaces.keys(), ...this.pods.keys()])].sort();
  }

  workloads(ns: string): { name: string; kind: string; pods: number; sidecars: number }[] {
    return [...(this.pods.get(ns)?.entries() ?? [])].map(([name, pods]) => {
      const list = [...pods.values()];
      return { name, kind: list[0]?.workloadKind ?? 'Pod', pods: list.length, sidecars: list.filter((p) => p.sidecar).length };
    }).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  podsOf(ns: string, workload: string): PodInfo[] {
    return [...(this.pods.get(ns)?.get(workload)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  pod(ns: string, name: string): PodInfo | undefined {
    for (const pods of this.pods.get(ns)?.values() ?? []) {
      const p = pods.get(name);
      if (p) return p;
    }
    return undefined;
  }

  controlPlane(istioNamespace = 'istio-system'): ControlPlane {
    const all = [...(this.pods.get(istioNamespace)?.values() ?? [])].flatMap((m) => [...m.values()]);
    const istiod = all.filter((p) => p.labels.app === 'istiod' || p.labels.istio === 'pilot');
    const gateways = all.filter((p) => isGatewayLabels(p.labels));
    const version = (p: PodInfo): string | null => imageTag(p.containers[0]?.image ?? '');
    return {
      istiod, gateways,
      revisions: [...new Set(istiod.map((p) => p.labels['istio.io/rev'] ?? 'default'))].sort(),
      versions: [...new Set(istiod.map(version).filter((v): v is string => !!v))].sort(),
    };
  }
}
