// Per-resource settings, read with workspace/configuration and converted at the edge into core settings.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type AnalysisSettings } from '../analysis/analyzer';
import { SETTINGS_SECTION } from '../protocol';

export function toAnalysisSettings(raw: unknown): AnalysisSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const validation = (r.validation && typeof r.validation === 'object' ? r.validation : {}) as Record<string, unknown>;
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  return {
    enable: bool(validation.enable, DEFAULT_SETTINGS.enable),
    yamlSyntax: bool(validation.yamlSyntax, DEFAULT_SETTINGS.yamlSyntax),
  };
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
