// Typed access to the istioWorkbench.* settings.
import * as vscode from 'vscode';

export const SECTION = 'istioWorkbench';

/** Settings that only take effect when the language server restarts. */
export const RESTART_SERVER_SETTINGS = [`${SECTION}.server.extraEnv`];

/** Settings that change what the mesh views show. */
export const CLUSTER_SETTINGS = [`${SECTION}.kubeconfig`, `${SECTION}.context`];

export class Config {
  private get cfg(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get kubeconfig(): string {
    return this.cfg.get<string>('kubeconfig', '');
  }

  get context(): string {
    return this.cfg.get<string>('context', '');
  }

  async setContext(name: string): Promise<void> {
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await this.cfg.update('context', name, target);
  }

  /** istioWorkbench.injection.*: what the cluster source reads (the server reads the rest itself). */
  get injection(): { source: string; revision: string; istioNamespace: string } {
    // The server reads these for the first workspace folder: so does the client.
    const c = vscode.workspace.getConfiguration(SECTION, vscode.workspace.workspaceFolders?.[0]?.uri);
    return { source: c.get<string>('injection.source', 'bundled'), revision: c.get<string>('injection.revision', '').trim(), istioNamespace: c.get<string>('injection.istioNamespace', '').trim() };
  }

  get serverExtraEnv(): Record<string, string> {
    const raw = this.cfg.get<Record<string, unknown>>('server.extraEnv', {});
    return Object.fromEntries(Object.entries(raw ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
}
