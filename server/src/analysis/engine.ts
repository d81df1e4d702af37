// Runs the registered analyzers over a file. Used by the language server and by the CLI alike.
import type { Cancellation, Finding } from '../core/types';
import { compareFindings } from '../core/findings';
import type { ParsedFile } from '../yaml/parse';
import { applyPolicy, DEFAULT_SETTINGS, type AnalysisSettings, type FileAnalyzer } from './analyzer';
import { FILE_ANALYZERS } from './registry';

export { FILE_ANALYZERS };

export interface AnalyzeOptions {
  settings?: AnalysisSettings;
  /** Run only these analyzers (by name). */
  only?: ReadonlySet<string>;
  analyzers?: readonly FileAnalyzer[];
}

/** Findings for one parsed file, sorted by position, with the settings' disabled checks and severity overrides applied; undefined when cancelled. */
export function analyzeParsed(uri: string, parsed: ParsedFile, token: Cancellation, opts: AnalyzeOptions = {}): Finding[] | undefined {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  if (!settings.enable) return [];
  const out: Finding[] = [];
  for (const a of opts.analyzers ?? FILE_ANALYZERS) {
    if (token.isCancellationRequested) return undefined;
    if (opts.only && !opts.only.has(a.name)) continue;
    if (settings.disabled.includes(a.name) || !a.enabled(settings)) continue;
    for (const f of a.analyze({ uri, parsed, settings }, token)) {
      const kept = applySettings(a.name, f, settings);
      if (kept) out.push(kept);
    }
  }
  if (token.isCancellationRequested) return undefined;
  return out.sort(compareFindings);
}

/**
 * The settings applied to one finding of the named analyzer (file or mesh): undefined when the analyzer or the code is
 * disabled, or the code's severity is overridden to Ignore; else the finding with its final severity.
 */
export function applySettings(analyzer: string, f: Finding, settings: AnalysisSettings): Finding | undefined {
  if (!settings.enable || settings.disabled.includes(analyzer)) return undefined;
  return applyPolicy(f, settings);
}
