// schema.CRDAnalyzer: CustomResourceDefinition documents (apiextensions.k8s.io/v1) checked as the API server checks them
// before accepting a CRD, each problem on the key or value it is about (workspace CRDs become schemas; a broken one is
// reported here instead of being used).
import type { Cancellation, Finding, Severity } from '../core/types';
import { checkCrd, crdOf, isCrdDocument, locateInCrd } from '../schema';
import type { FileAnalyzer, FileContext } from './analyzer';
import { SCHEMA_SOURCE } from './schema';

interface Problem {
  /** Offsets relative to the document's first character. */
  start: number;
  end: number;
  severity: Severity;
  message: string;
}

/** Characters of CRD document source the result cache keeps (CRD bundles are large; an edit changes one document). */
const CACHE_CHARS = 4_000_000;

export function createCrdAnalyzer(): FileAnalyzer {
  // Document source -> its problems: a document that did not change is not converted and checked again.
  const cache = new Map<string, Problem[]>();
  let cachedChars = 0;
  return {
    name: 'schema.CRDAnalyzer',
    enabled: () => true,
    analyze(ctx: FileContext, token: Cancellation): Finding[] {
      const out: Finding[] = [];
      const text = ctx.parsed.text;
      const docs = ctx.parsed.docs.filter((pd) => isCrdDocument(pd.resource) && !pd.doc.errors.length);
      if (!docs.length) return out;
      // Directives (%YAML, %TAG) live before "---" and change how a document reads: such files are not cached.
      const cacheable = !/^%/m.test(text);
      for (const pd of docs) {
        if (token.isCancellationRequested) break;
        const from = pd.doc.range[0];
        const key = cacheable ? text.slice(from, pd.doc.range[2]) : undefined;
        let problems = key === undefined ? undefined : cache.get(key);
        if (!problems) {
          const found = crdOf(pd);
          problems = found ? checkCrd(found.crd).map((p) => {
            const [start, end] = locateInCrd(pd, p.path, p.on);
            return { start: start - from, end: end - from, severity: p.severity, message: p.message };
          }) : [];
          if (key !== undefined && key.length < CACHE_CHARS / 4) {
            cache.set(key, problems);
            cachedChars += key.length;
            for (const k of cache.keys()) {
              if (cachedChars <= CACHE_CHARS) break;
              cache.delete(k);
              cachedChars -= k.length;
            }
          }
        }
        for (const p of problems) {
          out.push({ range: ctx.parsed.rangeOf(p.start + from, p.end + from), severity: p.severity, code: 'CRDInvalid', message: p.message, source: SCHEMA_SOURCE, resource: pd.resource });
        }
      }
      return out;
    },
  };
}

export const crdAnalyzer: FileAnalyzer = createCrdAnalyzer();
