// A minimal LSP client over stdio for protocol tests: spawns the real bundled server (`node dist/server.js --stdio`).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
  PublishDiagnosticsNotification, LogMessageNotification, ConfigurationRequest, RegistrationRequest, ShutdownRequest, ExitNotification,
  type ProtocolConnection, type ClientCapabilities, type ConfigurationItem, type PublishDiagnosticsParams, type InitializeResult,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '../../..');

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: { pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  settings: Record<string, unknown> = {};
  configurationRequests = 0;
  /** Every item of every workspace/configuration request, in order. */
  readonly configurationItems: ConfigurationItem[] = [];
  /** The value answered for one configuration item (default: `settings`, whatever the scope). */
  settingsFor: ((item: ConfigurationItem) => unknown) | undefined;
  /** Delay before answering workspace/configuration (a real client's round trip). */
  configurationDelayMs = 0;
  stderr = '';
  /** Every window/logMessage text, in order. */
  readonly logs: string[] = [];

  constructor(env?: NodeJS.ProcessEnv) {
    this.proc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      for (const w of [...this.waiters]) {
        if (w.pred(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.conn.onRequest(ConfigurationRequest.type, async (params) => {
      this.configurationRequests++;
      this.configurationItems.push(...params.items);
      if (this.configurationDelayMs) await new Promise((r) => setTimeout(r, this.configurationDelayMs));
      return params.items.map((item) => (this.settingsFor ? this.settingsFor(item) : this.settings));
    });
    this.conn.onRequest(RegistrationRequest.type, () => undefined);
    this.conn.onNotification(LogMessageNotification.type, (p) => this.logs.push(p.message));
    this.conn.listen();
  }

  initialize(capabilities: ClientCapabilities): Promise<InitializeResult> {
    return this.conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities, workspaceFolders: null }).then(async (r) => {
      await this.conn.sendNotification(InitializedNotification.type, {});
      return r;
    });
  }

  /** Resolves with the next publishDiagnostics (already received or future) that matches. */
  waitForDiagnostics(pred: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 10000): Promise<PublishDiagnosticsParams> {
    const hit = this.published.find(pred);
    if (hit) {
      this.published.splice(this.published.indexOf(hit), 1);
      return Promise.resolve(hit);
    }
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching publishDiagnostics within ${timeoutMs} ms; got ${JSON.stringify(this.published).slice(0, 500)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (p) => { clearTimeout(t); resolve(p); } });
    });
  }

  /** shutdown + exit; the process must be gone within 10 s (a hung server fails the test instead of hanging it). */
  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => this.proc.once('exit', (code) => r(code)));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => { this.proc.kill('SIGKILL'); reject(new Error(`the server did not exit within 10 s; stderr: ${this.stderr.slice(0, 500)}`)); }, 10000);
    });
    try {
      await Promise.race([this.conn.sendRequest(ShutdownRequest.type), deadline]);
      await this.conn.sendNotification(ExitNotification.type);
      return await Promise.race([exited, deadline]);
    } finally {
      clearTimeout(timer);
      this.conn.dispose();
    }
  }
}
