// Sidecar injection and the live cluster: (1) with `istioWorkbench.injection.source: cluster`, reads the context's
// injector and mesh ConfigMaps and sends them to the language server (again when the context, the settings or the
// server change); (2) "Preview Injection by the Cluster's Webhook": a server-side dry run of the Pod a workload would
// create, shown as a diff (sent vs returned). The cluster logic is src/cluster/injection.ts.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClusterInjectionConfigNotification, InjectionConfigChangedNotification, WorkloadPodRequest } from '../server/src/protocol';
import { dryRunPod, podYaml, readInjectionConfigMaps } from './cluster/injection';
import { clusterTarget } from './clusterTarget';
import type { Ctx } from './ctx';
import { workloadTarget } from './injection';

const DRY_RUN_SCHEME = 'istio-dryrun';
const DEBOUNCE_MS = 300;

/** Keeps the language server supplied with the cluster's injection ConfigMaps while the source is "cluster". */
class ClusterInjectionSource implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  /** The revision a pending server was last answered for (guards against asking in circles). */
  private answered: string | undefined;

  constructor(private readonly ctx: Ctx, private readonly refreshPreviews: () => void) {}

  attach(client: LanguageClient): void {
    this.answered = undefined;
    this.ctx.pushClientCleanup(client.onNotification(InjectionConfigChangedNotification, (p) => {
      this.refreshPreviews();
      // A (re)started server with source "cluster" waits for the ConfigMaps: answer once per revision asked for.
      if (p.requested === 'cluster' && p.pending && this.answered !== `${p.revision}`) {
        this.answered = p.revision;
        this.schedule(0, false);
      }
    }));
    // Also unasked, in case the server's first notification came before this handler.
    if (this.ctx.config.injection.source === 'cluster') this.schedule(0, false);
  }

  schedule(ms = DEBOUNCE_MS, reset = true): void {
    if (reset) this.answered = undefined;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.send(), ms);
  }

  private async send(): Promise<void> {
    const settings = this.ctx.config.injection;
    if (settings.source !== 'cluster') return;
    const seq = ++this.seq;
    const revision = settings.revision === 'default' ? '' : settings.revision;
    const target = clusterTarget(this.ctx);
    let data;
    if ('error' in target) {
      data = { context: '', namespace: settings.istioNamespace, revision, error: target.error };
    } else {
      try {
        data = await readInjectionConfigMaps(target.reader, { context: target.context, revision, istioNamespace: settings.istioNamespace });
      } finally {
        target.dispose();
      }
    }
    if (seq !== this.seq) return;
    if (data.error) this.ctx.log.warn(`injection configuration from the cluster: ${data.error}`);
    else this.ctx.log.info(`injection configuration from context ${data.context}: ConfigMaps in ${data.namespace}${revision ? ` (revision ${revision})` : ''}`);
    const client = this.ctx.client;
    if (client?.isRunning()) await client.sendNotification(ClusterInjectionConfigNotification, data);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.seq++;
  }
}

/** Texts of the dry-run diffs, by uri (the last few). */
class DryRunDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private n = 0;

  add(name: string, sent: string, returned: string): [vscode.Uri, vscode.Uri] {
    const id = ++this.n;
    const uri = (side: string) => vscode.Uri.from({ scheme: DRY_RUN_SCHEME, path: `/${name}.${side}.yaml`, query: `${id}` });
    const pair: [vscode.Uri, vscode.Uri] = [uri('pod'), uri('webhook')];
    this.texts.set(pair[0].toString(), sent);
    this.texts.set(pair[1].toString(), returned);
    while (this.texts.size > 40) this.texts.delete(this.texts.keys().next().value as string);
    return pair;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# Istio Workbench: this dry-run result is no longer available; run the command again\n';
  }
}

const dryRunDocs = new DryRunDocuments();

/** istioWorkbench.previewInjectionByWebhook(uri?, documentIndex?): what the cluster's admission webhooks make of the
 * workload's Pod, by a server-side dry run (dryRun=All: nothing is created, so a trusted workspace is not needed). */
export const previewInjectionByWebhook = (ctx: Ctx) => async (uriArg?: unknown, indexArg?: unknown): Promise<{ sent: unknown; returned: unknown } | undefined> => {
  const { source, index } = await workloadTarget(uriArg, indexArg);
  if (!source || index === undefined) {
    void vscode.window.showInformationMessage('Put the cursor in a workload (Deployment, Pod, ...) of a YAML file to ask the cluster\'s webhook what it would inject.');
    return undefined;
  }
  const client = ctx.client;
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('Istio Workbench: the language server is not running (Istio: Restart Language Server).');
    return undefined;
  }
  const w = await client.sendRequest(WorkloadPodRequest, { uri: source.toString(), documentIndex: index });
  if (!w || 'error' in w) {
    void vscode.window.showWarningMessage(`Istio Workbench: ${w ? w.error : 'open the file to ask the cluster\'s webhook'}`);
    return undefined;
  }
  const target = clusterTarget(ctx);
  if ('error' in target) {
    const pick = await vscode.window.showWarningMessage(`Istio Workbench: ${target.error}.`, 'Choose Context');
    if (pick) await vscode.commands.executeCommand('istioWorkbench.chooseContext');
    return undefined;
  }
  const namespace = w.namespace ?? target.defaultNamespace;
  ctx.log.info(`webhook dry run of ${w.kind} ${w.name}: POST /api/v1/namespaces/${namespace}/pods?dryRun=All (context ${target.context})`);
  let r;
  try {
    r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Asking ${target.context}'s webhooks (dry run)…` },
      () => dryRunPod(target.reader, namespace, w.pod),
    );
  } finally {
    target.dispose();
  }
  if (!r.ok) {
    ctx.log.warn(`webhook dry run of ${w.kind} ${w.name} failed (${r.error.kind}): ${r.error.message}`);
    const perm = r.error.kind === 'forbidden' ? ' (a dry run needs RBAC "create pods")' : '';
    void vscode.window.showErrorMessage(`Istio Workbench: the API server refused the dry run of ${w.kind} ${w.name}: ${r.error.message}${perm}`);
    return undefined;
  }
  const [left, right] = dryRunDocs.add(`${w.name || 'pod'}`, podYaml(r.value.sent), podYaml(r.value.returned));
  await vscode.commands.executeCommand('vscode.diff', left, right, `${w.kind} ${w.name}: Pod ↔ after ${target.context}'s webhooks (dry run)`, { preview: true });
  return { sent: r.value.sent, returned: r.value.returned };
};

export function registerClusterInjection(ctx: Ctx, refreshPreviews: () => void): void {
  const source = new ClusterInjectionSource(ctx, refreshPreviews);
  ctx.pushExtCleanup(
    source,
    vscode.workspace.registerTextDocumentContentProvider(DRY_RUN_SCHEME, dryRunDocs),
    ctx.onDidStartClient((client) => source.attach(client)),
    ctx.meshTree.onDidChangeSession(() => source.schedule()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['injection', 'context', 'kubeconfig'].some((k) => e.affectsConfiguration(`istioWorkbench.${k}`))) source.schedule();
    }),
  );
}
