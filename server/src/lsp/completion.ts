// textDocument/completion and textDocument/hover over the schema core (server/src/editing).
import {
  CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Connection, type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { complete, type CompletionEntry } from '../editing/completion';
import { hover } from '../editing/hover';
import type { SchemaStore } from '../schema';
import type { ParseCache } from '../yaml/cache';
import type { ParsedFile } from '../yaml/parse';

const KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
  kind: CompletionItemKind.Class,
};

export class SchemaAssistHandler {
  /** Another hover for the same position (sidecar injection annotations and labels), shown first. */
  extraHover: ((parsed: ParsedFile, offset: number) => { markdown: string; start: number; end: number } | undefined) | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
    private readonly store: SchemaStore | undefined,
  ) {}

  registerHandlers(): void {
    this.connection.onCompletion((params, token) => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc || !this.store || token.isCancellationRequested) return null;
      const parsed = this.cache.get(doc.uri, doc.version, doc.getText());
      const entries = complete(parsed, doc.offsetAt(params.position), this.store);
      return {
        isIncomplete: false,
        items: entries.map((e): CompletionItem => ({
          label: e.label,
          kind: KIND[e.kind],
          detail: e.detail,
          documentation: e.documentation ? { kind: MarkupKind.Markdown, value: e.documentation } : undefined,
          sortText: e.sortText,
          insertTextFormat: e.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
          textEdit: { range: { start: doc.positionAt(e.replaceStart), end: doc.positionAt(e.replaceEnd) }, newText: e.insertText },
        })),
      };
    });
    this.connection.onHover((params, token) => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc || token.isCancellationRequested) return null;
      const parsed = this.cache.get(doc.uri, doc.version, doc.getText());
      const offset = doc.offsetAt(params.position);
      const h = this.store ? hover(parsed, offset, this.store) : undefined;
      // Sidecar injection keys: what they do and the injection decision, above the schema's description.
      const extra = this.extraHover?.(parsed, offset);
      const markdown = [extra?.markdown, h?.markdown].filter(Boolean).join('\n\n---\n\n');
      const range = extra ?? h;
      if (!range) return null;
      return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: { start: doc.positionAt(range.start), end: doc.positionAt(range.end) } };
    });
  }
}
