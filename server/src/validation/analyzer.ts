// istio.WebhookValidationAnalyzer: what Istio's validating webhook (istiod, pkg/config/validation) would reject or warn
// about beyond the CRD's own schema and CEL rules, which the schema analyzer already checks: the API server refuses
// such an apply with the webhook's message. Findings are Istio's IST0106 SchemaValidationError (rejected) and IST0133
// SchemaWarning (accepted with a warning), as `istioctl analyze` reports them, on the offending field. Pure.
import { isCollection, isNode, type Document, type Node } from 'yaml';
import type { FileAnalyzer } from '../analysis/analyzer';
import type { Finding } from '../core/types';
import { plainOf } from '../mesh/plain';
import { KIND_VALIDATORS } from './registry';
import type { ValidationPath } from './types';

export const WEBHOOK_VALIDATION_ANALYZER = 'istio.WebhookValidationAnalyzer';

/** The node at path, else the closest existing parent (never the whole document when a field exists above). */
function nodeAt(doc: Document, path: ValidationPath): Node | undefined {
  for (let n = path.length; n >= 1; n--) {
    let node: unknown;
    try {
      node = doc.getIn(path.slice(0, n), true);
    } catch {
      node = undefined;
    }
    if (isNode(node) && node.range && (n === path.length || !isCollection(node))) return node;
  }
  for (const key of [['metadata', 'name'], ['kind']]) {
    const node = doc.getIn(key, true);
    if (isNode(node) && node.range) return node;
  }
  return undefined;
}

export const webhookValidationAnalyzer: FileAnalyzer = {
  name: WEBHOOK_VALIDATION_ANALYZER,
  enabled: () => true,
  analyze(ctx, token) {
    const out: Finding[] = [];
    for (const d of ctx.parsed.docs) {
      if (token.isCancellationRequested) break;
      if (d.doc.errors.length) continue;
      const contents = d.doc.contents;
      if (!contents || !isCollection(contents)) continue;
      const apiVersion = String(d.doc.get('apiVersion') ?? '');
      const kind = String(d.doc.get('kind') ?? '');
      const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
      const validate = KIND_VALIDATORS.get(`${group}/${kind}`);
      if (!validate) continue;
      let obj: unknown;
      try {
        obj = plainOf(d.doc, 100);
      } catch {
        continue; // alias bombs and the like: the syntax and schema analyzers say what is wrong
      }
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) continue;
      const o = obj as Record<string, unknown>;
      const meta = (o.metadata && typeof o.metadata === 'object' ? o.metadata : {}) as Record<string, unknown>;
      let issues;
      try {
        issues = validate({ apiVersion, kind, name: String(meta.name ?? ''), namespace: String(meta.namespace ?? ''), obj: o });
      } catch {
        continue; // a validator must not throw; if one does, the others' findings still stand
      }
      for (const issue of issues) {
        const node = nodeAt(d.doc, issue.path);
        const [start, end] = node?.range ?? [d.start, d.start];
        out.push({
          range: ctx.parsed.rangeOf(start, end),
          severity: issue.severity,
          code: issue.severity === 'Error' ? 'IST0106' : 'IST0133',
          message: issue.message,
          source: 'istio-workbench',
          resource: { apiVersion, kind, name: typeof meta.name === 'string' ? meta.name : null, namespace: typeof meta.namespace === 'string' ? meta.namespace : null },
        });
      }
    }
    return out;
  },
};
