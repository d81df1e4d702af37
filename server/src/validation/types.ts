// What a kind's validation reports: Istio's validating webhook (pkg/config/validation) would reject the object (Error) or
// accept it with a warning (Warning). Paths are relative to the object (['spec', 'http', 0, 'match', 1, 'uri', 'regex']).
// Pure.
export type ValidationPath = readonly (string | number)[];

export interface ValidationIssue {
  path: ValidationPath;
  message: string;
  severity: 'Error' | 'Warning';
}

export interface ValidationTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  /** The object as plain data (the document's JSON). */
  obj: Record<string, unknown>;
}

/** Validates one object of its kind; never throws on any shape of input (a wrong type is the schema's to report). */
export type KindValidator = (target: ValidationTarget) => ValidationIssue[];
