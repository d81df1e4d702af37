// Workspace and cluster CRDs as schemas: the files `istioWorkbench.schemas.crdFiles` matches (per workspace folder) are
// read at start, again when they change on disk, and live from the editor while open; the cluster's CRDs arrive from the
// extension (ClusterCrdsNotification). Each source is compiled into the shared run-time overlay (server/src/schema/
// custom.ts); when the schemas change, every open document is validated again. A broken CRD is reported on itself by the
// schema.CRDAnalyzer and left out here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, type Connection, type DidChangeWatchedFilesParams, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { collectYamlFiles, isYamlFile } from '../analysis/files';
import { enabledGlobs, GlobSet } from '../mesh/glob';
import { ClusterCrdsNotification, SETTINGS_SECTION, type ClusterCrdsParams } from '../protocol';
import { checkCrd, crdDocuments, type CustomSchemas, type CustomUpdate } from '../schema';
import type { ParseCache } from '../yaml/cache';
import { parseYaml } from '../yaml/parse';
import { canonicalUri } from './mesh';

/** Quiet time after an edit of an open CRD file before its schemas are compiled again. */
const EDIT_DELAY_MS = 300;
/** Files read between two yields to the message loop while the folders are scanned. */
const LOAD_CHUNK = 20;
/** CRD bundles can be large (Istio's is 1 MB); beyond this a file is not read. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_FILES = 10000;
/** CRDs compiled between two yields when the cluster's arrive. */
const CLUSTER_CHUNK = 25;
const CLUSTER_KEY = 'cluster';

/** `istioWorkbench.schemas.crdFiles` (globs relative to a workspace folder) and `files.exclude`, converted at this edge. */
export function toCrdFileSettings(section: unknown, filesExclude: unknown): { crdFiles: string[]; exclude: string[] } {
  const r = section && typeof section === 'object' ? (section as Record<string, unknown>) : {};
  const schemas = r.schemas && typeof r.schemas === 'object' ? (r.schemas as Record<string, unknown>) : {};
  const globs = Array.isArray(schemas.crdFiles) ? schemas.crdFiles.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim()) : [];
  return { crdFiles: globs, exclude: enabledGlobs(filesExclude) };
}

interface Folder {
  path: string;
  include: GlobSet;
  exclude: GlobSet;
}

export class CrdSchemaHandler {
  private folders: Folder[] = [];
  private folderUris: readonly string[] = [];
  private epoch = 0;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Canonical uris of open documents the setting matches (the editor's text wins over the disk's). */
  private readonly open = new Map<string, string>();
  private clusterSeq = 0;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
    private readonly schemas: CustomSchemas,
    /** Asks the client to validate the open documents again. */
    private readonly refresh: () => void,
    private readonly clientHasConfiguration = false,
  ) {}

  registerHandlers(): void {
    this.documents.onDidChangeContent((e) => this.openChanged(e.document.uri));
    this.documents.onDidClose((e) => {
      const key = canonicalUri(e.document.uri);
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      if (this.open.delete(key) && this.matches(key)) this.apply(key, this.readDisk(key));
    });
    this.connection.onNotification(ClusterCrdsNotification, (p) => void this.setCluster(p));
  }

  /** Reads the settings and loads every matching file of the folders (call once the client is initialized). */
  async loadFolders(folderUris: readonly string[]): Promise<void> {
    this.folderUris = folderUris;
    const epoch = ++this.epoch;
    const settings = await this.readSettings(folderUris);
    if (epoch !== this.epoch) return;
    this.folders = folderUris.flatMap((u, i) => {
      try {
        return [{ path: fileURLToPath(u), include: new GlobSet(settings[i].crdFiles), exclude: new GlobSet(settings[i].exclude) }];
      } catch {
        return [];
      }
    });
    const wanted = new Set<string>();
    const active = this.folders.filter((f) => !f.include.empty);
    const files = active.length ? collectYamlFiles(active.map((f) => f.path)) : { ok: true as const, value: [] };
    if (!files.ok) this.connection.console.warn(`schemas.crdFiles: ${files.error}`);
    const list = (files.ok ? files.value : []).map((p) => pathToFileURL(p).href).filter((k) => this.matches(k)).slice(0, MAX_FILES);
    let changed = false;
    for (let i = 0; i < list.length; i++) {
      if (i % LOAD_CHUNK === 0) {
        await new Promise<void>((r) => setImmediate(r));
        if (epoch !== this.epoch) return;
      }
      wanted.add(list[i]);
      if (!this.open.has(list[i])) changed = this.apply(list[i], this.readDisk(list[i]), false) || changed;
    }
    for (const doc of this.documents.all()) {
      const key = canonicalUri(doc.uri);
      if (!this.matches(key)) continue;
      wanted.add(key);
      this.open.set(key, doc.uri);
      changed = this.apply(key, this.parseOpen(doc.uri), false) || changed;
    }
    // Files the setting no longer matches.
    for (const key of this.schemas.keys('workspace')) if (!wanted.has(key)) changed = this.schemas.delete(key) || changed;
    if (changed) this.scheduleRefresh();
  }

  /** Settings changed: read them again and reload. */
  configurationChanged(): void {
    void this.loadFolders(this.folderUris);
  }

  /** Files changed on disk (the client's file watcher). */
  filesChanged(p: DidChangeWatchedFilesParams): void {
    for (const c of p.changes) {
      const key = canonicalUri(c.uri);
      if (this.open.has(key) || !this.matches(key)) continue;
      this.apply(key, c.type === FileChangeType.Deleted ? [] : this.readDisk(key));
    }
  }

  private matches(key: string): boolean {
    if (!key.startsWith('file:') || !isYamlFile(key)) return false;
    let p: string;
    try {
      p = fileURLToPath(key);
    } catch {
      return false;
    }
    return this.folders.some((f) => {
      if (!(p.startsWith(f.path.endsWith(path.sep) ? f.path : f.path + path.sep)) || f.include.empty) return false;
      const rel = path.relative(f.path, p).split(path.sep).join('/');
      return f.include.matches(rel) && !f.exclude.matches(rel);
    });
  }

  private openChanged(uri: string): void {
    const key = canonicalUri(uri);
    if (!this.matches(key)) return;
    this.open.set(key, uri);
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      if (this.documents.get(uri)) this.apply(key, this.parseOpen(uri));
    }, EDIT_DELAY_MS));
  }

  private parseOpen(uri: string): unknown[] {
    const doc = this.documents.get(uri);
    if (!doc) return [];
    const text = doc.getText();
    return text.includes('CustomResourceDefinition') ? crdDocuments(this.cache.get(uri, doc.version, text)).map((d) => d.crd) : [];
  }

  private readDisk(key: string): unknown[] {
    try {
      const p = fileURLToPath(key);
      if (fs.statSync(p).size > MAX_FILE_BYTES) {
        this.connection.console.warn(`schemas.crdFiles: ${p} is larger than ${MAX_FILE_BYTES} bytes and is not read`);
        return [];
      }
      const text = fs.readFileSync(p, 'utf8');
      return text.includes('CustomResourceDefinition') ? crdDocuments(parseYaml(text)).map((d) => d.crd) : [];
    } catch {
      return [];
    }
  }

  /** Compiles one file's CRDs into the overlay; true (and, unless told otherwise, a refresh) when the schemas changed. */
  private apply(key: string, crds: readonly unknown[], refresh = true): boolean {
    let label = key;
    try {
      const p = fileURLToPath(key);
      const folder = this.folders.find((f) => p.startsWith(f.path + path.sep));
      label = folder ? path.relative(folder.path, p).split(path.sep).join('/') : p;
    } catch {
      // keep the uri
    }
    const update = this.schemas.set(key, 'workspace', label, crds);
    this.logSkipped(label, update);
    if (update.changed && refresh) this.scheduleRefresh();
    return update.changed;
  }

  private async setCluster(p: ClusterCrdsParams | null): Promise<void> {
    const seq = ++this.clusterSeq;
    const crds = Array.isArray(p?.crds) ? p.crds : [];
    // The checks (the costly part: CEL parsing, remembered) in chunks, so that the server stays responsive while a large
    // cluster's CRDs load; then one compilation. Only the last set sent counts.
    for (let i = 0; i < crds.length; i += CLUSTER_CHUNK) {
      for (const crd of crds.slice(i, i + CLUSTER_CHUNK)) checkCrd(crd);
      await new Promise<void>((r) => setImmediate(r));
      if (seq !== this.clusterSeq) return;
    }
    const label = p ? `cluster context ${p.context}` : 'cluster';
    const update = this.schemas.set(CLUSTER_KEY, 'cluster', label, crds);
    if (p) this.connection.console.info(`schemas from ${label}: ${update.kinds.length} kinds from ${crds.length} CRDs${update.skipped.length ? `, ${update.skipped.length} skipped` : ''}`);
    this.logSkipped(label, update);
    if (update.changed) this.scheduleRefresh();
  }

  private logSkipped(label: string, update: CustomUpdate): void {
    for (const s of update.skipped.slice(0, 20)) this.connection.console.warn(`schemas (${label}): CRD ${s.crd} is not used: ${s.reason}`);
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, 20);
  }

  private async readSettings(folderUris: readonly string[]): Promise<{ crdFiles: string[]; exclude: string[] }[]> {
    const none = folderUris.map(() => ({ crdFiles: [], exclude: [] }));
    if (!this.clientHasConfiguration || !folderUris.length) return none;
    try {
      const items = folderUris.flatMap((scopeUri) => [{ scopeUri, section: SETTINGS_SECTION }, { scopeUri, section: 'files.exclude' }]);
      const got = (await this.connection.workspace.getConfiguration(items)) as unknown[];
      return folderUris.map((_, i) => toCrdFileSettings(got[2 * i], got[2 * i + 1]));
    } catch {
      return none;
    }
  }
}
