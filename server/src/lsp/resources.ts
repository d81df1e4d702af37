// istioWorkbench/documentResources: what the extension's language status item shows.
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentResourcesRequest, type DocumentResourcesResult } from '../protocol';
import type { ParseCache } from '../yaml/cache';

export class DocumentResourcesHandler {
  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
  ) {}

  registerHandlers(): void {
    this.connection.onRequest(DocumentResourcesRequest, (params): DocumentResourcesResult | null => {
      const doc = this.documents.get(params.uri);
      if (!doc) return null;
      const parsed = this.cache.get(doc.uri, doc.version, doc.getText());
      return {
        documents: parsed.docs.length,
        resources: parsed.docs.flatMap((d) => (d.resource ? [{ ...d.resource, range: parsed.rangeOf(d.start, d.end) }] : [])),
        errors: parsed.problems.filter((p) => p.severity === 'Error').length,
        warnings: parsed.problems.filter((p) => p.severity === 'Warning').length,
      };
    });
  }
}
