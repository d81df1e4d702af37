// deprecation.APIAnalyzer: apiVersions Kubernetes has removed (Error) or will remove (Warning) by the configured
// Kubernetes version, with a quick fix that migrates the document when the migration is mechanical.
import type { Finding, Fix, TextEditSpec } from '../core/types';
import type { FileAnalyzer, FileContext } from '../analysis/analyzer';
import type { ParsedFile } from '../yaml/parse';
import { lookupRemovedApi, migrationTarget } from './apis';
import { migrate } from './migrate';
import { compareVersions } from './versions';
import { ingressClassFinding } from './ingressClass';
import { pairOf } from './yamlEdit';

export const REMOVED_API = 'RemovedAPI';
export const DEPRECATED_API = 'DeprecatedAPI';

export const deprecatedApiAnalyzer: FileAnalyzer = {
  name: 'deprecation.APIAnalyzer',
  enabled: () => true,
  analyze(ctx: FileContext, token): Finding[] {
    const { parsed, settings } = ctx;
    const out: Finding[] = [];
    for (const d of parsed.docs) {
      if (token.isCancellationRequested) break;
      const r = d.resource;
      if (!r?.apiVersion || !r.kind) continue;
      const ingressClass = ingressClassFinding(parsed, d);
      if (ingressClass) out.push(ingressClass);
      const entry = lookupRemovedApi(r.apiVersion, r.kind);
      const node = entry && pairOf(d.doc.contents, 'apiVersion')?.value;
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (!entry || !range) continue;
      const removed = compareVersions(entry.removedIn, settings.kubernetesVersion) <= 0;
      const target = migrationTarget(entry, settings.kubernetesVersion);
      const use = target ? `use ${target}` : 'there is no replacement API';
      const message = removed
        ? `${r.kind} ${r.apiVersion} was removed in Kubernetes ${entry.removedIn}; ${use}. ${entry.notes}`
        : `${r.kind} ${r.apiVersion} is deprecated and will be removed in Kubernetes ${entry.removedIn}; ${use}. ${entry.notes}`;
      // No edits on a document the parser could not read cleanly: its AST may not be what the user wrote.
      const fix = target && !d.doc.errors.length ? fixFor(parsed, d.doc.contents, r.kind, r.apiVersion, target) : undefined;
      out.push({
        range: parsed.rangeOf(range[0], range[1]),
        severity: removed ? 'Error' : 'Warning',
        code: removed ? REMOVED_API : DEPRECATED_API,
        message,
        source: 'istio-workbench',
        resource: r,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
    return out;
  },
};

function fixFor(parsed: ParsedFile, root: unknown, kind: string, apiVersion: string, target: string): Fix | undefined {
  const m = migrate(parsed.text, root, kind, apiVersion, target);
  if (!m) return undefined;
  const edits: TextEditSpec[] = m.edits.map((e) => ({ range: parsed.rangeOf(e.start, e.end), newText: e.text }));
  return { title: m.title, edits, preferred: m.complete };
}
