// The compiled schemas (dist/schemas, written by server/schemas/build-schemas.mjs): an index read on first use and one
// file per group/version loaded lazily, with its CEL rules already parsed (cel.ts). Pure: plain Node fs, no LSP. The
// directory comes from the caller.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addPrecompiledRules } from './cel';

/** A node of the compact schema: OpenAPI v3 keys (what validation, completion and hover need); $ref indexes `defs`. */
export interface SchemaNode {
  $ref?: number;
  type?: string;
  format?: string;
  enum?: unknown[];
  required?: string[];
  nullable?: boolean;
  default?: unknown;
  description?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  not?: SchemaNode;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
  'x-iwb-scope'?: 'Namespaced' | 'Cluster';
}

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

interface RawFile {
  gv: string;
  origin: 'builtin' | 'crd';
  kinds: Record<string, SchemaNode>;
  defs: SchemaNode[];
  /** The file's CEL rules compiled at build time, by rule text (cel.ts PrecompiledRule). */
  cel?: Record<string, unknown>;
}

interface IndexFile {
  format: number;
  groupVersions: Record<string, { file: string; origin: string; kinds: string[] }>;
}

/** One group/version: its kinds and the definition table their $refs point into. */
export class SchemaFile {
  private readonly merged = new WeakMap<SchemaNode, SchemaNode>();
  constructor(private readonly raw: RawFile) {}

  get groupVersion(): string {
    return this.raw.gv;
  }
  /** Built-in (Go) types treat null as absent; CRDs (structural schemas) reject null unless nullable. */
  get builtin(): boolean {
    return this.raw.origin === 'builtin';
  }
  kind(kind: string): SchemaNode | undefined {
    return Object.hasOwn(this.raw.kinds, kind) ? this.resolve(this.raw.kinds[kind]) : undefined;
  }
  /** Follows $ref; a referencing node's own description, default and allOf win over the target's. */
  resolve(node: SchemaNode): SchemaNode {
    let n = node;
    for (let hops = 0; n.$ref !== undefined && hops < 50; hops++) {
      const target = this.raw.defs[n.$ref];
      if (!target) return {};
      const cached = this.merged.get(n);
      if (cached) return cached;
      // Most references are a bare {$ref}: the target itself, with no copy made (resolve runs on every visit).
      if (!hasOwnKeys(n)) {
        n = target;
        continue;
      }
      const own: SchemaNode = { ...n };
      delete own.$ref;
      const out: SchemaNode = { ...target, ...own };
      if (own.allOf && target.allOf) out.allOf = [...target.allOf, ...own.allOf];
      if (target.$ref === undefined) this.merged.set(n, out);
      n = out;
    }
    return n;
  }
}

/** Whether a $ref node says anything besides its $ref. */
function hasOwnKeys(n: SchemaNode): boolean {
  for (const k in n) if (k !== '$ref') return true;
  return false;
}

export interface GroupVersionKind {
  apiVersion: string;
  kind: string;
}

/** Schemas added at run time (workspace and cluster CRDs, custom.ts): they win over the bundled ones for their kinds. */
export interface SchemaOverlay {
  lookup(apiVersion: string, kind: string): { file: SchemaFile; root: SchemaNode } | undefined;
  knownKinds(): GroupVersionKind[];
  /** Where a kind's run-time schema comes from (hover shows it), or undefined when the kind is not the overlay's. */
  sourceOf?(apiVersion: string, kind: string): string | undefined;
  /** Bumped whenever what lookup returns may have changed (results computed before are stale). */
  readonly generation: number;
}

/** Lazily loads compiled schemas from one directory. Expected failures (missing files) mean "no schema". */
export class SchemaStore {
  private index: IndexFile | null | undefined;
  private readonly files = new Map<string, SchemaFile | null>();
  overlay: SchemaOverlay | undefined;

  constructor(readonly dir: string) {}

  private loadIndex(): IndexFile | null {
    if (this.index === undefined) this.index = readJson<IndexFile>(path.join(this.dir, 'index.json'));
    return this.index;
  }

  /** The group/version's schemas, or undefined when we have none. */
  groupVersion(apiVersion: string): SchemaFile | undefined {
    const idx = this.loadIndex();
    const entry = idx && Object.hasOwn(idx.groupVersions, apiVersion) ? idx.groupVersions[apiVersion] : undefined;
    if (!entry) return undefined;
    if (!this.files.has(apiVersion)) {
      const raw = readJson<RawFile>(path.join(this.dir, entry.file));
      if (raw) addPrecompiledRules(raw.cel);
      this.files.set(apiVersion, raw ? new SchemaFile(raw) : null);
    }
    return this.files.get(apiVersion) ?? undefined;
  }

  lookup(apiVersion: string, kind: string): { file: SchemaFile; root: SchemaNode } | undefined {
    const custom = this.overlay?.lookup(apiVersion, kind);
    if (custom) return custom;
    const file = this.groupVersion(apiVersion);
    const root = file?.kind(kind);
    return file && root ? { file, root } : undefined;
  }

  /** Every apiVersion/kind pair we have a schema for, sorted. */
  knownKinds(): GroupVersionKind[] {
    const idx = this.loadIndex();
    const bundled = idx ? Object.entries(idx.groupVersions).flatMap(([apiVersion, e]) => e.kinds.map((kind) => ({ apiVersion, kind }))) : [];
    const have = new Set(bundled.map((b) => `${b.apiVersion}/${b.kind}`));
    const custom = (this.overlay?.knownKinds() ?? []).filter((c) => !have.has(`${c.apiVersion}/${c.kind}`));
    return [...bundled, ...custom]
      .sort((a, b) => a.apiVersion.localeCompare(b.apiVersion) || a.kind.localeCompare(b.kind));
  }
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Where the compiled schemas are: next to the bundle (dist/schemas), else the repository's dist/schemas (tests, out/). */
export function defaultSchemaDir(from: string): string | undefined {
  const candidates = [path.join(from, 'schemas')];
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, 'dist', 'schemas'));
  return candidates.find((c) => fs.existsSync(path.join(c, 'index.json')));
}
