// Core types shared by every analysis module, the LSP layer and the CLI.
// Pure: no vscode, no LSP imports. Positions are 0-based lines and UTF-16 characters (what LSP and JS strings use).

export type Severity = 'Error' | 'Warning' | 'Info';

export const SEVERITY_RANK: Record<Severity, number> = { Info: 0, Warning: 1, Error: 2 };

export function isSeverity(s: string): s is Severity {
  return s === 'Error' || s === 'Warning' || s === 'Info';
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** The Kubernetes identity of the YAML document a finding belongs to. */
export interface ResourceRef {
  apiVersion: string | null;
  kind: string | null;
  namespace: string | null;
  name: string | null;
}

export interface RelatedLocation {
  uri: string;
  range: Range;
  message: string;
}

/** A text replacement in the file the finding belongs to, or in the file `uri` names (positions as in Range). */
export interface TextEditSpec {
  range: Range;
  newText: string;
  /** Another file (a cross-resource fix, e.g. the DestinationRule of a missing subset); absent: the finding's file. */
  uri?: string;
}

/** A fix the editor can offer as a quick fix. Edits must be minimal: keep comments, formatting and other documents. */
export interface Fix {
  title: string;
  edits: TextEditSpec[];
  /** The one obvious fix (VS Code applies it with "Auto Fix"). */
  preferred?: boolean;
}

export interface Finding {
  range: Range;
  severity: Severity;
  /** Stable machine code: a YAML error code (e.g. BAD_INDENT) or an Istio message code (e.g. IST0101). */
  code: string;
  message: string;
  /** Which part of the product found it: "yaml" for syntax, later "istio-workbench" etc. */
  source: string;
  resource: ResourceRef | null;
  related?: RelatedLocation[];
  fixes?: Fix[];
}

/** Structural subset of LSP's CancellationToken, so core code can be cancelled without importing LSP. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

export const NEVER_CANCELLED: Cancellation = { isCancellationRequested: false };

/** Expected failures are values (see vscode-kubernetes-tools' Errorable). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
