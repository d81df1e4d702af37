// `istioWorkbench.schemas.fromCluster`: lists the cluster's CRDs and sends them to the language server, which validates,
// completes and hovers custom resources with them. The cluster is the Mesh view's connected context, else the chosen or
// current context of the kubeconfig. Sent again when the context, the settings or the server change, and on Refresh
// (which reconnects); an empty setting or a failure forgets them. The listing is src/cluster/crds.ts.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { ClusterCrdsNotification, type ClusterCrdsParams } from '../server/src/protocol';
import { listCustomResourceDefinitions } from './cluster/crds';
import { kubeconfigPaths } from './cluster/kubeconfig';
import { KubeClusterReader, loadKubeConfig } from './cluster/kubeReader';
import type { ClusterReader } from './cluster/reader';
import { SECTION } from './config';
import type { Ctx } from './ctx';

const DEBOUNCE_MS = 300;

/** The Mesh view's reader for its connected context, else a reader of its own for the chosen or current context. */
function readerFor(ctx: Ctx): { context: string; reader: ClusterReader; dispose(): void } | { error: string } | null {
  const session = ctx.meshTree.current;
  if (session) return { context: session.context, reader: session.reader, dispose: () => undefined };
  const kc = ctx.meshTree.readKubeconfig();
  if (!kc.ok) return { error: `cannot read the kubeconfig: ${kc.error}` };
  const name = ctx.config.context || kc.value.currentContext;
  if (!name) return null;
  try {
    const files = kubeconfigPaths(ctx.config.kubeconfig, process.env, os.homedir(), process.platform === 'win32' ? ';' : ':');
    const reader = new KubeClusterReader(loadKubeConfig(files, name), ctx.log);
    return { context: name, reader, dispose: () => reader.dispose() };
  } catch (e) {
    return { error: `cannot use context ${name}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

class ClusterSchemaSource implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** What the server was last sent (null: nothing to forget). */
  private last: ClusterCrdsParams | null = null;

  constructor(private readonly ctx: Ctx) {}

  private get enabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('schemas.fromCluster', false);
  }

  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), DEBOUNCE_MS);
  }

  private async update(): Promise<void> {
    const seq = ++this.seq;
    const target = this.enabled ? readerFor(this.ctx) : null;
    if (!target || 'error' in target) {
      if (target) this.ctx.log.warn(`schemas from the cluster: ${target.error}`);
      if (seq === this.seq && this.last) await this.send(null);
      return;
    }
    const t0 = Date.now();
    let r;
    try {
      r = await listCustomResourceDefinitions(target.reader);
    } finally {
      target.dispose();
    }
    if (seq !== this.seq) return;
    if (!r.ok) {
      const perm = r.error.permission ? ` (needs RBAC "${r.error.permission}")` : '';
      this.ctx.log.warn(`schemas from context ${target.context}: cannot list CRDs: ${r.error.message}${perm}`);
      if (this.last) await this.send(null);
      return;
    }
    this.ctx.log.info(`schemas from context ${target.context}: ${r.value.crds.length} CRDs in ${r.value.pages} page(s), ${Date.now() - t0} ms`);
    await this.send({ context: target.context, crds: r.value.crds });
  }

  private async send(p: ClusterCrdsParams | null): Promise<void> {
    this.last = p;
    const client = this.ctx.client;
    if (client?.isRunning()) await client.sendNotification(ClusterCrdsNotification, p);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.seq++;
  }
}

export function registerClusterSchemas(ctx: Ctx): void {
  const source = new ClusterSchemaSource(ctx);
  ctx.pushExtCleanup(
    source,
    // A (re)started server knows nothing of the cluster: list again.
    ctx.onDidStartClient(() => source.schedule()),
    ctx.meshTree.onDidChangeSession(() => source.schedule()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['schemas.fromCluster', 'context', 'kubeconfig'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) source.schedule();
    }),
  );
}
