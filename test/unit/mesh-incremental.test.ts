// The incremental mesh analysis finds exactly what a full analysis finds. Over real workspaces (the bookinfo sample, the
// benchmark's generated mesh workspace, Istio's analyzer-case inputs) a long sequence of random edits is applied (a value
// changed for another one of the workspace: a host, a subset, a label, a gateway name, a port, a namespace...; a line,
// a resource or a file deleted; a resource moved or copied to another file or duplicated in its own; resources swapped;
// lines inserted; a Namespace with injection labels added; a deleted file added back...). After each burst of edits the
// incremental engine's findings must equal a from-scratch analysis of the same index, and the incremental runs must have
// analyzed far fewer subjects than full runs would.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { MeshFinding } from '../../server/src/mesh/context';
import { MeshIndex } from '../../server/src/mesh/index';
import { meshConfigWith, parseMeshConfig } from '../../server/src/mesh/meshconfig';
import type { Obj } from '../../server/src/mesh/model';
import { MESH_ANALYZERS } from '../../server/src/mesh/registry';
import { meshAnalysisEngine, setAssumedResources } from '../../server/src/mesh/run';
import { generateWorkspace } from '../bench/lib/workspace';

const ROOT = path.resolve(__dirname, '../../..');
const CASES = path.join(ROOT, 'test/fixtures/analyzers');

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALAR = /^(\s*(?:- )?)([\w./-]+): (\S.*)$/;
const ITEM = /^(\s*)- ([^\s:{}[\]]+)$/;

interface Workspace {
  name: string;
  files: Map<string, string>;
  index: () => MeshIndex;
  /** How a file joins the index (default: setFile). */
  set?: (index: MeshIndex, uri: string, text: string) => void;
  options: { only?: ReadonlySet<string>; mesh?: Obj };
}

function docsOf(text: string): string[] {
  return text.split(/^---.*\n?/m);
}

function joinDocs(docs: string[]): string {
  return docs.map((d) => (d === '' || d.endsWith('\n') ? d : `${d}\n`)).join('---\n');
}

/** Random edits of a workspace's texts, with values drawn from the workspace itself (so references break and mend). */
class Editor {
  private readonly scalars = new Map<string, string[]>();
  private readonly items: string[] = [];
  private readonly namespaces: string[] = [];
  private readonly deleted = new Map<string, string>();
  /** Files to set again in the index although their text is the same (parsed anew). */
  readonly reparse = new Set<string>();
  /** Files removed and added back: last in the order now. */
  readonly readded = new Set<string>();
  private next = 0;

  constructor(private readonly files: Map<string, string>, private readonly rnd: () => number) {
    for (const text of files.values()) {
      for (const line of text.split('\n')) {
        const m = SCALAR.exec(line);
        if (m) this.scalars.set(m[2], [...(this.scalars.get(m[2]) ?? []), m[3]]);
        const i = ITEM.exec(line);
        if (i) this.items.push(i[2]);
        if (m?.[2] === 'namespace') this.namespaces.push(m[3]);
      }
    }
    if (!this.namespaces.length) this.namespaces.push('default');
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)];
  }

  private uris(): string[] {
    return [...this.files.keys()];
  }

  /** Another value: one the workspace uses elsewhere, or a new one. */
  private other(pool: readonly string[], value: string): string {
    const r = this.rnd();
    if (r < 0.7 && pool.length) return this.pick(pool);
    if (r < 0.85) return `${value}-x`;
    return value.replace(/.$/, '');
  }

  /** Applies one random edit to the texts; returns what it did. */
  edit(): string {
    const uris = this.uris();
    if (!uris.length) return this.addBack() ?? 'nothing';
    const uri = this.pick(uris);
    const text = this.files.get(uri)!;
    const lines = text.split('\n');
    const docs = docsOf(text);
    const kind = this.rnd();
    if (kind < 0.3) {
      const at = lines.map((l, n) => (SCALAR.test(l) ? n : -1)).filter((n) => n >= 0);
      if (!at.length) return 'no scalar';
      const n = this.pick(at);
      const [, indent, key, value] = SCALAR.exec(lines[n])!;
      lines[n] = `${indent}${key}: ${this.other(this.scalars.get(key) ?? [], value)}`;
      this.files.set(uri, lines.join('\n'));
      return `${uri}:${n} ${key}: ${value} -> ${lines[n].trim()}`;
    }
    if (kind < 0.42) {
      const at = lines.map((l, n) => (ITEM.test(l) ? n : -1)).filter((n) => n >= 0);
      if (!at.length) return 'no item';
      const n = this.pick(at);
      const [, indent, value] = ITEM.exec(lines[n])!;
      lines[n] = `${indent}- ${this.other(this.items, value)}`;
      this.files.set(uri, lines.join('\n'));
      return `${uri}:${n} - ${value} -> ${lines[n].trim()}`;
    }
    if (kind < 0.5) {
      const n = Math.floor(this.rnd() * lines.length);
      const removed = lines.splice(n, 1 + Math.floor(this.rnd() * 3));
      this.files.set(uri, lines.join('\n'));
      return `${uri}:${n} lines deleted: ${JSON.stringify(removed)}`;
    }
    if (kind < 0.56) {
      const n = Math.floor(this.rnd() * (lines.length + 1));
      lines.splice(n, 0, ...(this.rnd() < 0.5 ? ['# a comment'] : ['', '# two', '']));
      this.files.set(uri, lines.join('\n'));
      return `${uri}:${n} lines inserted`;
    }
    if (kind < 0.63) {
      const i = Math.floor(this.rnd() * docs.length);
      const [doc] = docs.splice(i, 1);
      this.files.set(uri, joinDocs(docs));
      return `${uri} document ${i} deleted: ${doc.slice(0, 60)}`;
    }
    if (kind < 0.7) {
      // Moved to another file (a new one at times), or copied there (alternative definitions).
      const i = Math.floor(this.rnd() * docs.length);
      const doc = docs[i];
      const copy = this.rnd() < 0.4;
      if (!copy) docs.splice(i, 1);
      const to = this.rnd() < 0.2 ? `${uri}.moved-${this.next++}.yaml` : this.pick(uris);
      this.files.set(uri, joinDocs(docs));
      const target = this.files.get(to);
      this.files.set(to, target === undefined ? doc : joinDocs([...docsOf(target), doc]));
      return `${uri} document ${i} ${copy ? 'copied' : 'moved'} to ${to}`;
    }
    if (kind < 0.74) {
      // Defined again later in its own file: the earlier definition is replaced.
      const i = Math.floor(this.rnd() * docs.length);
      docs.push(docs[i]);
      this.files.set(uri, joinDocs(docs));
      return `${uri} document ${i} repeated`;
    }
    if (kind < 0.79) {
      if (docs.length < 2) return 'one document';
      const i = Math.floor(this.rnd() * docs.length);
      const j = Math.floor(this.rnd() * docs.length);
      [docs[i], docs[j]] = [docs[j], docs[i]];
      this.files.set(uri, joinDocs(docs));
      return `${uri} documents ${i} and ${j} swapped`;
    }
    if (kind < 0.84) {
      this.deleted.set(uri, text);
      this.files.delete(uri);
      return `${uri} deleted`;
    }
    if (kind < 0.88) return this.addBack() ?? 'nothing deleted';
    if (kind < 0.94) {
      const ns = this.pick(this.namespaces);
      const label = this.pick(['istio-injection: enabled', 'istio-injection: disabled', 'istio.io/rev: canary', 'istio.io/dataplane-mode: ambient', 'team: x']);
      const doc = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    ${label}\n`;
      this.files.set(uri, joinDocs([...docs, doc]));
      return `${uri} Namespace ${ns} (${label}) added`;
    }
    // The same text again (parsed anew), or the file removed and added back (it goes last in the index's order).
    if (this.rnd() < 0.5) {
      this.reparse.add(uri);
      return `${uri} parsed again`;
    }
    this.files.delete(uri);
    this.files.set(uri, text);
    this.readded.add(uri);
    return `${uri} removed and added back`;
  }

  private addBack(): string | undefined {
    const gone = [...this.deleted.keys()];
    if (!gone.length) return undefined;
    const uri = this.pick(gone);
    this.files.delete(uri);
    this.files.set(uri, this.deleted.get(uri)!);
    this.readded.add(uri);
    this.deleted.delete(uri);
    return `${uri} added back`;
  }
}

/** Brings the index to the texts: files removed, changed, parsed again, or gone last in the order (removed and added back). */
function sync(w: Workspace, index: MeshIndex, files: Map<string, string>, shown: Map<string, string>, reparse: Set<string>, readded: Set<string>): void {
  for (const uri of [...shown.keys()]) {
    if (!files.has(uri)) {
      index.removeFile(uri);
      shown.delete(uri);
    }
  }
  for (const uri of readded) {
    index.removeFile(uri);
    shown.delete(uri);
  }
  readded.clear();
  for (const [uri, text] of files) {
    if (shown.get(uri) === text && !reparse.has(uri)) continue;
    (w.set ?? ((i, u, t) => i.setFile(u, t)))(index, uri, text);
    shown.set(uri, text);
  }
  reparse.clear();
}

const canonical = (fs: readonly MeshFinding[]) => fs.map((f) => JSON.stringify(f)).sort();

function check(w: Workspace, seed: number, steps: number): { incremental: number; full: number } {
  const rnd = random(seed);
  const files = new Map(w.files);
  const index = w.index();
  const shown = new Map<string, string>();
  const editor = new Editor(files, rnd);
  sync(w, index, files, shown, editor.reparse, editor.readded);
  const engine = meshAnalysisEngine(index, w.options);
  const first = engine.run()!;
  assert.deepEqual(first.errors, []);
  let incremental = 0;
  let full = 0;
  const log: string[] = [];
  for (let step = 0; step < steps; step++) {
    const burst = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < burst; i++) log.push(`${step}: ${editor.edit()}`);
    sync(w, index, files, shown, editor.reparse, editor.readded);
    assert.deepEqual([...shown.keys()], index.uris().filter((u) => shown.has(u)), 'the index has the files in the order of the texts');
    const got = engine.run()!;
    // A from-scratch analysis of the same index (what runMeshAnalysis runs).
    const fresh = meshAnalysisEngine(index, w.options).run()!;
    assert.ok(fresh.stats.full);
    const want = fresh;
    assert.deepEqual(got.errors, want.errors);
    const [a, b] = [canonical(got.findings), canonical(want.findings)];
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      const extra = a.filter((x) => !b.includes(x));
      const missing = b.filter((x) => !a.includes(x));
      assert.fail(`${w.name} (seed ${seed}) step ${step}: incremental findings differ from a full analysis\n` +
        `edits:\n  ${log.slice(-6).join('\n  ')}\nonly incremental:\n  ${extra.slice(0, 3).join('\n  ')}\nonly full:\n  ${missing.slice(0, 3).join('\n  ')}`);
    }
    // The same order as well: the engine repeats findings where a full run puts them.
    assert.deepEqual(got.findings.map((f) => JSON.stringify(f)), want.findings.map((f) => JSON.stringify(f)), `${w.name} step ${step}: order`);
    incremental += got.stats.subjectsAnalyzed;
    full += fresh.stats.subjectsAnalyzed;
  }
  return { incremental, full };
}

function readTree(dir: string, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.set(`${prefix}${path.relative(dir, p).split(path.sep).join('/')}`, fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const workspaceIndex = () => {
  const index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
  setAssumedResources(index);
  return index;
};

test('incremental = full analysis over random edits of the bookinfo sample', (t) => {
  const w: Workspace = { name: 'bookinfo', files: readTree(path.join(ROOT, 'test/fixtures/mesh/bookinfo'), 'file:///bookinfo/'), index: workspaceIndex, options: {} };
  const { incremental, full } = check(w, 1, 300);
  t.diagnostic(`subjects analyzed: incremental ${incremental}, full ${full}`);
  assert.ok(incremental < full / 2, `incremental runs analyzed ${incremental} subjects, full runs ${full}`);
});

test('incremental = full analysis over random edits of the generated mesh workspace, analyzing a fraction of it', (t) => {
  const files = new Map(generateWorkspace(330, 300, 10, { mesh: true }).files.map((f) => [`file:///bench/${f.name}`, f.text]));
  const w: Workspace = { name: 'generated', files, index: workspaceIndex, options: {} };
  const { incremental, full } = check(w, 2, 150);
  t.diagnostic(`subjects analyzed: incremental ${incremental}, full ${full}`);
  assert.ok(incremental < full / 10, `incremental runs analyzed ${incremental} subjects, full runs ${full}`);
});

test("incremental = full analysis over random edits of Istio's analyzer-case inputs, every analyzer", (t) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(CASES, 'analyzer-cases.json'), 'utf8')) as { cases: { inputFiles?: string[] }[] };
  const inputs = [...new Set(manifest.cases.flatMap((c) => c.inputFiles ?? []))];
  const files = new Map(inputs.map((f) => [f, fs.readFileSync(path.join(CASES, f), 'utf8')]));
  const index = () => {
    const i = new MeshIndex({ defaultNamespace: '' });
    setAssumedResources(i);
    return i;
  };
  const w: Workspace = { name: 'istio cases', files, index, options: { only: new Set(MESH_ANALYZERS.map((a) => a.name)) } };
  const { incremental, full } = check(w, 3, 200);
  t.diagnostic(`subjects analyzed: incremental ${incremental}, full ${full}`);
  assert.ok(incremental < full / 2, `incremental runs analyzed ${incremental} subjects, full runs ${full}`);
});

test("incremental = full analysis over random edits of each Istio analyzer case, as its environment describes", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(CASES, 'analyzer-cases.json'), 'utf8')) as {
    cases: { id: string; analyzer: string; inputFiles?: string[]; meshConfigFile?: string; clusters?: Record<string, string[]> }[];
  };
  const known = new Set(MESH_ANALYZERS.map((a) => a.name));
  let n = 0;
  for (const c of manifest.cases) {
    if (!known.has(c.analyzer)) continue;
    const overlay = c.meshConfigFile ? parseMeshConfig(fs.readFileSync(path.join(CASES, c.meshConfigFile), 'utf8')) : undefined;
    const mesh = meshConfigWith(overlay?.ok ? overlay.value : {});
    const files = new Map<string, string>();
    const clusterOf = new Map<string, string>();
    for (const [cluster, list] of Object.entries(c.clusters ?? { '': c.inputFiles ?? [] })) {
      for (const f of list) {
        files.set(`${cluster}:${f}`, fs.readFileSync(path.join(CASES, f), 'utf8'));
        if (cluster) clusterOf.set(`${cluster}:${f}`, cluster);
      }
    }
    const index = () => {
      const i = new MeshIndex({ defaultNamespace: '' });
      if (mesh.ingressControllerMode !== 'OFF') setAssumedResources(i);
      return i;
    };
    // Files of a multi-cluster case belong to their cluster.
    const set = (i: MeshIndex, uri: string, text: string) => i.setFile(uri, text, clusterOf.has(uri) ? { cluster: clusterOf.get(uri) } : {});
    check({ name: c.id, files, index, set, options: { only: new Set([c.analyzer]), mesh } }, 100 + n++, 12);
  }
  assert.ok(n > 60, `${n} cases`);
});
