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

  constructor(private readonly connection: Connection, private readonly clientHasConfiguration: boolean) {}

  get(uri: string): Promise<AnalysisSettings> {
    if (!this.clientHasConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(
        toAnalysisSettings,
        () => DEFAULT_SETTINGS,
      );
      this.cache.set(uri, s);
    }
    return s;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
