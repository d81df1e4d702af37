// The plug-in interface every check implements. Severity policy lives here in core, not in the LSP glue.
import type { Cancellation, Finding } from '../core/types';
import type { ParsedFile } from '../yaml/parse';

export interface AnalysisSettings {
  /** Master switch: no findings at all when false. */
  enable: boolean;
  /** YAML syntax errors (off when another YAML extension already reports them). */
  yamlSyntax: boolean;
}

export const DEFAULT_SETTINGS: AnalysisSettings = { enable: true, yamlSyntax: true };

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
