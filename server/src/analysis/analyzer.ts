// The plug-in interface every check implements. Severity policy lives here in core, not in the LSP glue.
import type { Cancellation, Finding, Severity } from '../core/types';
import type { ParsedFile } from '../yaml/parse';

/** A severity override: a new level, or "Ignore" to drop the finding. */
export type SeverityOverride = Severity | 'Ignore';

export interface AnalysisSettings {
  /** Master switch: no findings at all when false. */
  enable: boolean;
  /** YAML syntax errors (off when another YAML extension already reports them). */
  yamlSyntax: boolean;
  /** Kubernetes version ("1.N") the deprecated-API check compares against: removed at or before it is an error. */
  kubernetesVersion: string;
  /** Analyzer names (e.g. "annotations.K8sAnalyzer") or finding codes (e.g. "IST0108") that are switched off. */
  disabled: readonly string[];
  /** Per finding code: a different severity, or "Ignore" to drop it. */
  severityOverrides: Readonly<Record<string, SeverityOverride>>;
  /** Whether the editor also reports the workspace's files that are not open (workspace diagnostics). */
  closedFiles: boolean;
}

export const DEFAULT_KUBERNETES_VERSION = '1.35';

export const DEFAULT_SETTINGS: AnalysisSettings = {
  enable: true,
  yamlSyntax: true,
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  disabled: [],
  severityOverrides: {},
  closedFiles: true,
};

export interface FileContext {
  uri: string;
  parsed: ParsedFile;
  settings: AnalysisSettings;
}

/** A check over one file. Later capabilities add mesh analyzers that see the whole workspace index. */
export interface FileAnalyzer {
  /** Stable name, used by settings and the CLI's --analyzers option. */
  readonly name: string;
  enabled(settings: AnalysisSettings): boolean;
  analyze(ctx: FileContext, token: Cancellation): Finding[];
}

/** Applies the per-check settings to one finding: undefined when it is disabled or ignored, else the finding with its final severity. */
export function applyPolicy(f: Finding, settings: AnalysisSettings): Finding | undefined {
  if (settings.disabled.includes(f.code)) return undefined;
  const o = Object.prototype.hasOwnProperty.call(settings.severityOverrides, f.code) ? settings.severityOverrides[f.code] : undefined;
  if (o === undefined || o === f.severity) return f;
  return o === 'Ignore' ? undefined : { ...f, severity: o };
}
