// The incremental mesh analysis: runs the analyzers over an index, then, after the index changed, re-runs only what the
// change can affect. What changed is found by comparing the index's active resources with the previous run's, file by
// file: a resource whose document has the same text (only moved by whole lines, in a file whose order among the others
// and whose resources' order are kept) is the same resource; any other, old or new, is changed and touches the keys of
// what it defines (deps.ts). An analyzer whose whole-workspace reads a change touches runs again in full; otherwise only
// its subjects that are new, changed or whose reads a change touches run, and the others' findings are repeated, their
// positions moved with their documents. A finding that cannot be moved (its document changed) re-runs its subject: an
// incremental run finds exactly what a full run over the same index finds (test/unit/mesh-incremental.test.ts). Pure.
// The records of a run (AnalyzerRun, Part) are handed on to the next run, which updates them in place.
import { NEVER_CANCELLED, type Cancellation, type Range } from '../core/types';
import { AnalysisContext, mergeRepeats, type AnalyzerRun, type MeshAnalyzer, type MeshFinding, type Part } from './context';
import { readKey, touchedKeys } from './deps';
import { identityOf, type MeshIndex } from './index';
import type { MeshResource, Obj } from './model';

export interface EngineOptions {
  /** Run only these analyzers (by Istio name). */
  only?: ReadonlySet<string>;
  analyzers: readonly MeshAnalyzer[];
  mesh: Obj;
  meshNetworks: Obj;
}

export interface EngineResult {
  findings: MeshFinding[];
  errors: string[];
  /** What this run did: analyzers run (fully or in part) and subjects analyzed; the rest was repeated. */
  stats: { analyzersRun: number; subjectsAnalyzed: number; changed: number; full: boolean };
}

interface FileState {
  readonly seq: number | undefined;
  readonly resources: readonly MeshResource[];
}

/** The active resources of the last run, per file. */
type Snapshot = ReadonlyMap<string, FileState>;

/** A document moved by whole lines: old lines [from, to] are now `delta` lines further. */
interface Shift {
  from: number;
  to: number;
  delta: number;
}

interface Change {
  /** Keys touched by the changed resources, with those resources (old and new definitions). */
  touched: Map<string, MeshResource[]>;
  /** New definition -> old, for the resources of changed files that only moved. */
  moved: Map<MeshResource, MeshResource>;
  /** New definitions that changed (or are new). */
  changed: Set<MeshResource>;
  /** Kinds of changed resources. */
  kinds: Set<string>;
  /** Changed files, with how to move a position there (none: nothing there can be moved). */
  files: Map<string, Shift[]>;
  count: number;
}

/** Per analyzer run, made when a change is first checked against it: the parts reading each key, the parts with a finding in each file. */
interface RunIndex {
  readers: Map<string, Part[]>;
  inFile: Map<string, Part[]>;
}

export class MeshAnalysisEngine {
  private runs = new Map<string, AnalyzerRun>();
  private readonly indexes = new WeakMap<AnalyzerRun, RunIndex>();
  private snapshot: Snapshot | undefined;
  private generation = -1;
  private last: EngineResult | undefined;

  constructor(
    readonly index: MeshIndex,
    private readonly opts: EngineOptions,
  ) {}

  /** Findings of every analyzer; undefined when cancelled (the next run is then a full one). */
  run(token: Cancellation = NEVER_CANCELLED): EngineResult | undefined {
    if (this.last && this.generation === this.index.generation) {
      return { ...this.last, stats: { analyzersRun: 0, subjectsAnalyzed: 0, changed: 0, full: false } };
    }
    const generation = this.index.generation;
    const snapshot = snapshotOf(this.index);
    const change = this.snapshot ? diff(this.snapshot, snapshot, this.opts.mesh) : undefined;
    // Any change of a file may change which definitions it replaces.
    if (change) change.touched.set(readKey.shadowed, []);
    const ctx = new AnalysisContext(this.index, this.opts.mesh, this.opts.meshNetworks, token);
    ctx.only = this.opts.only;
    const errors: string[] = [];
    const runs = new Map<string, AnalyzerRun>();
    const outputs = new Map<string, readonly MeshFinding[]>();
    const stats = { analyzersRun: 0, subjectsAnalyzed: 0, changed: change?.count ?? 0, full: !change };
    for (const a of this.opts.analyzers) {
      if (token.isCancellationRequested) {
        this.reset();
        return undefined;
      }
      if (this.opts.only ? !this.opts.only.has(a.name) : a.optIn) continue;
      const prev = change && this.runs.get(a.name);
      const kept = prev && this.reuse(prev, change);
      if (kept?.whole) {
        runs.set(a.name, kept.whole);
        outputs.set(a.name, kept.whole.output);
        continue;
      }
      stats.analyzersRun++;
      ctx.begin(a.name, kept?.subject);
      try {
        a.analyze(ctx);
        const run = ctx.end();
        stats.subjectsAnalyzed += run.analyzed;
        runs.set(a.name, run);
        outputs.set(a.name, run.output);
      } catch (e) {
        // What it found before failing is reported; nothing of it is kept for the next run, which runs it in full.
        outputs.set(a.name, ctx.end().output);
        errors.push(`${a.name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    }
    this.runs = runs;
    this.snapshot = snapshot;
    this.generation = generation;
    const findings = this.opts.analyzers.flatMap((a) => mergeRepeats(outputs.get(a.name) ?? []));
    this.last = { findings, errors, stats };
    return this.last;
  }

  /** Forgets the previous run: the next one analyzes everything. */
  reset(): void {
    this.runs = new Map();
    this.snapshot = undefined;
    this.generation = -1;
    this.last = undefined;
  }

  private indexOf(run: AnalyzerRun): RunIndex {
    let ix = this.indexes.get(run);
    if (ix) return ix;
    ix = { readers: new Map(), inFile: new Map() };
    const add = (m: Map<string, Part[]>, k: string, part: Part) => {
      const list = m.get(k);
      if (!list) m.set(k, [part]);
      else if (list[list.length - 1] !== part) list.push(part);
    };
    for (const part of [run.global, ...run.subjects.values()]) {
      for (const k of part.keys) add(ix.readers, k, part);
      for (const { key } of part.narrowed) add(ix.readers, key, part);
      for (const f of part.findings) for (const u of urisOf(f)) add(ix.inFile, u, part);
    }
    this.indexes.set(run, ix);
    return ix;
  }

  /**
   * What of an analyzer's previous run still holds (undefined: nothing, when a change touches its whole-workspace
   * reads): all of it when no subject of it changed or read something changed; else the subjects that can be repeated.
   * The findings kept are moved with their documents, in place.
   */
  private reuse(prev: AnalyzerRun, change: Change): { whole?: AnalyzerRun; subject: (r: MeshResource) => Part | undefined } | undefined {
    const ix = this.indexOf(prev);
    const dirty = new Set<Part>();
    for (const [key, rs] of change.touched) {
      for (const part of ix.readers.get(key) ?? []) {
        if (dirty.has(part)) continue;
        if (part.keys.has(key) || part.narrowed.some((n) => n.key === key && (!n.pred || rs.some(n.pred)))) dirty.add(part);
      }
    }
    if (dirty.has(prev.global)) return undefined;
    const moved = new Set<Part>();
    for (const uri of change.files.keys()) {
      for (const part of ix.inFile.get(uri) ?? []) {
        if (dirty.has(part) || moved.has(part)) continue;
        moved.add(part);
        const findings = moveFindings(change, part.findings);
        if (findings) part.findings = findings;
        else dirty.add(part);
      }
    }
    const subject = (r: MeshResource): Part | undefined => {
      if (change.changed.has(r)) return undefined;
      const part = prev.subjects.get(change.moved.get(r) ?? r);
      return part && !dirty.has(part) ? part : undefined;
    };
    if (dirty.size || [...prev.subjectKinds].some((k) => change.kinds.has(k))) return { subject };
    const output = moveFindings(change, prev.output);
    if (!output) return { subject };
    // Nothing to run: the same subjects (those that moved under their new definitions).
    for (const [n, o] of change.moved) {
      const part = prev.subjects.get(o);
      if (!part) continue;
      prev.subjects.delete(o);
      prev.subjects.set(n, part);
    }
    prev.output = output;
    prev.analyzed = 0;
    return { whole: prev, subject };
  }
}

/** The files a finding names: its own, its related locations', its fixes'. */
function urisOf(f: MeshFinding): Set<string> {
  const out = new Set([f.uri]);
  for (const r of f.finding.related ?? []) out.add(r.uri);
  for (const x of f.finding.fixes ?? []) for (const e of x.edits) if (e.uri) out.add(e.uri);
  return out;
}

/** Whether the finding names a changed file. */
function inChangedFile(change: Change, f: MeshFinding): boolean {
  if (change.files.has(f.uri)) return true;
  for (const r of f.finding.related ?? []) if (change.files.has(r.uri)) return true;
  for (const x of f.finding.fixes ?? []) for (const e of x.edits) if (e.uri && change.files.has(e.uri)) return true;
  return false;
}

/** The index's own map: made anew by each change of the index, never changed after. */
function snapshotOf(index: MeshIndex): Snapshot {
  return index.activeByFile();
}

/**
 * Key of a resource's position-independent content: its identity, where it sits in its document, and the document's
 * exact text (with the character after it, which the quick fixes' line ends look at). undefined when its document does
 * not start a line (positions in it would not move by whole lines).
 */
function contentKey(r: MeshResource): string | undefined {
  const d = r.file.docs.find((x) => x.index === r.docIndex);
  if (!d) return undefined;
  const text = r.file.text;
  if (d.start > 0 && text[d.start - 1] !== '\n') return undefined;
  return JSON.stringify([identityOf(r), !!r.derived, !!r.assumed, r.cluster ?? '', r.base, text.slice(d.start, d.end), text[d.end] ?? '']);
}

function docLines(r: MeshResource): { from: number; to: number } {
  const d = r.file.docs.find((x) => x.index === r.docIndex)!;
  const range = r.file.rangeOf(d.start, d.end);
  return { from: range.start.line, to: range.end.line };
}

function diff(before: Snapshot, after: Snapshot, mesh: Obj): Change {
  const change: Change = { touched: new Map(), moved: new Map(), changed: new Set(), kinds: new Set(), files: new Map(), count: 0 };
  const touch = (r: MeshResource) => {
    change.count++;
    change.kinds.add(r.gk);
    for (const k of touchedKeys(r, mesh)) {
      const list = change.touched.get(k);
      if (list) list.push(r);
      else change.touched.set(k, [r]);
    }
  };
  for (const uri of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(uri);
    const cur = after.get(uri);
    const oldList = old?.resources ?? [];
    const newList = cur?.resources ?? [];
    if (old && cur && old.seq === cur.seq && oldList.length === newList.length && oldList.every((r, i) => r === newList[i])) continue;
    // Pairs of old and new definitions with the same content, in order (the file kept its place among the others).
    const pairs: [MeshResource, MeshResource][] = [];
    if (old && cur && old.seq === cur.seq) {
      const queue = new Map<string, number[]>();
      oldList.forEach((r, i) => {
        const k = contentKey(r);
        if (k !== undefined) queue.set(k, [...(queue.get(k) ?? []), i]);
      });
      let last = -1;
      let ordered = true;
      for (const r of newList) {
        const k = contentKey(r);
        const i = k === undefined ? undefined : queue.get(k)?.shift();
        if (i === undefined) continue;
        if (i < last) ordered = false;
        last = i;
        pairs.push([oldList[i], r]);
      }
      // Resources that swapped places may change what depends on their order: then nothing of the file is kept.
      if (!ordered) pairs.length = 0;
    }
    const paired = new Set<MeshResource>();
    const shifts: Shift[] = [];
    for (const [o, n] of pairs) {
      paired.add(o);
      paired.add(n);
      if (o !== n) change.moved.set(n, o);
      const a = docLines(o);
      const b = docLines(n);
      shifts.push({ from: a.from, to: a.to, delta: b.from - a.from });
    }
    change.files.set(uri, shifts);
    for (const r of oldList) if (!paired.has(r)) touch(r);
    for (const r of newList) {
      if (paired.has(r)) continue;
      touch(r);
      change.changed.add(r);
    }
  }
  return change;
}

function moveRange(change: Change, uri: string, range: Range): Range | undefined {
  const shifts = change.files.get(uri);
  if (!shifts) return range;
  // A node's range may end at the start of the line after its document (the document's last line break).
  const s = shifts.find((x) => x.from <= range.start.line && (range.end.line <= x.to || (range.end.line === x.to + 1 && range.end.character === 0)));
  if (!s) return undefined;
  if (!s.delta) return range;
  return { start: { line: range.start.line + s.delta, character: range.start.character }, end: { line: range.end.line + s.delta, character: range.end.character } };
}

/** The finding with its positions moved along with their documents; undefined when one of them cannot be moved. */
function moveFinding(change: Change, f: MeshFinding): MeshFinding | undefined {
  if (!inChangedFile(change, f)) return f;
  const range = moveRange(change, f.uri, f.finding.range);
  if (!range) return undefined;
  const related = [];
  for (const r of f.finding.related ?? []) {
    const moved = moveRange(change, r.uri, r.range);
    if (!moved) return undefined;
    related.push(moved === r.range ? r : { ...r, range: moved });
  }
  const fixes = [];
  for (const x of f.finding.fixes ?? []) {
    const edits = [];
    for (const e of x.edits) {
      const moved = moveRange(change, e.uri ?? f.uri, e.range);
      if (!moved) return undefined;
      edits.push(moved === e.range ? e : { ...e, range: moved });
    }
    fixes.push({ ...x, edits });
  }
  return { ...f, finding: { ...f.finding, range, ...(f.finding.related ? { related } : {}), ...(f.finding.fixes ? { fixes } : {}) } };
}

function moveFindings(change: Change, findings: readonly MeshFinding[]): MeshFinding[] | undefined {
  const out: MeshFinding[] = [];
  for (const f of findings) {
    const moved = moveFinding(change, f);
    if (!moved) return undefined;
    out.push(moved);
  }
  return out;
}
