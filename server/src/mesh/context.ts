// What a mesh analyzer sees: the index, mesh config, and a report() that places findings on the exact field. Every read
// goes through the context, which records it (deps.ts): the incremental analysis (incremental.ts) re-runs an analyzer,
// or one subject of it, only when a change touches what it read.
import { isCollection, isNode, type Node } from 'yaml';
import type { Cancellation, Finding, Fix, Range, RelatedLocation, Severity } from '../core/types';
import { readKey, type KeyedIndex, type Read } from './deps';
import type { MeshIndex } from './index';
import { formatMessage, levelOf } from './messages';
import { friendlyOf, labels, refOf, selectorMatches, type MeshResource, type Obj } from './model';

export type YamlPath = readonly (string | number)[];

/** A finding of the mesh analysis, in the file of the resource it is about. */
export interface MeshFinding {
  uri: string;
  /** Istio's friendly resource name ("VirtualService default/reviews"). */
  friendly: string;
  analyzer: string;
  finding: Finding;
}

/**
 * A mesh analyzer. Its analysis reads only through the context. Where it looks at resources one at a time, it iterates
 * them with `ctx.subjects(kind)`: what it reads and reports inside that loop's body belongs to that subject alone, and a
 * later run skips (and repeats the findings of) each subject whose reads no change touched. What it reads outside such
 * a loop is read for all: a change touching it re-runs everything. Nothing found for one subject may carry over to the
 * next (an analysis that accumulates over resources reads them all outside such a loop).
 */
export interface MeshAnalyzer {
  /** Istio's analyzer name (Metadata().Name), e.g. "virtualservice.GatewayAnalyzer". */
  readonly name: string;
  /** Run only when asked for by name (istioctl leaves such analyzers out of its default set). */
  readonly optIn?: boolean;
  analyze(ctx: AnalysisContext): void;
}

export interface RelatedRef {
  resource: MeshResource;
  path?: YamlPath;
  message: string;
}

/** Reads and findings of one part of an analyzer's run: its whole-workspace part, or one subject. */
export interface Part {
  /** Keys read without a predicate. */
  keys: Set<string>;
  /** Reads narrowed by a predicate. */
  narrowed: Read[];
  findings: MeshFinding[];
}

/** What one analyzer's run leaves for the next: its reads and findings, per subject. */
export interface AnalyzerRun {
  global: Part;
  subjects: Map<MeshResource, Part>;
  /** Kinds iterated by ctx.subjects. */
  subjectKinds: Set<string>;
  /** Every finding, in order. */
  output: MeshFinding[];
  /** Subjects analyzed (not repeated from the previous run). */
  analyzed: number;
}

function newPart(): Part {
  return { keys: new Set(), narrowed: [], findings: [] };
}

export class AnalysisContext {
  current = '';
  /** The analyzers asked for by name (undefined: the default set, file analyzers included). */
  only: ReadonlySet<string> | undefined;
  private run: AnalyzerRun = { global: newPart(), subjects: new Map(), subjectKinds: new Set(), output: [], analyzed: 0 };
  /** Where reads go: the whole-workspace part, a subject's, or a memo's while it is computed. */
  private scope: Part = this.run.global;
  private inSubject = false;
  /** A subject's part of the previous run, findings made current, when nothing it read changed; set by the engine. */
  private unchanged: ((r: MeshResource) => Part | undefined) | undefined;
  private readonly memos = new Map<string, { value: unknown; reads: Part }>();
  /** Per kind, its resources by "label=value". */
  private readonly labelIndex = new Map<string, Map<string, MeshResource[]>>();
  /**
   * Answers of selected() by kind, namespace and selector: analyzers ask for the same few selectors (a subset's
   * "version", a gateway's "istio") for subject after subject. The index does not change during a run.
   */
  private readonly selections = new Map<string, readonly MeshResource[]>();
  private readonly keyed = new Map<KeyedIndex<unknown>, Map<string, { r: MeshResource; value: unknown }[]>>();
  /** Ranges located so far, per resource and path: findings often name the same resources (a gateway conflicting with many). */
  private readonly located = new Map<MeshResource, Map<string, Range>>();

  constructor(
    /** Read only through the methods below, which record what is read. */
    private readonly index: MeshIndex,
    /** Mesh config (defaults merged with the mesh config file). */
    readonly mesh: Obj,
    readonly meshNetworks: Obj,
    readonly token: Cancellation,
  ) {}

  /** Starts an analyzer's run; `unchanged` answers for subjects whose previous findings still hold (none: all run). */
  begin(name: string, unchanged?: (r: MeshResource) => Part | undefined): void {
    this.current = name;
    this.run = { global: newPart(), subjects: new Map(), subjectKinds: new Set(), output: [], analyzed: 0 };
    this.scope = this.run.global;
    this.inSubject = false;
    this.unchanged = unchanged;
  }

  /** Ends the analyzer's run: what it read and found. */
  end(): AnalyzerRun {
    const run = this.run;
    this.run = { global: newPart(), subjects: new Map(), subjectKinds: new Set(), output: [], analyzed: 0 };
    this.scope = this.run.global;
    this.unchanged = undefined;
    return run;
  }

  /** The findings of the run so far (of the analyzer running). */
  get findings(): readonly MeshFinding[] {
    return this.run.output;
  }

  /**
   * The resources of a kind, each the subject of the loop body's reads and reports. A subject whose reads no change
   * touched since the previous run is not yielded: its findings are repeated. Loops do not nest, and the body must not
   * leave the loop early (every subject's findings are collected).
   */
  *subjects(gk: string): Generator<MeshResource> {
    if (this.inSubject) throw new Error(`${this.current}: subjects() loops do not nest`);
    if (this.run.subjectKinds.has(gk)) throw new Error(`${this.current}: subjects(${gk}) iterated twice`);
    this.run.subjectKinds.add(gk);
    for (const r of this.index.ofKind(gk)) {
      const kept = this.unchanged?.(r);
      if (kept) {
        this.run.output.push(...kept.findings);
        this.run.subjects.set(r, kept);
        continue;
      }
      const part = newPart();
      const start = this.run.output.length;
      this.scope = part;
      this.inSubject = true;
      try {
        yield r;
      } finally {
        this.scope = this.run.global;
        this.inSubject = false;
        part.findings = this.run.output.slice(start);
        this.run.subjects.set(r, part);
        this.run.analyzed++;
      }
    }
  }

  private read(key: string, pred?: (r: MeshResource) => boolean): void {
    if (pred) this.scope.narrowed.push({ key, pred });
    else this.scope.keys.add(key);
  }

  /** Every resource of a kind. */
  forEach(gk: string): readonly MeshResource[] {
    this.read(readKey.kind(gk));
    return this.index.ofKind(gk);
  }

  /** The resources of a kind in one namespace. */
  inNamespace(gk: string, namespace: string): readonly MeshResource[] {
    this.read(readKey.namespace(gk, namespace));
    return this.index.inNamespace(gk, namespace);
  }

  /**
   * The resources of a kind (in one namespace when given) that `pred` accepts. `pred` must be a pure function of the
   * resource: the analysis may depend on the others only through it (a change of a resource it rejects, before and
   * after, does not re-run the reader).
   */
  where(gk: string, pred: (r: MeshResource) => boolean, namespace?: string): MeshResource[] {
    this.read(namespace === undefined ? readKey.kind(gk) : readKey.namespace(gk, namespace), pred);
    return (namespace === undefined ? this.index.ofKind(gk) : this.index.inNamespace(gk, namespace)).filter(pred);
  }

  /** The first resource of a kind (in one namespace when given) that `pred` accepts (see where). */
  find(gk: string, pred: (r: MeshResource) => boolean, namespace?: string): MeshResource | undefined {
    this.read(namespace === undefined ? readKey.kind(gk) : readKey.namespace(gk, namespace), pred);
    return (namespace === undefined ? this.index.ofKind(gk) : this.index.inNamespace(gk, namespace)).find(pred);
  }

  /**
   * The resources of a kind (in one namespace when given) whose labels `selector` matches (all of them for an empty
   * selector), in file order.
   */
  selected(gk: string, selector: Readonly<Record<string, string>>, namespace?: string): readonly MeshResource[] {
    this.read(namespace === undefined ? readKey.kind(gk) : readKey.namespace(gk, namespace), (r) => selectorMatches(selector, labels(r)));
    if (isEmpty(selector)) return namespace === undefined ? this.index.ofKind(gk) : this.index.inNamespace(gk, namespace);
    const key = JSON.stringify([gk, namespace ?? null, selector]);
    let out = this.selections.get(key);
    if (!out) this.selections.set(key, (out = this.select(gk, selector, namespace)));
    return out;
  }

  private select(gk: string, selector: Readonly<Record<string, string>>, namespace: string | undefined): readonly MeshResource[] {
    let byLabel = this.labelIndex.get(gk);
    if (!byLabel) {
      byLabel = new Map();
      for (const r of this.index.ofKind(gk)) {
        for (const [k, v] of Object.entries(labels(r))) {
          const key = `${k}=${v}`;
          const list = byLabel.get(key);
          if (list) list.push(r);
          else byLabel.set(key, [r]);
        }
      }
      this.labelIndex.set(gk, byLabel);
    }
    // Filter the shortest of the selector's label lists (each in file order): common labels ("app", "version") list many
    // resources, so the first label's list is often far longer than needed.
    let narrowest: readonly MeshResource[] | undefined;
    for (const k in selector) {
      const list = byLabel.get(`${k}=${selector[k]}`);
      if (!list) return [];
      if (!narrowest || list.length < narrowest.length) narrowest = list;
    }
    return (narrowest ?? []).filter((r) => (namespace === undefined || r.namespace === namespace) && selectorMatches(selector, labels(r)));
  }

  get(gk: string, namespace: string, name: string): MeshResource | undefined {
    this.read(readKey.name(gk, namespace, name));
    return this.index.get(gk, namespace, name);
  }

  /** Every definition of kind/namespace/name: a reference is satisfied when any of them satisfies it. */
  getAll(gk: string, namespace: string, name: string): readonly MeshResource[] {
    this.read(readKey.name(gk, namespace, name));
    return this.index.getAll(gk, namespace, name);
  }

  /** Definitions replaced by a later definition of the same resource in the same file. */
  shadowed(): readonly { resource: MeshResource; by: MeshResource }[] {
    this.read(readKey.shadowed);
    return this.index.shadowed();
  }

  /** The entries filed under `key` by a keyed index, in the order of its kinds, each kind in file order. */
  lookup<T>(def: KeyedIndex<T>, key: string): readonly { r: MeshResource; value: T }[] {
    this.read(readKey.keyed(def.name, key));
    let map = this.keyed.get(def as KeyedIndex<unknown>);
    if (!map) {
      map = new Map();
      for (const gk of def.kinds) {
        for (const r of this.index.ofKind(gk)) {
          for (const [k, value] of def.entries(r, this.mesh)) {
            const list = map.get(k);
            if (list) list.push({ r, value });
            else map.set(k, [{ r, value }]);
          }
        }
      }
      this.keyed.set(def as KeyedIndex<unknown>, map);
    }
    return (map.get(key) ?? []) as { r: MeshResource; value: T }[];
  }

  /**
   * A value computed once per run and shared by the parts that use it (one per key: the key must determine the value),
   * each of which reads what computing it read. No reports inside.
   */
  memo<T>(key: string, compute: () => T): T {
    let m = this.memos.get(key);
    if (!m) {
      const outer = this.scope;
      const reads = newPart();
      this.scope = reads;
      try {
        m = { value: compute(), reads };
      } finally {
        this.scope = outer;
      }
      this.memos.set(key, m);
    }
    for (const k of m.reads.keys) this.scope.keys.add(k);
    this.scope.narrowed.push(...m.reads.narrowed);
    return m.value as T;
  }

  /** A finding of this product's own (not an Istio message): our code, level and text. */
  reportOwn(code: string, severity: Severity, r: MeshResource, path: YamlPath | undefined, message: string, related: RelatedRef[] = []): void {
    this.run.output.push({
      uri: r.uri, friendly: friendlyOf(r), analyzer: this.current,
      finding: {
        range: this.locate(r, path ?? ['metadata', 'name']), severity, code, message, source: 'istio-workbench', resource: refOf(r),
        ...(related.length ? { related: related.map((x) => this.toRelated(x)) } : {}),
      },
    });
  }

  /**
   * Reports Istio message `code` on resource r, at the field `path` (relative to the resource) when it exists, or at a
   * range of its file.
   */
  report(code: string, r: MeshResource, path: YamlPath | Range | undefined, args: readonly unknown[], related: RelatedRef[] = [], fixes: Fix[] = [], note?: { severity: Severity; text: string }): void {
    const message = formatMessage(code, args) + (note ? ` ${note.text}` : '');
    this.run.output.push({
      uri: r.uri, friendly: friendlyOf(r), analyzer: this.current,
      finding: {
        range: path === undefined || isPath(path) ? this.locate(r, path ?? ['metadata', 'name']) : path, severity: note?.severity ?? levelOf(code), code, message,
        source: 'istio-workbench', resource: refOf(r),
        ...(related.length ? { related: related.map((x) => this.toRelated(x)) } : {}),
        ...(fixes.length ? { fixes } : {}),
      },
    });
  }

  private toRelated(r: RelatedRef): RelatedLocation {
    return { uri: r.resource.uri, range: this.locate(r.resource, r.path ?? ['metadata', 'name']), message: r.message };
  }

  /** locate(r, path), computed once per run for each resource and path (a new Range object each time, as locate gives). */
  private locate(r: MeshResource, path: YamlPath): Range {
    let byPath = this.located.get(r);
    if (!byPath) this.located.set(r, (byPath = new Map()));
    const key = JSON.stringify(path);
    let range = byPath.get(key);
    if (!range) byPath.set(key, (range = locate(r, path)));
    return { start: { ...range.start }, end: { ...range.end } };
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

function isPath(p: YamlPath | Range): p is YamlPath {
  return Array.isArray(p);
}

/**
 * One finding per analyzer, file, range, code and message, the related locations of repeats merged: an analyzer that meets
 * several definitions of another resource (alternatives in different files) reports what it found once.
 */
export function mergeRepeats(findings: readonly MeshFinding[]): MeshFinding[] {
  const seen = new Map<string, number>();
  const out: MeshFinding[] = [];
  for (const f of findings) {
    const x = f.finding;
    const key = JSON.stringify([f.analyzer, f.uri, x.range, x.code, x.message, f.friendly]);
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(f);
      continue;
    }
    // A new object: the findings given are kept as they are (the incremental analysis repeats them in later runs).
    const first = out[at];
    const extra = (x.related ?? []).filter((r) => !first.finding.related?.some((o) => o.uri === r.uri && JSON.stringify(o.range) === JSON.stringify(r.range)));
    if (extra.length) out[at] = { ...first, finding: { ...first.finding, related: [...(first.finding.related ?? []), ...extra] } };
  }
  return out;
}

/** Range of the node at path (the value of a key), falling back to the closest existing parent, then metadata.name. */
export function locate(r: MeshResource, path: YamlPath): Range {
  const full = [...r.base, ...path];
  for (let n = full.length; n >= 0; n--) {
    const node = nodeAt(r, full.slice(0, n));
    if (node?.range && (n === full.length || n > r.base.length + 1 || !isCollection(node))) {
      return r.file.rangeOf(node.range[0], node.range[1]);
    }
    if (n <= r.base.length + 1) break;
  }
  const name = nodeAt(r, [...r.base, 'metadata', 'name']) ?? nodeAt(r, [...r.base, 'kind']);
  const range = name?.range ?? [r.file.docs[r.docIndex]?.start ?? 0, r.file.docs[r.docIndex]?.start ?? 0];
  return r.file.rangeOf(range[0], range[1]);
}

function nodeAt(r: MeshResource, path: YamlPath): Node | undefined {
  try {
    const n = path.length ? r.doc.getIn(path, true) : r.doc.contents;
    return isNode(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function relatedAt(resource: MeshResource, message: string, path?: YamlPath): RelatedRef {
  return { resource, path, message };
}
