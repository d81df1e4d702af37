// Benchmark helper: a small LSP client over stdio for any server (ours or yaml-language-server), with timing hooks:
// every publishDiagnostics is stamped on arrival, pull diagnostics are plain requests.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  PublishDiagnosticsNotification, ConfigurationRequest, ShutdownRequest, ExitNotification, DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification, DidChangeConfigurationNotification, DocumentDiagnosticRequest,
  type ProtocolConnection, type ClientCapabilities, type Diagnostic, type Range, type DocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
  at: number;
}

export class BenchClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  /** Every publishDiagnostics since the last reset, in arrival order. */
  published: Published[] = [];
  configRequests = 0;
  /** workspace/diagnostic/refresh requests received (the server's cross-file findings changed). */
  refreshes = 0;
  /** Arrival time of each refresh request, in order. */
  refreshTimes: number[] = [];
  stderr = '';
  private waiters: { pred: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  private events: { kind: 'refresh' | 'config'; resolve: (at: number) => void }[] = [];

  constructor(args: string[], private readonly settingsFor: (section: string | undefined) => unknown, cwd?: string, env?: NodeJS.ProcessEnv) {
    this.proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd, env: env ?? process.env });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const rec: Published = { uri: p.uri, version: p.version, diagnostics: p.diagnostics, at: performance.now() };
      this.published.push(rec);
      for (const w of [...this.waiters]) {
        if (w.pred(rec)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(rec);
        }
      }
    });
    this.conn.onRequest(ConfigurationRequest.type, (params) => {
      this.configRequests++;
      this.fire('config');
      return params.items.map((it) => this.settingsFor(it.section));
    });
    this.conn.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshes++;
      this.refreshTimes.push(performance.now());
      this.fire('refresh');
      return null;
    });
    for (const m of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create', 'window/showMessageRequest',
      'workspace/codeLens/refresh', 'workspace/semanticTokens/refresh', 'workspace/inlayHint/refresh']) {
      this.conn.onRequest(m, () => null);
    }
    for (const m of ['window/logMessage', 'window/showMessage', 'telemetry/event', '$/progress']) this.conn.onNotification(m, () => undefined);
    this.conn.listen();
  }

  async initialize(capabilities: ClientCapabilities, rootUri: string | null, initializationOptions?: unknown): Promise<void> {
    await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri, capabilities, initializationOptions,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
  }

  /** Resolves once the server has handled every message sent before (a request it answers, or rejects, in order). */
  async roundTrip(): Promise<void> {
    try {
      await this.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: 'file:///not-open/bench-probe.yaml' } });
    } catch {
      // an error response is an answer too
    }
  }

  changeConfiguration(settings: unknown): Promise<void> {
    return this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  change(uri: string, version: number, range: Range, text: string): Promise<void> {
    return this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  async pull(uri: string): Promise<Diagnostic[]> {
    const r: DocumentDiagnosticReport = await this.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    return r.kind === 'full' ? r.items : [];
  }

  /** Arrival time of the next workspace/diagnostic/refresh (or workspace/configuration) request from now on. */
  next(kind: 'refresh' | 'config', timeoutMs = 300_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${kind} request within ${timeoutMs} ms; stderr: ${this.stderr.slice(-500)}`)), timeoutMs);
      this.events.push({ kind, resolve: (at) => { clearTimeout(t); resolve(at); } });
    });
  }

  private fire(kind: 'refresh' | 'config'): void {
    const at = performance.now();
    const hit = this.events.filter((e) => e.kind === kind);
    this.events = this.events.filter((e) => e.kind !== kind);
    for (const e of hit) e.resolve(at);
  }

  /** The next publishDiagnostics (already received since the last reset, or future) that matches. */
  waitPublished(pred: (p: Published) => boolean, timeoutMs = 300_000): Promise<Published> {
    const hit = this.published.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching publishDiagnostics within ${timeoutMs} ms; stderr: ${this.stderr.slice(-500)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (p) => { clearTimeout(t); resolve(p); } });
    });
  }

  async shutdown(): Promise<void> {
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    const kill = setTimeout(() => this.proc.kill(), 5000);
    try {
      await this.conn.sendRequest(ShutdownRequest.type);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      this.proc.kill();
    }
    await exited;
    clearTimeout(kill);
    this.conn.dispose();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
