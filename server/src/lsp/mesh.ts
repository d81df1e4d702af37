// Mesh analysis in the editor: indexes the workspace folders' YAML (open documents from the editor, the rest from disk),
// re-runs the mesh analyzers after a change, feeds their findings into each document's diagnostics, asks the client to
// re-pull diagnostics of the other files, and answers go to definition across resources.
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, type Connection, type Definition, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { collectYamlFiles, isYamlFile } from '../analysis/files';
import type { Finding } from '../core/types';
import type { MeshFinding } from '../mesh/context';
import { definitionAt } from '../mesh/definition';
import { MeshIndex } from '../mesh/index';
import { runMeshAnalysis, setAssumedResources } from '../mesh/run';
import type { ParseCache } from '../yaml/cache';

const REFRESH_DELAY_MS = 300;
/** Files larger than this are not indexed from disk (generated bundles, not hand-written config). */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 10000;

export class MeshHandler {
  private readonly index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
  private results: { generation: number; byUri: Map<string, Finding[]> } | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
    /** Asks the client to re-validate the open documents (pull refresh or push). */
    private readonly refresh: () => void,
  ) {
    setAssumedResources(this.index);
  }

  registerHandlers(): void {
    this.documents.onDidChangeContent((e) => this.syncOpen(e.document.uri, true));
    this.documents.onDidClose((e) => {
      this.loadFromDisk(e.document.uri);
      this.changed();
    });
    this.connection.onDidChangeWatchedFiles((p) => {
      for (const c of p.changes) {
        if (!isYamlFile(c.uri) || this.documents.get(c.uri)) continue;
        if (c.type === FileChangeType.Deleted) this.index.removeFile(c.uri);
        else this.loadFromDisk(c.uri);
      }
      this.changed();
    });
    this.connection.onDefinition((params): Definition | null => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc) return null;
      this.syncOpen(doc.uri, false);
      const targets = definitionAt(this.index, doc.uri, doc.offsetAt(params.position));
      return targets.length ? targets.map((t) => ({ uri: t.uri, range: t.range })) : null;
    });
  }

  /** Indexes the YAML files under the workspace folders (call once the client is initialized). */
  indexFolders(folderUris: readonly string[]): void {
    const paths = folderUris.flatMap((u) => {
      try {
        return [fileURLToPath(u)];
      } catch {
        return [];
      }
    });
    const files = collectYamlFiles(paths);
    if (!files.ok) {
      this.connection.console.warn(`mesh index: ${files.error}`);
      return;
    }
    for (const f of files.value.slice(0, MAX_FILES)) {
      const uri = pathToFileURL(f).toString();
      if (!this.documents.get(uri)) this.loadFromDisk(uri);
    }
    this.changed();
  }

  /** Mesh findings for one file (analysis is re-run at most once per index change). */
  findingsFor(uri: string): Finding[] {
    this.syncOpen(uri, false);
    if (!this.results || this.results.generation !== this.index.generation) {
      const res = runMeshAnalysis(this.index);
      const byUri = new Map<string, Finding[]>();
      for (const e of res?.errors ?? []) this.connection.console.error(`mesh analyzer failed: ${e}`);
      for (const f of res?.findings ?? ([] as MeshFinding[])) byUri.set(f.uri, [...(byUri.get(f.uri) ?? []), f.finding]);
      this.results = { generation: this.index.generation, byUri };
    }
    return this.results.byUri.get(uri) ?? [];
  }

  private syncOpen(uri: string, notify: boolean): void {
    const doc = this.documents.get(uri);
    if (!doc || !isYamlFile(uri) && doc.languageId !== 'yaml') return;
    const before = this.index.generation;
    this.index.setFile(uri, this.cache.get(uri, doc.version, doc.getText()));
    if (notify && this.index.generation !== before) this.changed();
  }

  private loadFromDisk(uri: string): void {
    let text: string;
    try {
      const p = fileURLToPath(uri);
      if (fs.statSync(p).size > MAX_FILE_BYTES) return;
      text = fs.readFileSync(p, 'utf8');
    } catch {
      this.index.removeFile(uri);
      return;
    }
    this.index.setFile(uri, text);
  }

  /** Other files' diagnostics may depend on this change: have the client re-pull them, debounced. */
  private changed(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, REFRESH_DELAY_MS);
  }
}
