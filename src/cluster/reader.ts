// What the views need from a cluster, behind an interface (the client-node implementation is kubeReader.ts; tests and
// views can use any other). Expected failures are values: ClusterError says what went wrong and what to do.
/** A value or an expected failure. */
export type Outcome<T, E> = { ok: true; value: T } | { ok: false; error: E };

export type ClusterErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'timeout' | 'tls' | 'notFound' | 'other';

export interface ClusterError {
  kind: ClusterErrorKind;
  message: string;
  /** For 403: the RBAC permission that is missing, e.g. "list pods" or "create pods/portforward". */
  permission?: string;
}

export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'connected' }
  | { state: 'error'; error: ClusterError; retryInMs: number };

export type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchHandlers {
  /** Full (re)list of a resource: replace what you had. */
  onList(resource: 'namespaces' | 'pods', items: unknown[]): void;
  onEvent(resource: 'namespaces' | 'pods', type: WatchEvent, obj: unknown): void;
  onState(resource: 'namespaces' | 'pods', state: ConnectionState): void;
}

export type DumpPath = 'port-forward' | 'exec' | 'istiod';

export interface ConfigDumpFetch {
  text: string;
  via: DumpPath;
  /** Paths tried before the one that worked, with why they failed. */
  failed: { via: DumpPath; error: ClusterError }[];
}

export interface ClusterReader {
  /** Starts list+watch of namespaces and pods; recovers by itself (backoff) until disposed. */
  watch(handlers: WatchHandlers): { dispose(): void };
  /** The sidecar's Envoy config dump: port-forward to 15000, else exec pilot-agent, else istiod's debug endpoint. */
  configDump(namespace: string, pod: string): Promise<Outcome<ConfigDumpFetch, { via: DumpPath; error: ClusterError }[]>>;
  /** istiod's /debug/syncz (per-proxy xDS sync state). */
  syncz(): Promise<Outcome<ProxySync[], ClusterError>>;
  /** A live object as JSON (for "Go to VirtualService" when the workspace does not define it). */
  getObject(apiPath: string): Promise<Outcome<unknown, ClusterError>>;
  /** A create that changes nothing: POST to apiPath, which must carry `dryRun=All`; the object the API server returns
   * (after its mutating admission webhooks). */
  dryRunCreate(apiPath: string, body: unknown): Promise<Outcome<unknown, ClusterError>>;
  dispose(): void;
}

export interface ProxySync {
  proxy: string;
  version: string;
  /** Per xDS type: SYNCED, STALE or NOT SENT. */
  status: Record<'CDS' | 'LDS' | 'RDS' | 'EDS', 'SYNCED' | 'STALE' | 'NOT SENT'>;
}

/** istioctl's proxy-status rule: nothing sent -> NOT SENT, sent != acked -> STALE, else SYNCED. */
export function parseSyncz(json: unknown): ProxySync[] {
  if (!Array.isArray(json)) return [];
  const state = (sent: unknown, acked: unknown): 'SYNCED' | 'STALE' | 'NOT SENT' => (!sent ? 'NOT SENT' : sent !== acked ? 'STALE' : 'SYNCED');
  return json.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object').map((x) => ({
    proxy: String(x.proxy ?? ''),
    version: String(x.istio_version ?? ''),
    status: {
      CDS: state(x.cluster_sent, x.cluster_acked),
      LDS: state(x.listener_sent, x.listener_acked),
      RDS: state(x.route_sent, x.route_acked),
      EDS: state(x.endpoint_sent, x.endpoint_acked),
    },
  }));
}

/** Exponential backoff: 1 s doubling to 30 s. */
export function backoffMs(attempt: number, base = 1000, max = 30000): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt));
}
