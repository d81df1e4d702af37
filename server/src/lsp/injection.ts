// Sidecar injection in the editor: the "Preview sidecar injection" CodeLens, the preview request behind the diff
// editor, and the injection code actions (enable, inline, remove, re-inject). The logic is server/src/inject/actions.ts.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind, MessageType, ShowMessageNotification, type CancellationToken, type CodeAction, type CodeActionParams, type CodeLens, type Connection, type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Result } from '../core/types';
import type { InjectionConfig } from '../inject';
import { injectionActions, injectionPreview, workloadOf, workloadsOf, type InjectionActionKind } from '../inject/actions';
import { podForDryRun } from '../inject/dryRun';
import type { InjectionHoverSource } from '../inject/hover';
import {
  DEFAULT_INJECTION_SOURCE, MAX_CONFIG_FILE_BYTES, selectInjectionConfig, toInjectionSourceSettings, type ClusterInjectionData,
  type InjectionSourceSettings, type SelectedInjectionConfig,
} from '../inject/sources';
import {
  ClusterInjectionConfigNotification, InjectionConfigChangedNotification, InjectionPreviewRequest, PREVIEW_INJECTION_COMMAND, SETTINGS_SECTION,
  WorkloadPodRequest, type InjectionPreviewResult, type WorkloadPodResult,
} from '../protocol';
import type { ParseCache } from '../yaml/cache';

/** How often the configuration files named by the settings are checked for changes (fs.watchFile polling). */
const FILE_POLL_MS = 1000;

/** Reads a configuration file named by a setting: errors are values, huge files and directories are refused. */
function readConfigFile(file: string): Result<string> {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { ok: false, error: `${file} is not a file` };
    if (st.size > MAX_CONFIG_FILE_BYTES) return { ok: false, error: `${file} is too large (${st.size} bytes)` };
    return { ok: true, value: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    return { ok: false, error: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Code action kinds of the injection actions (advertised in server.ts). */
export const INJECTION_ACTION_KINDS = [CodeActionKind.RefactorRewrite, CodeActionKind.QuickFix];

const KIND: Record<InjectionActionKind, string> = {
  enable: CodeActionKind.RefactorRewrite,
  enableNamespace: CodeActionKind.RefactorRewrite,
  inline: CodeActionKind.RefactorRewrite,
  remove: CodeActionKind.RefactorRewrite,
  // A sidecar from another Istio version is a problem to fix.
  reinject: CodeActionKind.QuickFix,
};

function wanted(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((k) => k === CodeActionKind.Empty || kind === k || kind.startsWith(`${k}.`));
}

export class InjectionHandler {
  private selected: SelectedInjectionConfig | undefined;
  private settings: InjectionSourceSettings = DEFAULT_INJECTION_SOURCE;
  private cluster: ClusterInjectionData | undefined;
  private folderUri: string | undefined;
  private folder: string | undefined;
  /** Watched configuration files -> their listener. */
  private readonly watched = new Map<string, (cur: fs.Stats, prev: fs.Stats) => void>();
  private fileTimer: NodeJS.Timeout | undefined;
  private lastShownError: string | undefined;
  private epoch = 0;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
    private readonly clientHasConfiguration = false,
  ) {}

  /** The injection configuration the settings select (bundled until they are read), loaded on first use. */
  private cfg(): InjectionConfig {
    return this.current().config;
  }

  current(): SelectedInjectionConfig {
    this.selected ??= this.select();
    return this.selected;
  }

  /** For the hover: the injector's policy and selectors, and where the configuration came from. */
  hoverSource(): InjectionHoverSource {
    const s = this.current();
    return { injector: s.config.injector, description: s.description };
  }

  registerHandlers(): void {
    this.connection.onCodeLens((params) => this.codeLenses(params.textDocument.uri));
    this.connection.onRequest(InjectionPreviewRequest, (params, token) => this.preview(params.uri, params.documentIndex, token));
    this.connection.onRequest(WorkloadPodRequest, (params) => this.workloadPod(params.uri, params.documentIndex));
    this.connection.onNotification(ClusterInjectionConfigNotification, (data) => this.setClusterData(data));
  }

  /** Reads the settings of the first workspace folder (call once the client is initialized). */
  async start(folderUris: readonly string[]): Promise<void> {
    this.folderUri = folderUris[0];
    try {
      this.folder = this.folderUri ? fileURLToPath(this.folderUri) : undefined;
    } catch {
      this.folder = undefined;
    }
    await this.configurationChanged(undefined, true);
  }

  /** Settings changed: re-read `istioWorkbench.injection.*` (pulled, or pushed by clients without workspace/configuration). */
  async configurationChanged(pushed?: unknown, force = false): Promise<void> {
    const epoch = ++this.epoch;
    let section: unknown = pushed && typeof pushed === 'object' ? (pushed as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
    if (this.clientHasConfiguration) {
      try {
        section = await this.connection.workspace.getConfiguration({ scopeUri: this.folderUri, section: SETTINGS_SECTION });
      } catch {
        section = undefined;
      }
    }
    if (epoch !== this.epoch) return;
    const next = toInjectionSourceSettings(section);
    const same = JSON.stringify(next) === JSON.stringify(this.settings);
    this.settings = next;
    // Unchanged settings keep what is loaded; the defaults at startup load lazily, on first use.
    if (same && (!force || !this.selected)) return;
    this.reload();
  }

  /** The cluster's ConfigMaps (or null: forget them), from the extension. */
  setClusterData(data: ClusterInjectionData | null): void {
    this.cluster = data ?? undefined;
    if (this.settings.source === 'cluster') this.reload();
  }

  private select(): SelectedInjectionConfig {
    return selectInjectionConfig(this.settings, { folder: this.folder, read: readConfigFile, cluster: this.cluster });
  }

  /** Loads the configuration again, says what changed, and tells the client (open previews re-render). */
  private reload(): void {
    const next = this.select();
    this.selected = next;
    this.watch(next.files);
    this.connection.console.info(`sidecar injection configuration: ${next.description}`);
    for (const n of next.notes) this.connection.console.info(`sidecar injection configuration: ${n}`);
    if (next.error) {
      this.connection.console.warn(next.error);
      // A notification (not window/showMessageRequest): nothing to answer, and every client can show it.
      if (next.error !== this.lastShownError) void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Istio Workbench: ${next.error}` });
    }
    this.lastShownError = next.error;
    void this.connection.sendNotification(InjectionConfigChangedNotification, {
      kind: next.kind, requested: this.settings.source, description: next.description, error: next.error, revision: this.settings.revision, pending: next.pending,
    });
  }

  /** Polls the configuration files (also ones that do not exist yet); a change reloads once, debounced. */
  private watch(files: string[]): void {
    const want = new Set(files);
    for (const [f, l] of this.watched) {
      if (!want.has(f)) {
        fs.unwatchFile(f, l);
        this.watched.delete(f);
      }
    }
    for (const f of want) {
      if (this.watched.has(f)) continue;
      const listener = (cur: fs.Stats, prev: fs.Stats): void => {
        if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size && cur.ino === prev.ino) return;
        clearTimeout(this.fileTimer);
        this.fileTimer = setTimeout(() => this.reload(), 100);
      };
      try {
        fs.watchFile(f, { interval: FILE_POLL_MS, persistent: false }, listener);
        this.watched.set(f, listener);
      } catch (e) {
        this.connection.console.warn(`cannot watch ${f}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Stops polling the configuration files. */
  dispose(): void {
    clearTimeout(this.fileTimer);
    for (const [f, l] of this.watched) fs.unwatchFile(f, l);
    this.watched.clear();
  }

  /** The Pod the workload's controller would create, for the cluster webhook's dry run. */
  workloadPod(uri: string, index: number): WorkloadPodResult | null {
    const doc = this.documents.get(uri);
    if (!doc) return null;
    const parsed = this.cache.get(uri, doc.version, doc.getText());
    const w = workloadOf(parsed, index);
    if (!w) return { error: `document ${index + 1} is not a workload Istio injects (Pod, Deployment, StatefulSet, ...) or has YAML errors` };
    const r = podForDryRun(w.value);
    return r.ok ? r.value : { error: r.error };
  }

  /** One lens per injectable workload, on the document's first line. Cheap: no injection runs here. */
  codeLenses(uri: string): CodeLens[] {
    const doc = this.documents.get(uri);
    if (!doc) return [];
    const parsed = this.cache.get(uri, doc.version, doc.getText());
    return workloadsOf(parsed).map((w) => {
      const at = doc.positionAt(w.start);
      const title = w.state === 'none' ? 'Preview sidecar injection' : 'Preview sidecar injection (re-inject)';
      return { range: { start: at, end: at }, command: { title, command: PREVIEW_INJECTION_COMMAND, arguments: [uri, w.index] } };
    });
  }

  preview(uri: string, index: number, token: CancellationToken): InjectionPreviewResult | null {
    const doc = this.documents.get(uri);
    if (!doc || token.isCancellationRequested) return null;
    const parsed = this.cache.get(uri, doc.version, doc.getText());
    try {
      return injectionPreview(parsed.text, parsed, index, this.cfg());
    } catch (e) {
      const msg = `internal error: ${e instanceof Error ? e.message : String(e)}`;
      this.connection.console.error(`injection preview of ${uri}: ${e instanceof Error ? e.stack : String(e)}`);
      return { text: `# Istio Workbench: ${msg}\n${parsed.text}`, error: msg };
    }
  }

  /** The injection actions of the document under the requested range. */
  codeActions(params: CodeActionParams): CodeAction[] {
    const uri = params.textDocument.uri;
    const doc = this.documents.get(uri);
    if (!doc) return [];
    const only = params.context.only;
    if (only && !INJECTION_ACTION_KINDS.some((k) => wanted(k, only))) return [];
    const parsed = this.cache.get(uri, doc.version, doc.getText());
    const off = doc.offsetAt(params.range.start);
    const pd = parsed.docs.find((d) => off >= d.start && off <= d.end);
    if (!pd) return [];
    return injectionActions(parsed.text, parsed, pd.index, this.cfg())
      .filter((a) => wanted(KIND[a.kind], only))
      .map((a) => ({
        title: a.title,
        kind: KIND[a.kind],
        isPreferred: !!a.preferred,
        edit: { changes: { [uri]: a.edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text })) } },
      }));
  }
}
