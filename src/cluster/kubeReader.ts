// ClusterReader over @kubernetes/client-node: informers (list with limit/continue + watch from the list's
// resourceVersion; client-node relists by itself after 410 Gone) restarted with backoff after errors; config dumps
// by port-forward, exec or istiod. Credentials stay inside client-node: nothing here reads or logs them.
import * as https from 'node:https';
import { PassThrough, Writable } from 'node:stream';
import { CoreV1Api, Exec, KubeConfig, makeInformer, PortForward, type Informer, type KubernetesObject } from '@kubernetes/client-node';
import { backoffMs, parseSyncz, type ClusterError, type ClusterReader, type ConfigDumpFetch, type DumpPath, type Outcome, type ProxySync, type WatchHandlers } from './reader';

export interface ReaderLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface KubeReaderOptions {
  /** Page size of list calls. */
  pageSize?: number;
  istioNamespace?: string;
  timeoutMs?: number;
  /** Backoff base (tests shorten it). */
  backoffBaseMs?: number;
}

/** Loads the kubeconfig files (merged as kubectl does) and selects a context. */
export function loadKubeConfig(files: string[], context: string): KubeConfig {
  const kc = new KubeConfig();
  const prev = process.env.KUBECONFIG;
  try {
    process.env.KUBECONFIG = files.join(process.platform === 'win32' ? ';' : ':');
    kc.loadFromDefault();
  } finally {
    if (prev === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = prev;
  }
  if (context) kc.setCurrentContext(context);
  return kc;
}

/** What went wrong, from what client-node throws (ApiException, fetch TypeError, ws errors, watch errors). */
export function classifyError(e: unknown, permission?: string): ClusterError {
  const err = e as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown; cause?: { code?: string; message?: string }; name?: string };
  const code = typeof err?.code === 'number' ? err.code : typeof err?.statusCode === 'number' ? err.statusCode : Number(/Unexpected server response: (\d+)/.exec(String(err?.message ?? ''))?.[1] ?? NaN);
  let bodyMsg = '';
  if (typeof err?.body === 'string') {
    try {
      bodyMsg = String((JSON.parse(err.body) as { message?: string }).message ?? '');
    } catch {
      bodyMsg = '';
    }
  }
  const cause = err?.cause?.code ?? (typeof err?.code === 'string' ? err.code : '');
  if (code === 401) return { kind: 'unauthorized', message: 'Unauthorized (401): the credentials were rejected or have expired' };
  if (code === 403) return { kind: 'forbidden', message: bodyMsg || `Forbidden (403)${permission ? `: needs "${permission}"` : ''}`, permission };
  if (code === 404) return { kind: 'notFound', message: bodyMsg || 'Not found (404)' };
  if (code === 410) return { kind: 'other', message: 'Gone (410): resource version too old' };
  if (cause === 'ECONNREFUSED' || cause === 'ENOTFOUND' || cause === 'EHOSTUNREACH' || cause === 'ECONNRESET') return { kind: 'unreachable', message: `Cannot reach the API server (${cause})` };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || cause === 'ETIMEDOUT' || cause === 'UND_ERR_CONNECT_TIMEOUT') return { kind: 'timeout', message: 'The API server did not answer in time' };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause)) return { kind: 'tls', message: `TLS: ${cause}` };
  if (!Number.isNaN(code)) return { kind: 'other', message: bodyMsg || `HTTP ${code}` };
  const msg = err?.cause?.message ?? (typeof err?.message === 'string' ? err.message : String(e));
  return { kind: 'other', message: msg };
}

type Res = 'namespaces' | 'pods';

export class KubeClusterReader implements ClusterReader {
  private readonly core: CoreV1Api;
  private readonly pageSize: number;
  private readonly istioNs: string;
  private readonly timeoutMs: number;
  private readonly backoffBase: number;
  private disposed = false;

  constructor(private readonly kc: KubeConfig, private readonly log: ReaderLog, opts: KubeReaderOptions = {}) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.pageSize = opts.pageSize ?? 500;
    this.istioNs = opts.istioNamespace ?? 'istio-system';
    this.timeoutMs = opts.timeoutMs ?? 15000;
    this.backoffBase = opts.backoffBaseMs ?? 1000;
  }

  /** Lists every page (limit/continue); a 410 on a continue token starts the list again. */
  private async listAll(resource: Res): Promise<{ metadata: { resourceVersion?: string }; items: KubernetesObject[] }> {
    for (let attempt = 0; ; attempt++) {
      const items: KubernetesObject[] = [];
      let cont: string | undefined;
      let rv: string | undefined;
      try {
        do {
          const page = resource === 'pods'
            ? await this.core.listPodForAllNamespaces({ limit: this.pageSize, _continue: cont })
            : await this.core.listNamespace({ limit: this.pageSize, _continue: cont });
          items.push(...(page.items as KubernetesObject[]));
          cont = page.metadata?._continue || undefined;
          rv = page.metadata?.resourceVersion;
        } while (cont);
        return { metadata: { resourceVersion: rv }, items };
      } catch (e) {
        if (classifyError(e).message.startsWith('Gone (410)') && attempt < 3) continue;
        throw e;
      }
    }
  }

  watch(handlers: WatchHandlers): { dispose(): void } {
    const stops = (['namespaces', 'pods'] as const).map((r) => this.runInformer(r, handlers));
    return { dispose: () => stops.forEach((s) => s()) };
  }

  private runInformer(resource: Res, h: WatchHandlers): () => void {
    const path = `/api/v1/${resource}`;
    // The list is delivered whole through onList (also when client-node relists after a 410 by itself); the
    // per-object callbacks client-node fires for the listed items are skipped, watch events are passed on.
    let listing = false;
    let attempt = 0;
    let failedSinceStart = false;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const informer: Informer<KubernetesObject> = makeInformer(this.kc, path, async () => {
      listing = true;
      try {
        const t0 = Date.now();
        const l = await this.listAll(resource);
        this.log.info(`${resource}: listed ${l.items.length} in ${Date.now() - t0} ms (resourceVersion ${l.metadata.resourceVersion ?? '?'})`);
        h.onList(resource, l.items);
        return l as never;
      } finally {
        setImmediate(() => { listing = false; });
      }
    });
    informer.on('add', (o) => !listing && h.onEvent(resource, 'ADDED', o));
    informer.on('update', (o) => !listing && h.onEvent(resource, 'MODIFIED', o));
    informer.on('delete', (o) => !listing && h.onEvent(resource, 'DELETED', o));
    const onFailure = (e: unknown): void => {
      failedSinceStart = true;
      if (stopped) return;
      const error = classifyError(e, `list/watch ${resource}`);
      const retryInMs = backoffMs(attempt++, this.backoffBase);
      this.log.warn(`${resource} watch failed (${error.kind}): ${error.message}; retrying in ${retryInMs} ms`);
      h.onState(resource, { state: 'error', error, retryInMs });
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => start(), retryInMs);
    };
    informer.on('error', onFailure);
    const start = (): void => {
      if (stopped || this.disposed) return;
      h.onState(resource, { state: 'connecting' });
      failedSinceStart = false;
      informer.start().then(() => {
        if (stopped || failedSinceStart) return;
        if (attempt > 0) this.log.info(`${resource} watch recovered`);
        attempt = 0;
        h.onState(resource, { state: 'connected' });
      }, onFailure);
    };
    start();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      void informer.stop().catch(() => undefined);
    };
  }

  async configDump(namespace: string, pod: string): Promise<Outcome<ConfigDumpFetch, { via: DumpPath; error: ClusterError }[]>> {
    const failed: { via: DumpPath; error: ClusterError }[] = [];
    const paths: [DumpPath, () => Promise<string>][] = [
      ['port-forward', () => this.dumpByPortForward(namespace, pod)],
      ['exec', () => this.dumpByExec(namespace, pod)],
      ['istiod', () => this.istiodGet(`/debug/config_dump?proxyID=${encodeURIComponent(`${pod}.${namespace}`)}`)],
    ];
    const permission: Record<DumpPath, string> = { 'port-forward': 'create pods/portforward', exec: 'create pods/exec', istiod: 'get services/proxy' };
    for (const [via, fetch] of paths) {
      try {
        const text = await fetch();
        return { ok: true, value: { text, via, failed } };
      } catch (e) {
        const error = classifyError(e, permission[via]);
        if (error.kind === 'forbidden') error.permission = permission[via];
        this.log.warn(`config_dump of ${namespace}/${pod} via ${via} failed (${error.kind}): ${error.message}`);
        failed.push({ via, error });
      }
    }
    return { ok: false, error: failed };
  }

  private withTimeout<T>(p: Promise<T>, what: string, cleanup?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        cleanup?.();
        reject(Object.assign(new Error(`${what} timed out`), { name: 'TimeoutError' }));
      }, this.timeoutMs);
      p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e); });
    });
  }

  /** What istioctl does: forward to Envoy's admin port 15000 and GET /config_dump. */
  private async dumpByPortForward(namespace: string, pod: string): Promise<string> {
    const chunks: Buffer[] = [];
    const errs: Buffer[] = [];
    const out = new Writable({ write: (c: Buffer, _e, cb) => { chunks.push(Buffer.from(c)); cb(); } });
    const err = new Writable({ write: (c: Buffer, _e, cb) => { errs.push(Buffer.from(c)); cb(); } });
    const input = new PassThrough();
    const ws = await this.withTimeout(new PortForward(this.kc).portForward(namespace, pod, [15000], out, err, input), 'port-forward');
    const socket = typeof ws === 'function' ? ws() : ws;
    if (!socket) throw new Error('port-forward: no connection');
    const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
    input.write('GET /config_dump HTTP/1.1\r\nHost: localhost:15000\r\nConnection: close\r\n\r\n');
    await this.withTimeout(closed, 'port-forward', () => socket.close());
    const errText = Buffer.concat(errs).toString().trim();
    if (errText) throw new Error(`port-forward: ${errText}`);
    return parseHttpResponse(Buffer.concat(chunks));
  }

  private async dumpByExec(namespace: string, pod: string): Promise<string> {
    const chunks: Buffer[] = [];
    const out = new Writable({ write: (c: Buffer, _e, cb) => { chunks.push(Buffer.from(c)); cb(); } });
    const errs: Buffer[] = [];
    const err = new Writable({ write: (c: Buffer, _e, cb) => { errs.push(Buffer.from(c)); cb(); } });
    let status: { status?: string; message?: string } = {};
    const ws = await this.withTimeout(new Exec(this.kc).exec(namespace, pod, 'istio-proxy', ['pilot-agent', 'request', 'GET', 'config_dump'], out, err, null, false, (s) => { status = s; }), 'exec');
    await this.withTimeout(new Promise<void>((resolve) => ws.addEventListener('close', () => resolve())), 'exec', () => ws.close());
    if (status.status !== 'Success') throw new Error(`exec: ${status.message ?? 'failed'}${errs.length ? `: ${Buffer.concat(errs).toString().trim()}` : ''}`);
    return Buffer.concat(chunks).toString();
  }

  /** A raw GET through the API server's service proxy to istiod's monitoring port (client-node's generated proxy call
   * would URL-encode the query). Authentication comes from the kubeconfig through client-node. */
  private async istiodGet(pathAndQuery: string): Promise<string> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) throw new Error('no current cluster');
    const url = new URL(`${server.replace(/\/$/, '')}/api/v1/namespaces/${this.istioNs}/services/http:istiod:15014/proxy${pathAndQuery}`);
    const opts: https.RequestOptions = { method: 'GET', headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    return this.withTimeout(new Promise<string>((resolve, reject) => {
      const req = https.request(url, opts, (res) => {
        const body: Buffer[] = [];
        res.on('data', (c: Buffer) => body.push(c));
        res.on('end', () => {
          const text = Buffer.concat(body).toString();
          if (res.statusCode === 200) resolve(text);
          else reject(Object.assign(new Error(`istiod proxy: HTTP ${res.statusCode}`), { code: res.statusCode, body: text }));
        });
      });
      req.on('error', reject);
      req.end();
    }), 'istiod request');
  }

  async syncz(): Promise<Outcome<ProxySync[], ClusterError>> {
    try {
      return { ok: true, value: parseSyncz(JSON.parse(await this.istiodGet('/debug/syncz'))) };
    } catch (e) {
      return { ok: false, error: classifyError(e, 'get services/proxy') };
    }
  }

  async getObject(apiPath: string): Promise<Outcome<unknown, ClusterError>> {
    return this.request('GET', apiPath);
  }

  async dryRunCreate(apiPath: string, body: unknown): Promise<Outcome<unknown, ClusterError>> {
    const url = new URL(apiPath, 'https://x');
    if (url.searchParams.get('dryRun') !== 'All') return { ok: false, error: { kind: 'other', message: `refusing a create without dryRun=All: ${apiPath}` } };
    return this.request('POST', apiPath, JSON.stringify(body));
  }

  /** One API call as raw JSON (client-node's typed models would drop fields they do not know). Authentication comes
   * from the kubeconfig through client-node. */
  private async request(method: 'GET' | 'POST', apiPath: string, body?: string): Promise<Outcome<unknown, ClusterError>> {
    const server = this.kc.getCurrentCluster()?.server;
    if (!server) return { ok: false, error: { kind: 'other', message: 'no current cluster' } };
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (body !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    const opts: https.RequestOptions = { method, headers };
    await this.kc.applyToHTTPSOptions(opts);
    try {
      const text = await this.withTimeout(new Promise<string>((resolve, reject) => {
        const req = https.request(new URL(`${server.replace(/\/$/, '')}${apiPath}`), opts, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const t = Buffer.concat(chunks).toString();
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300) resolve(t);
            else reject(Object.assign(new Error(`HTTP ${code}`), { code, body: t }));
          });
        }).on('error', reject);
        req.end(body);
      }), method === 'GET' ? 'get' : 'create');
      return { ok: true, value: JSON.parse(text) };
    } catch (e) {
      return { ok: false, error: classifyError(e) };
    }
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** The body of an HTTP/1.1 response (content-length or chunked). */
export function parseHttpResponse(raw: Buffer): string {
  const sep = raw.indexOf('\r\n\r\n');
  if (sep < 0) throw new Error('admin port: no HTTP response');
  const head = raw.subarray(0, sep).toString();
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  let body = raw.subarray(sep + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    const parts: Buffer[] = [];
    let i = 0;
    for (;;) {
      const nl = body.indexOf('\r\n', i);
      if (nl < 0) break;
      const size = parseInt(body.subarray(i, nl).toString(), 16);
      if (!size) break;
      parts.push(body.subarray(nl + 2, nl + 2 + size));
      i = nl + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  if (status !== 200) throw new Error(`admin port: HTTP ${status}`);
  return body.toString();
}
