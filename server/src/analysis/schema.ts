// schema.SchemaValidator: each document against its apiVersion/kind's schema (OpenAPI, CRD structural schema, CEL rules).
import type { Cancellation, Finding } from '../core/types';
import { CustomSchemas, defaultSchemaDir, SchemaStore, SchemaValidator } from '../schema';
import { CelRules } from '../schema/cel';
import type { FileAnalyzer, FileContext } from './analyzer';

export const SCHEMA_SOURCE = 'istio-workbench';

/** An analyzer over compiled schemas (a dist/schemas directory or a store); without schemas it finds nothing. */
export function createSchemaAnalyzer(source: string | SchemaStore | undefined): FileAnalyzer {
  const store = typeof source === 'string' ? new SchemaStore(source) : source;
  let validator: SchemaValidator | undefined;
  let generation = -1;
  const rules = new CelRules();
  return {
    name: 'schema.SchemaValidator',
    enabled: () => store !== undefined,
    analyze(ctx: FileContext, token: Cancellation): Finding[] {
      if (!store) return [];
      // Run-time schemas (workspace and cluster CRDs) changed: results remembered per document text are stale.
      const g = store.overlay?.generation ?? 0;
      if (!validator || g !== generation) {
        validator = new SchemaValidator(store, rules);
        generation = g;
      }
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
const bundledDir = defaultSchemaDir(__dirname);
/** The bundled schemas, loaded lazily per group/version; one store shared by validation, completion and hover. */
export const bundledSchemaStore: SchemaStore | undefined = bundledDir ? new SchemaStore(bundledDir) : undefined;
/** Workspace and cluster CRDs, laid over the bundled schemas (the server fills it; the CLI leaves it empty). */
export const customSchemas = new CustomSchemas(bundledDir);
if (bundledSchemaStore) bundledSchemaStore.overlay = customSchemas;
export const schemaAnalyzer: FileAnalyzer = createSchemaAnalyzer(bundledSchemaStore);
