// `istioWorkbench.schemas.fromCluster`: lists the cluster's CRDs and sends them to the language server, which validates,
// completes and hovers custom resources with them. The cluster is the Mesh view's connected context, else the chosen or
// current context of the kubeconfig. Sent again when the context, the settings or the server change, and on Refresh
// (which reconnects); an empty setting or a failure forgets them. The listing is src/cluster/crds.ts.
import * as vscode from 'vscode';
import { ClusterCrdsNotification, type ClusterCrdsParams } from '../server/src/protocol';
import { listCustomResourceDefinitions } from './cluster/crds';
import { clusterTarget } from './clusterTarget';
import { SECTION } from './config';
import type { Ctx } from './ctx';

const DEBOUNCE_MS = 300;

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
    const target = this.enabled ? clusterTarget(this.ctx) : null;
    if (!target || 'error' in target) {
      // No context at all is not a failure: there is simply no cluster to read.
      if (target && !target.noContext) this.ctx.log.warn(`schemas from the cluster: ${target.error}`);
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
