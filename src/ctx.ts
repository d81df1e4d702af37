// Ctx owns two lifetimes: the extension's (views, commands, settings listeners) and the language client's.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createClient } from './client';
import { CLUSTER_SETTINGS, Config, RESTART_SERVER_SETTINGS } from './config';
import { LazyLogChannel, Log } from './log';
import { ResourceStatus } from './status';
import { MeshTreeProvider } from './views/meshTree';
import { RouteTablesProvider } from './views/routeTables';

export class Ctx {
  readonly config = new Config();
  readonly log = new Log();
  readonly meshTree: MeshTreeProvider;
  readonly routeTables: RouteTablesProvider;
  private readonly serverOut = new LazyLogChannel('Istio Workbench Language Server');
  private readonly trace = new LazyLogChannel('Istio Workbench LSP Trace');
  private readonly clientCleanup: vscode.Disposable[] = [];
  private _client: LanguageClient | undefined;
  readonly status: ResourceStatus;
  private readonly clientStarted = new vscode.EventEmitter<LanguageClient>();
  /** Fires after each start of the language client (handlers of server notifications attach here). */
  readonly onDidStartClient = this.clientStarted.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.meshTree = new MeshTreeProvider(this.config, this.log);
    this.routeTables = new RouteTablesProvider(this.log);
    this.status = new ResourceStatus(() => this._client);
    this.pushExtCleanup(this.log, this.serverOut, this.trace, this.meshTree, this.routeTables, this.status, this.clientStarted);
    this.pushExtCleanup(
      vscode.window.registerTreeDataProvider('istioWorkbench.meshTree', this.meshTree),
      vscode.window.registerTreeDataProvider('istioWorkbench.routeTables', this.routeTables),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigChange(e)),
      this.meshTree.onDidChangeSession((s) => this.routeTables.setSession(s)),
      { dispose: () => void this.stopClient() },
    );
  }

  get client(): LanguageClient | undefined {
    return this._client;
  }

  pushExtCleanup(...d: vscode.Disposable[]): void {
    this.extension.subscriptions.push(...d);
  }

  pushClientCleanup(...d: vscode.Disposable[]): void {
    this.clientCleanup.push(...d);
  }

  async startClient(): Promise<void> {
    const client = createClient(this.extension, this.config, this.serverOut, this.trace);
    this._client = client;
    this.pushClientCleanup(client.onDidChangeState((e) => this.log.info(`language server state: ${e.oldState} -> ${e.newState}`)));
    const t0 = Date.now();
    await client.start();
    this.log.info(`language server started in ${Date.now() - t0} ms (${client.initializeResult?.serverInfo?.name} ${client.initializeResult?.serverInfo?.version})`);
    void this.status.update();
    this.clientStarted.fire(client);
  }

  async stopClient(): Promise<void> {
    const client = this._client;
    this._client = undefined;
    for (const d of this.clientCleanup.splice(0)) d.dispose();
    if (client?.isRunning()) await client.stop();
    await client?.dispose();
  }

  async restartClient(): Promise<void> {
    this.log.info('restarting the language server');
    await this.stopClient();
    await this.startClient();
  }

  private onConfigChange(e: vscode.ConfigurationChangeEvent): void {
    if (RESTART_SERVER_SETTINGS.some((s) => e.affectsConfiguration(s))) {
      void this.restartClient().catch((err: unknown) => this.log.error('language server restart failed', err));
    }
    if (CLUSTER_SETTINGS.some((s) => e.affectsConfiguration(s))) this.meshTree.reconnect();
  }
}
