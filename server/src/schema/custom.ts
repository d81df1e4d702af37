// Schemas added at run time: CRDs from workspace files and from the connected cluster, compiled with the bundled
// schemas' compiler (crd.ts, compile.ts) and laid over the bundled store for the kinds they define. Pure (Node fs only,
// to read dist/schemas/crd-base.json).
//
// Precedence for one group/version/kind: a workspace CRD, then the cluster's, then the bundled schema. The workspace
// wins because it is what the user points the setting at (often the CRD about to be applied), the cluster next because
// it runs that version rather than the one we bundle. Between workspace files, the first by URI wins.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Lookup } from './compile';
import { compileCrds, crdBaseLookup, type DefinedKind } from './crd';
import { SchemaFile, type GroupVersionKind, type SchemaNode, type SchemaOverlay } from './store';

export type CustomOrigin = 'workspace' | 'cluster';

interface Source {
  key: string;
  origin: CustomOrigin;
  /** Where it comes from, as hover shows it: a file path or "cluster context x". */
  label: string;
  files: Map<string, SchemaFile>;
  kinds: DefinedKind[];
  /** The compiled units' JSON (workspace files): an update that compiles to the same schemas changes nothing. */
  fingerprint: string | undefined;
}

export interface CustomUpdate {
  /** Whether the schemas changed (validation results computed before are stale). */
  changed: boolean;
  kinds: DefinedKind[];
  skipped: { crd: string; reason: string }[];
}

const RANK: Record<CustomOrigin, number> = { workspace: 0, cluster: 1 };

export class CustomSchemas implements SchemaOverlay {
  private readonly sources = new Map<string, Source>();
  /** "apiVersion\0kind" -> the winning source's file. */
  private index = new Map<string, { file: SchemaFile; source: Source }>();
  private base: Lookup | undefined;
  private gen = 0;

  /** `schemaDir`: the compiled schemas (dist/schemas), whose crd-base.json holds ObjectMeta's definitions. */
  constructor(private readonly schemaDir: string | undefined) {}

  get generation(): number {
    return this.gen;
  }

  private baseLookup(): Lookup {
    if (!this.base) {
      let raw: unknown;
      try {
        raw = this.schemaDir ? JSON.parse(fs.readFileSync(path.join(this.schemaDir, 'crd-base.json'), 'utf8')) : undefined;
      } catch {
        raw = undefined;
      }
      this.base = crdBaseLookup(raw);
    }
    return this.base;
  }

  /** Replaces the CRDs of one source (a file URI, or "cluster") with `crds` (CRD objects as parsed from YAML or JSON). */
  set(key: string, origin: CustomOrigin, label: string, crds: readonly unknown[]): CustomUpdate {
    const compiled = compileCrds(crds, this.baseLookup());
    if (!compiled.units.length) return { changed: this.delete(key), kinds: [], skipped: compiled.skipped };
    // Workspace files are saved again unchanged all the time; the cluster's set (large, sent on connect) always counts.
    const fingerprint = origin === 'workspace' ? JSON.stringify(compiled.units) : undefined;
    const old = this.sources.get(key);
    if (old && fingerprint !== undefined && old.fingerprint === fingerprint && old.origin === origin) {
      old.label = label;
      return { changed: false, kinds: compiled.kinds, skipped: compiled.skipped };
    }
    const files = new Map(compiled.units.map((u) => [u.gv, new SchemaFile(u.toJSON() as ConstructorParameters<typeof SchemaFile>[0])]));
    this.sources.set(key, { key, origin, label, files, kinds: compiled.kinds, fingerprint });
    this.reindex();
    return { changed: true, kinds: compiled.kinds, skipped: compiled.skipped };
  }

  /** Drops one source; true when it had schemas. */
  delete(key: string): boolean {
    if (!this.sources.delete(key)) return false;
    this.reindex();
    return true;
  }

  /** The keys of the sources of one origin. */
  keys(origin: CustomOrigin): string[] {
    return [...this.sources.values()].filter((s) => s.origin === origin).map((s) => s.key);
  }

  lookup(apiVersion: string, kind: string): { file: SchemaFile; root: SchemaNode } | undefined {
    const hit = this.index.get(`${apiVersion}\0${kind}`);
    const root = hit?.file.kind(kind);
    return hit && root ? { file: hit.file, root } : undefined;
  }

  /** Where the schema of a kind comes from (e.g. "CRD widgets.example.com, crds/widget.yaml"), or undefined when bundled. */
  sourceOf(apiVersion: string, kind: string): string | undefined {
    const hit = this.index.get(`${apiVersion}\0${kind}`);
    if (!hit) return undefined;
    const crd = hit.source.kinds.find((k) => k.apiVersion === apiVersion && k.kind === kind)?.crd;
    return `${crd ? `CRD ${crd}, ` : ''}${hit.source.label}`;
  }

  knownKinds(): GroupVersionKind[] {
    return [...this.index.keys()].map((k) => {
      const [apiVersion, kind] = k.split('\0');
      return { apiVersion, kind };
    });
  }

  private reindex(): void {
    const ordered = [...this.sources.values()].sort((a, b) => RANK[a.origin] - RANK[b.origin] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const index = new Map<string, { file: SchemaFile; source: Source }>();
    for (const source of ordered) {
      for (const k of source.kinds) {
        const id = `${k.apiVersion}\0${k.kind}`;
        const file = source.files.get(k.apiVersion);
        if (file && !index.has(id)) index.set(id, { file, source });
      }
    }
    this.index = index;
    this.gen++;
  }
}
