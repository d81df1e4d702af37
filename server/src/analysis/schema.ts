// schema.SchemaValidator: each document against its apiVersion/kind's schema (OpenAPI, CRD structural schema, CEL rules).
import type { Cancellation, Finding } from '../core/types';
import { defaultSchemaDir, SchemaStore, SchemaValidator } from '../schema';
import type { FileAnalyzer, FileContext } from './analyzer';

export const SCHEMA_SOURCE = 'istio-workbench';

/** An analyzer over the compiled schemas in `dir` (dist/schemas); without schemas it finds nothing. */
export function createSchemaAnalyzer(dir: string | undefined): FileAnalyzer {
  let validator: SchemaValidator | undefined;
  return {
    name: 'schema.SchemaValidator',
    enabled: () => dir !== undefined,
    analyze(ctx: FileContext, token: Cancellation): Finding[] {
      if (!dir) return [];
      validator ??= new SchemaValidator(new SchemaStore(dir));
      const out: Finding[] = [];
      for (const pd of ctx.parsed.docs) {
        if (token.isCancellationRequested) break;
        for (const issue of validator.validateCached(pd, ctx.parsed.text, token)) {
          out.push({
            range: ctx.parsed.rangeOf(issue.start, issue.end), severity: issue.severity, code: issue.code,
            message: issue.message, source: SCHEMA_SOURCE, resource: pd.resource,
          });
        }
      }
      return out;
    },
  };
}

/** The bundled server and CLI live in dist/ next to dist/schemas; tests running from out/ find the repository's dist/schemas. */
export const schemaAnalyzer: FileAnalyzer = createSchemaAnalyzer(defaultSchemaDir(__dirname));
