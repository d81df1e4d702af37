// Mesh analysis in the editor: indexes the workspace folders' YAML (open documents from the editor, the rest from disk),
// re-runs the mesh analysis in the background after a change (incrementally: only what the change can affect), serves their last findings with each document's
// diagnostics (never waiting for a run), asks the client to re-pull when a run changed some file's findings, answers
// go to definition and find references across resources, and follows workspace folders added or removed.
//
// Consistency rules (the findings must equal the CLI's over the same texts, whatever the timing):
// - no analysis runs before the workspace index has finished loading (a partial index yields false "not found"s);
// - an open document always wins over its file on disk: loading from disk skips open documents, whenever it runs;
// - the index is keyed by a canonical file URI, so the client's spelling of a URI ("file:///c%3A/...", "%40") and
//   Node's never index one file twice.
import * as fs from 'node:fs';
import { boundedMemo } from '../core/memo';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, type Connection, type Definition, type Location, type DidChangeWatchedFilesParams, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisSettings } from '../analysis/analyzer';
import { applySettings } from '../analysis/engine';
import { collectYamlFiles, isYamlFile } from '../analysis/files';
import type { Finding } from '../core/types';
import type { MeshFinding } from '../mesh/context';
import { definitionAt } from '../mesh/definition';
import { referencesAt } from '../mesh/references';
import { enabledGlobs, GlobSet } from '../mesh/glob';
import { MeshIndex } from '../mesh/index';
import { meshConfigWith, parseMeshConfig } from '../mesh/meshconfig';
import type { Obj } from '../mesh/model';
import type { MeshAnalysisEngine } from '../mesh/incremental';
import { ASSUMED_URI, meshAnalysisEngine, setAssumedResources } from '../mesh/run';
import { SETTINGS_SECTION } from '../protocol';
import type { ParseCache } from '../yaml/cache';
import type { ParsedFile } from '../yaml/parse';

/** Quiet time after the last change before the mesh analysis runs (edits come in bursts while typing). */
export const ANALYSIS_DELAY_MS = 150;
/** Files read from disk between two yields to the message loop while the index loads. */
const LOAD_CHUNK = 25;
/** Files larger than this are not indexed from disk (generated bundles, not hand-written config). */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 10000;

/** The workspace-wide mesh settings, converted from the client's configuration at this edge. */
export interface MeshSettings {
  /** Globs (relative to a workspace folder) of files the index skips: `analysis.exclude` plus `files.exclude`. */
  exclude: string[];
  /** Whether Istio's assumed cluster resources (istio-ingressgateway) join the index. */
  assumeResources: boolean;
  /** A YAML file of resources assumed to exist, replacing Istio's default baseline ('' for the default). */
  assumeResourcesFile: string;
  /** A MeshConfig file (or the istio ConfigMap) merged over Istio's defaults ('' for the defaults). */
  meshConfigFile: string;
}

export const DEFAULT_MESH_SETTINGS: MeshSettings = { exclude: [], assumeResources: true, assumeResourcesFile: '', meshConfigFile: '' };

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** `istioWorkbench` section and `files.exclude` -> MeshSettings. */
export function toMeshSettings(section: unknown, filesExclude: unknown): MeshSettings {
  const r = record(section);
  const analysis = record(r.analysis);
  const mesh = record(r.mesh);
  const assumed = record(mesh.assumedResources);
  const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return {
    exclude: [...enabledGlobs(analysis.exclude), ...enabledGlobs(filesExclude)],
    assumeResources: typeof assumed.enable === 'boolean' ? assumed.enable : true,
    assumeResourcesFile: s(assumed.file),
    meshConfigFile: s(mesh.configFile),
  };
}

/** One spelling per file: Node's file URL of the path; other schemes as given. */
export function canonicalUri(uri: string): string {
  return uri.startsWith('file:') ? canonicalFileUri(uri) : uri;
}

/** Memoised: asked for each document on every diagnostics request. */
const canonicalFileUri = boundedMemo((uri) => {
  try {
    return pathToFileURL(fileURLToPath(uri)).href;
  } catch {
    return uri;
  }
}, 20_000);

interface Folder {
  path: string;
  exclude: GlobSet;
}

export class MeshHandler {
  private index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
  /** Canonical uri -> the client's uri, for open documents. */
  private readonly open = new Map<string, string>();
  private folders: Folder[] = [];
  private folderUris: readonly string[] = [];
  private meshConfig: Obj = meshConfigWith();
  /** True until the folders are indexed: no analysis runs meanwhile. */
  private loading = true;
  /** Bumped by every (re)load; a load that sees a newer epoch stops. */
  private epoch = 0;
  /** The incremental analysis of the index (a new one with each new index or mesh config). */
  private engine: MeshAnalysisEngine | undefined;
  /** Findings of the last completed analysis by canonical uri, and the index (and its generation) it saw. */
  private results: { index: MeshIndex; generation: number; byUri: Map<string, MeshFinding[]> } | undefined;
  private analysisTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Open documents edited since the index last saw them: synced when the analysis runs, not on every keystroke. */
  private readonly stale = new Set<string>();
  /** Another handler of workspace/didChangeWatchedFiles (CRD schemas). */
  extraWatchedFiles: ((p: DidChangeWatchedFilesParams) => void) | undefined;
  /** Called after every analysis that ran (the index or its findings may have changed). */
  onAnalyzed: (() => void) | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly cache: ParseCache,
    /** Asks the client to re-validate the open documents whose mesh findings changed (pull refresh or push). */
    private readonly refresh: (uris: readonly string[]) => void,
    private readonly clientHasConfiguration = false,
  ) {}

  registerHandlers(): void {
    this.documents.onDidOpen((e) => this.open.set(canonicalUri(e.document.uri), e.document.uri));
    this.documents.onDidChangeContent((e) => {
      this.stale.add(e.document.uri);
      this.changed();
    });
    this.documents.onDidClose((e) => {
      const key = canonicalUri(e.document.uri);
      this.open.delete(key);
      // The disk version replaces the closed document's (also while the folders load: the load skipped it while open).
      this.loadFromDisk(key);
      this.changed();
    });
    this.connection.onDidChangeWatchedFiles((p) => {
      // The connection keeps one handler per notification: the other handlers that watch files are called from here.
      this.extraWatchedFiles?.(p);
      for (const c of p.changes) {
        const key = canonicalUri(c.uri);
        if (!isYamlFile(key) || this.open.has(key)) continue;
        if (c.type === FileChangeType.Deleted) this.index.removeFile(key);
        else this.loadFromDisk(key);
      }
      this.changed();
    });
    this.connection.onDefinition((params): Definition | null => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc) return null;
      this.syncOpen(doc.uri);
      const targets = definitionAt(this.index, canonicalUri(doc.uri), doc.offsetAt(params.position));
      return targets.length ? targets.map((t) => ({ uri: this.clientUri(t.uri), range: t.range })) : null;
    });
    this.connection.onReferences((params): Location[] | null => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc) return null;
      this.syncOpen(doc.uri);
      const targets = referencesAt(this.index, canonicalUri(doc.uri), doc.offsetAt(params.position), params.context.includeDeclaration);
      return targets.length ? targets.map((t) => ({ uri: this.clientUri(t.uri), range: t.range })) : null;
    });
  }

  /** Indexes the YAML files under the workspace folders (call once the client is initialized); resolves when loaded. */
  async indexFolders(folderUris: readonly string[]): Promise<void> {
    this.folderUris = folderUris;
    const epoch = ++this.epoch;
    this.loading = true;
    this.cancelPendingAnalysis();
    const settings = await this.readSettings(folderUris);
    if (epoch !== this.epoch) return;
    this.applySettings(settings);
    // The last results are still served until the new index is analyzed (then a refresh follows if they differ).
    this.index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
    this.setBaseline(settings);
    for (const key of this.open.keys()) this.syncOpen(this.open.get(key)!);
    if (!(await this.loadDirs(this.folders.map((f) => f.path), epoch))) return;
    this.loading = false;
    this.analyzeNow();
  }

  /**
   * Indexes the YAML files under `dirs` from disk (open documents come from the editor, excluded files are skipped), in
   * chunks so a large workspace loads while requests are served. False when a newer load (epoch) took over.
   */
  private async loadDirs(dirs: readonly string[], epoch: number): Promise<boolean> {
    const files = collectYamlFiles(dirs);
    if (!files.ok) this.connection.console.warn(`mesh index: ${files.error}`);
    const list = files.ok ? files.value.slice(0, MAX_FILES) : [];
    for (let i = 0; i < list.length; i++) {
      if (i % LOAD_CHUNK === 0) {
        await new Promise<void>((r) => setImmediate(r));
        if (epoch !== this.epoch) return false;
      }
      const key = pathToFileURL(list[i]).href;
      if (!this.open.has(key) && !this.excluded(key)) this.loadFromDisk(key);
    }
    return true;
  }

  /** Settings changed: re-read them and rebuild the index (exclusions, baseline and mesh config may differ). */
  configurationChanged(): void {
    void this.indexFolders(this.folderUris);
  }

  /**
   * Workspace folders added or removed after start: indexes the new folders' YAML (with their own exclusions) and drops
   * the files only the removed folders held (open documents stay: the editor still has them); then analyzes, which
   * refreshes the diagnostics that changed. Resolves when done.
   */
  async foldersChanged(added: readonly string[], removed: readonly string[]): Promise<void> {
    const gone = new Set(removed.map(canonicalUri));
    const kept = this.folderUris.filter((u) => !gone.has(canonicalUri(u)));
    const fresh = added.filter((u, i) => !gone.has(canonicalUri(u)) && ![...kept, ...added.slice(0, i)].some((k) => canonicalUri(k) === canonicalUri(u)));
    const next = [...kept, ...fresh];
    // The baseline and the mesh config follow the first folder's settings, and a load in progress has read the folder
    // list already: in both cases everything is reloaded.
    if (this.loading || next[0] !== this.folderUris[0]) return this.indexFolders(next);
    this.folderUris = next;
    const epoch = ++this.epoch;
    this.loading = true;
    this.cancelPendingAnalysis();
    const inside = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
    const goneDirs = removed.flatMap((u) => toPath(u) ?? []);
    this.folders = this.folders.filter((f) => !goneDirs.includes(f.path));
    this.index.removeFiles((key) => {
      if (this.open.has(key) || !key.startsWith('file:')) return false;
      const p = toPath(key);
      return !!p && goneDirs.some((d) => inside(p, d)) && !this.folders.some((f) => inside(p, f.path));
    });
    if (fresh.length) {
      const settings = await this.readSettings(fresh);
      if (epoch !== this.epoch) return;
      const dirs: string[] = [];
      fresh.forEach((u, i) => {
        const p = toPath(u);
        if (p) {
          dirs.push(p);
          this.folders.push({ path: p, exclude: new GlobSet(settings[i]?.exclude ?? []) });
        }
      });
      if (!(await this.loadDirs(dirs, epoch))) return;
    }
    this.loading = false;
    this.analyzeNow();
  }

  /** Mesh findings of one file from the last analysis, with that file's settings applied (never waits for a run). */
  findingsFor(uri: string, settings: AnalysisSettings): Finding[] {
    const out: Finding[] = [];
    for (const f of this.results?.byUri.get(canonicalUri(uri)) ?? []) {
      const kept = applySettings(f.analyzer, f.finding, settings);
      if (kept) out.push(this.withClientUris(kept));
    }
    return out;
  }

  /**
   * The workspace files the index holds that are not open in the editor, by their file URI, with their parse (files
   * excluded by the settings are not indexed). Empty while the folders load.
   */
  closedFiles(): { uri: string; parsed: ParsedFile }[] {
    if (this.loading) return [];
    const out: { uri: string; parsed: ParsedFile }[] = [];
    for (const uri of this.index.uris()) {
      if (this.open.has(uri) || !uri.startsWith('file:')) continue;
      const parsed = this.index.parsedOf(uri);
      if (parsed) out.push({ uri, parsed });
    }
    return out;
  }

  /** Whether the client has this file open (whatever its spelling of the URI). */
  isOpen(uri: string): boolean {
    return this.open.has(canonicalUri(uri));
  }

  /** Resolves once the index is loaded and the last change is analyzed (the closed-file reports, tests, benchmarks). */
  whenIdle(): Promise<void> {
    if (!this.loading && !this.analysisTimer && this.analyzed()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Other files named by a finding (related locations, fix edits) as the client spells them when open. */
  private withClientUris(f: Finding): Finding {
    if (!f.related && !f.fixes) return f;
    return {
      ...f,
      ...(f.related ? { related: f.related.map((r) => ({ ...r, uri: this.clientUri(r.uri) })) } : {}),
      ...(f.fixes ? { fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => (e.uri ? { ...e, uri: this.clientUri(e.uri) } : e)) })) } : {}),
    };
  }

  private cancelPendingAnalysis(): void {
    if (this.analysisTimer) clearTimeout(this.analysisTimer);
    this.analysisTimer = undefined;
  }

  private analyzed(): boolean {
    return this.results?.index === this.index && this.results.generation === this.index.generation;
  }

  private clientUri(key: string): string {
    return this.open.get(key) ?? key;
  }

  private excluded(key: string): boolean {
    // Checked for every file indexed: nothing to convert when no folder excludes anything (the default).
    if (!key.startsWith('file:') || this.folders.every((f) => f.exclude.empty)) return false;
    let p: string;
    try {
      p = fileURLToPath(key);
    } catch {
      return false;
    }
    const folder = this.folders.find((f) => p === f.path || p.startsWith(f.path.endsWith(path.sep) ? f.path : f.path + path.sep));
    return !!folder && !folder.exclude.empty && folder.exclude.matches(path.relative(folder.path, p).split(path.sep).join('/'));
  }

  /** Brings the index up to date with `uri` and every other open document edited since it last saw them. */
  private syncOpen(uri: string): void {
    this.stale.add(uri);
    for (const u of [...this.stale]) this.syncDocument(u);
    this.changed();
  }

  private syncDocument(uri: string): void {
    this.stale.delete(uri);
    const doc = this.documents.get(uri);
    if (!doc || (!isYamlFile(uri) && doc.languageId !== 'yaml')) return;
    const key = canonicalUri(uri);
    this.open.set(key, uri);
    if (this.excluded(key)) return;
    this.index.setFile(key, this.cache.get(uri, doc.version, doc.getText()));
  }

  private loadFromDisk(key: string): void {
    let text: string;
    try {
      const p = fileURLToPath(key);
      if (this.excluded(key) || fs.statSync(p).size > MAX_FILE_BYTES) {
        this.index.removeFile(key);
        return;
      }
      text = fs.readFileSync(p, 'utf8');
    } catch {
      this.index.removeFile(key);
      return;
    }
    this.index.setFile(key, this.cache.parseFile(text));
  }

  /** The index changed: analyze once the burst of changes is over (not while loading: the load analyzes at its end). */
  private changed(): void {
    if (this.loading || (this.analyzed() && this.stale.size === 0)) return;
    if (this.analysisTimer) clearTimeout(this.analysisTimer);
    const timer = setTimeout(() => {
      // Behind what is already queued: diagnostics computed when their own delay ended (often in this same timer
      // phase) are written before the analysis takes the thread.
      setImmediate(() => {
        if (this.analysisTimer !== timer) return; // rescheduled meanwhile
        this.analysisTimer = undefined;
        this.analyzeNow();
      });
    }, ANALYSIS_DELAY_MS);
    this.analysisTimer = timer;
  }

  private analyzeNow(): void {
    for (const uri of [...this.stale]) this.syncDocument(uri);
    // Opening a document whose text the index already has changes nothing: no run.
    if (this.analyzed()) {
      if (!this.analysisTimer) for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    const generation = this.index.generation;
    if (this.engine?.index !== this.index) this.engine = meshAnalysisEngine(this.index, { mesh: this.meshConfig });
    const res = this.engine.run();
    const byUri = new Map<string, MeshFinding[]>();
    for (const e of res?.errors ?? []) this.connection.console.error(`mesh analyzer failed: ${e}`);
    for (const f of res?.findings ?? []) {
      if (f.uri === ASSUMED_URI) continue;
      const list = byUri.get(f.uri);
      if (list) list.push(f);
      else byUri.set(f.uri, [f]);
    }
    // Diagnostics served so far carried the previous findings (none before the first analysis).
    const before = this.results?.byUri ?? new Map<string, MeshFinding[]>();
    this.results = { index: this.index, generation, byUri };
    const changed = changedUris(before, byUri);
    if (changed.length) this.refresh(changed.map((u) => this.clientUri(u)));
    this.onAnalyzed?.();
    if (!this.analysisTimer) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async readSettings(folderUris: readonly string[]): Promise<MeshSettings[]> {
    if (!this.clientHasConfiguration) return folderUris.map(() => DEFAULT_MESH_SETTINGS);
    const scopes = folderUris.length ? folderUris : [undefined];
    try {
      const items = scopes.flatMap((scopeUri) => [{ scopeUri, section: SETTINGS_SECTION }, { scopeUri, section: 'files.exclude' }]);
      const got = (await this.connection.workspace.getConfiguration(items)) as unknown[];
      return scopes.map((_, i) => toMeshSettings(got[2 * i], got[2 * i + 1]));
    } catch {
      return scopes.map(() => DEFAULT_MESH_SETTINGS);
    }
  }

  private applySettings(settings: MeshSettings[]): void {
    this.folders = this.folderUris.flatMap((u, i) => {
      try {
        return [{ path: fileURLToPath(u), exclude: new GlobSet(settings[i]?.exclude ?? []) }];
      } catch {
        return [];
      }
    });
    const first = settings[0] ?? DEFAULT_MESH_SETTINGS;
    let overlay: Obj = {};
    if (first.meshConfigFile) {
      const text = this.readSettingFile('mesh.configFile', first.meshConfigFile);
      const parsed = text === undefined ? undefined : parseMeshConfig(text);
      if (parsed && !parsed.ok) this.connection.console.warn(`mesh.configFile: ${parsed.error}`);
      else if (parsed) overlay = parsed.value;
    }
    this.meshConfig = meshConfigWith(overlay);
    this.engine = undefined;
  }

  private setBaseline(settings: MeshSettings[]): void {
    const first = settings[0] ?? DEFAULT_MESH_SETTINGS;
    if (!first.assumeResources || this.meshConfig.ingressControllerMode === 'OFF') return;
    const text = first.assumeResourcesFile ? this.readSettingFile('mesh.assumedResources.file', first.assumeResourcesFile) : undefined;
    setAssumedResources(this.index, text);
  }

  /** A file named by a setting, relative to the first workspace folder; undefined (and a log line) when unreadable. */
  private readSettingFile(setting: string, file: string): string | undefined {
    const p = path.isAbsolute(file) || !this.folders[0] ? file : path.join(this.folders[0].path, file);
    try {
      return fs.readFileSync(p, 'utf8');
    } catch (e) {
      this.connection.console.warn(`${SETTINGS_SECTION}.${setting}: cannot read ${p}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
}

function toPath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Files whose findings differ between two analyses. */
function changedUris(a: Map<string, MeshFinding[]>, b: Map<string, MeshFinding[]>): string[] {
  const out: string[] = [];
  for (const uri of new Set([...a.keys(), ...b.keys()])) {
    const fa = a.get(uri) ?? [];
    const fb = b.get(uri) ?? [];
    // The incremental analysis repeats unchanged findings as the same objects: only the others are compared as text.
    if (fa.length !== fb.length || fa.some((f, i) => f.finding !== fb[i].finding && JSON.stringify(f.finding) !== JSON.stringify(fb[i].finding))) out.push(uri);
  }
  return out;
}
