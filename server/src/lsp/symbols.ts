// Outline: one symbol per Kubernetes resource of a multi-document YAML file ("Deployment vp0").
import { SymbolKind, type Connection, type DocumentSymbol, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isPair, isScalar } from 'yaml';
import type { ParseCache } from '../yaml/cache';
import { resourceLabel } from '../yaml/parse';

export class DocumentSymbolHandler {
  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
  ) {}

  registerHandlers(): void {
    this.connection.onDocumentSymbol((params, token) => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const parsed = this.cache.get(doc.uri, doc.version, doc.getText());
      const out: DocumentSymbol[] = [];
      for (const d of parsed.docs) {
        if (token.isCancellationRequested) return null;
        if (!d.resource) continue;
        const range = parsed.rangeOf(d.start, d.end);
        const children: DocumentSymbol[] = [];
        let selection = range;
        const root = d.doc.contents;
        if (isMap(root)) {
          for (const item of root.items) {
            if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
            const keyRange = parsed.rangeOf(item.key.range[0], item.key.range[1]);
            const valueEnd = (item.value as { range?: [number, number, number] } | null)?.range?.[2] ?? item.key.range[2];
            const full = parsed.rangeOf(item.key.range[0], valueEnd);
            if (item.key.value === 'kind') selection = full;
            children.push({ name: String(item.key.value), kind: SymbolKind.Property, range: full, selectionRange: keyRange });
          }
        }
        out.push({
          name: resourceLabel(d.resource),
          detail: d.resource.apiVersion ?? '',
          kind: SymbolKind.Class,
          range,
          selectionRange: selection,
          children,
        });
      }
      return out;
    });
  }
}
