// Per-resource settings, read with workspace/configuration and converted at the edge into core settings.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type AnalysisSettings } from '../analysis/analyzer';
import { toAnalysisSettings } from '../analysis/settings';
import { SETTINGS_SECTION } from '../protocol';

export class SettingsStore {
  private readonly cache = new Map<string, Promise<AnalysisSettings>>();
  /** Documents waiting for their settings while a workspace/configuration request is in flight. */
  private queued: { uri: string; resolve: (s: AnalysisSettings) => void }[] = [];
  private inFlight = false;

  constructor(private readonly connection: Connection, private readonly clientHasConfiguration: boolean) {}

  get(uri: string): Promise<AnalysisSettings> {
    if (!this.clientHasConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
    let s = this.cache.get(uri);
    if (!s) {
      s = new Promise<AnalysisSettings>((resolve) => this.queued.push({ uri, resolve }));
      this.cache.set(uri, s);
      this.flush();
    }
    return s;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }

  /**
   * One workspace/configuration request at a time, carrying every document queued meanwhile: opening many files (a
   * restored session, a benchmark) costs a few round trips instead of one per file, and a single file still gets its
   * settings after one round trip.
   */
  private flush(): void {
    if (this.inFlight || !this.queued.length) return;
    const batch = this.queued;
    this.queued = [];
    this.inFlight = true;
    const items = batch.map((b) => ({ scopeUri: b.uri, section: SETTINGS_SECTION }));
    void this.connection.workspace.getConfiguration(items).then(
      (got: unknown) => batch.forEach((b, i) => b.resolve(toAnalysisSettings(Array.isArray(got) ? got[i] : undefined))),
      () => batch.forEach((b) => b.resolve(DEFAULT_SETTINGS)),
    ).finally(() => {
      this.inFlight = false;
      this.flush();
    });
  }
}
