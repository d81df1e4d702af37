// One connected context (pure: no vscode): a ClusterReader feeding the MeshModel, the connection state per resource,
// and istiod's sync state. Views subscribe to onChange (called once per event; views batch their redraws).
import { MeshModel } from './model';
import type { ClusterReader, ConnectionState, ProxySync } from './reader';

export class ClusterSession {
  readonly model = new MeshModel();
  readonly states: Record<'namespaces' | 'pods', ConnectionState> = { namespaces: { state: 'connecting' }, pods: { state: 'connecting' } };
  sync = new Map<string, ProxySync>();
  syncError: string | null = null;
  private watch: { dispose(): void } | undefined;
  private listeners: (() => void)[] = [];

  constructor(readonly context: string, readonly reader: ClusterReader) {}

  onChange(cb: () => void): void {
    this.listeners.push(cb);
  }

  private changed(): void {
    for (const cb of this.listeners) cb();
  }

  start(): void {
    this.watch = this.reader.watch({
      onList: (r, items) => {
        if (r === 'pods') this.model.reset(null, items as never[]);
        else this.model.reset(items as never[], null);
        this.changed();
      },
      onEvent: (r, type, o) => {
        if (r === 'pods') this.model.applyPod(type, o as never);
        else this.model.applyNamespace(type, o as never);
        this.changed();
      },
      onState: (r, s) => {
        const wasConnected = this.connected;
        this.states[r] = s;
        if (!wasConnected && this.connected) void this.refreshSync();
        this.changed();
      },
    });
  }

  get connected(): boolean {
    return this.states.pods.state === 'connected' && this.states.namespaces.state === 'connected';
  }

  /** The first problem to show, if any. */
  get problem(): ConnectionState | null {
    for (const s of [this.states.pods, this.states.namespaces]) if (s.state === 'error') return s;
    return null;
  }

  async refreshSync(): Promise<void> {
    const r = await this.reader.syncz();
    if (r.ok) {
      this.sync = new Map(r.value.map((s) => [s.proxy, s]));
      this.syncError = null;
    } else {
      this.syncError = r.error.message;
    }
    this.changed();
  }

  dispose(): void {
    this.watch?.dispose();
    this.reader.dispose();
    this.listeners = [];
  }
}
