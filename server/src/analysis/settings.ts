// The `istioWorkbench` settings section (as a client sends it, or as the CLI builds it from its flags) -> the core's
// AnalysisSettings: every value checked, anything malformed replaced by the default. Pure.
import { DEFAULT_SETTINGS, type AnalysisSettings, type SeverityOverride } from './analyzer';
import { normalizeKubernetesVersion } from '../deprecation/versions';

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
    const l = typeof level === 'string' ? severityLevel(level) : undefined;
    if (l) out[code.trim()] = l;
  }
  return out;
}

/** A severity override level as users write it (any case; `off`/`none` mean Ignore); undefined when unknown. */
export function severityLevel(level: string): SeverityOverride | undefined {
  return LEVELS[level.trim().toLowerCase()];
}
