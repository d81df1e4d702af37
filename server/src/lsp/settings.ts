// Per-resource settings, read with workspace/configuration and converted at the edge into core settings.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type AnalysisSettings, type SeverityOverride } from '../analysis/analyzer';
import { normalizeKubernetesVersion } from '../deprecation/versions';
import { SETTINGS_SECTION } from '../protocol';

export function toAnalysisSettings(raw: unknown): AnalysisSettings {
  const r = record(raw);
  const validation = record(r.validation);
  const analysis = record(r.analysis);
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  return {
    enable: bool(validation.enable, DEFAULT_SETTINGS.enable),
    yamlSyntax: bool(validation.yamlSyntax, DEFAULT_SETTINGS.yamlSyntax),
    kubernetesVersion: normalizeKubernetesVersion(r.kubernetesVersion) ?? DEFAULT_SETTINGS.kubernetesVersion,
    disabled: Array.isArray(analysis.disabled) ? analysis.disabled.filter((x): x is string => typeof x === 'string').map((x) => x.trim()) : [],
    severityOverrides: overrides(analysis.severityOverrides),
    closedFiles: bool(analysis.closedFiles, DEFAULT_SETTINGS.closedFiles),
  };
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const LEVELS: Record<string, SeverityOverride> = {
  error: 'Error', warning: 'Warning', info: 'Info', information: 'Info', ignore: 'Ignore', off: 'Ignore', none: 'Ignore',
};

/** `{"IST0108": "Info", "RemovedAPI": "Ignore"}`; unknown levels are skipped rather than guessed. */
function overrides(v: unknown): Record<string, SeverityOverride> {
  const out: Record<string, SeverityOverride> = {};
  for (const [code, level] of Object.entries(record(v))) {
    const l = typeof level === 'string' ? LEVELS[level.trim().toLowerCase()] : undefined;
    if (l) out[code.trim()] = l;
  }
  return out;
}

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
