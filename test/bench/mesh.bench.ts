// Mesh analysis benchmark (issue 4): our language server against yaml-language-server (the generic YAML tooling, configured
// with the same Kubernetes + Istio schemas; it has no cross-resource analysis), both over LSP stdio, side by side, fresh
// processes each repetition, on a generated 2,000-resource workspace whose applications are spread over files, with
// deliberate cross-file mistakes (lib/workspace.ts, `mesh`) and deliberate schema errors.
//   full analysis: `initialize` (the process is already up) -> every file's diagnostics. Ours indexes the workspace folder
//     from disk and runs the mesh analysis on `initialized` (done when it asks for a diagnostics refresh), then every file
//     is opened and pulled; yaml-language-server gets its settings, then every file is opened and validated (push).
//   re-analysis after one edit: a subset removed from (or put back into) a DestinationRule whose VirtualService lives in
//     another file (ours re-runs only what the edit can affect: the incremental mesh analysis). Ours: until the VirtualService's file, pulled after the server's refresh, shows the change (checked
//     against the library's findings for that state). yaml-language-server cannot update another file: until it has
//     re-validated the edited file.
// Idle delays are not work: both servers wait on purpose after a change (ours 150 ms before the mesh analysis,
// yaml-language-server 200 ms before validating); exactly that delay is subtracted, timer lateness stays counted. The same
// edit in a 4-resource workspace shows what remains of LSP round trips and timers when there is almost nothing to analyze.
// Ours is checked exactly: every file's pulled diagnostics must equal the library's findings (file analyzers + mesh
// analysis) over the same texts, and include every expected mesh finding; otherwise the bench fails.
// Env: BENCH_REPS (full runs per server, default 3), BENCH_EDITS (timed edits per run, default 10).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { ClientCapabilities, Diagnostic, Range } from 'vscode-languageserver-protocol/node';
import { SettingsState } from 'yaml-language-server/lib/umd/yamlSettings';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/analyzer';
import { analyzeParsed, applySettings } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED, type Finding } from '../../server/src/core/types';
import { MeshIndex } from '../../server/src/mesh/index';
import { meshConfigWith } from '../../server/src/mesh/meshconfig';
import { ASSUMED_URI, meshAnalysisEngine, runMeshAnalysis, setAssumedResources } from '../../server/src/mesh/run';
import { parseYaml } from '../../server/src/yaml/parse';
import { ANALYSIS_DELAY_MS } from '../../server/src/lsp/mesh';
import { BenchClient, sleep } from './lib/lsp';
import { writeYamlLsSchema } from './lib/jsonschema';
import { generateWorkspace, type BenchFile } from './lib/workspace';

const ROOT = path.resolve(__dirname, '../../..');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const EDITS = Number(process.env.BENCH_EDITS ?? 10);
const WARMUP_EDITS = 2;
/** The servers' deliberate waits after a change: ours before the mesh analysis, yaml-language-server before validating. */
const OUR_ANALYSIS_DELAY = ANALYSIS_DELAY_MS;
const YAMLLS_DELAY = new SettingsState().validationDelayMs;
/** Quiet time after which no more refreshes are expected (longer than the server's delays). */
const SETTLE_MS = 600;
/** Time for a spawned server process to boot and load its code before `initialize` (not measured). */
const BOOT_MS = 1500;

type Server = 'ours' | 'yaml-ls';

interface Workspace {
  /** The workspace folder. */
  root: string;
  files: BenchFile[];
  uris: Map<BenchFile, string>;
  schemaUri: string;
  edit: EditTarget;
}

interface EditTarget {
  /** The DestinationRule's file and the VirtualService's (another) file. */
  drFile: BenchFile;
  vsFile: BenchFile;
  /** Lines [line, line + removed lines) of the subset the edit removes, and their text. */
  line: number;
  removed: string;
  app: string;
}

interface RunResult {
  server: Server;
  initMs: number;
  /**
   * Ours: initialized -> the first refresh (workspace indexed and analyzed; NaN when the first pulls did not have every
   * finding yet, i.e. that refresh had another cause); yaml-ls: initialized -> settings applied.
   */
  prepareMs: number;
  openMs: number;
  fullMs: number;
  editMs: number[];
  /** Ours: edit -> the refresh that announced the change (the analysis, without the delay); the rest is the re-pull. */
  refreshMs: number[];
  byFile: Map<BenchFile, Diagnostic[]>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms: number) => (Number.isNaN(ms) ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function writeWorkspace(root: string, files: BenchFile[], schemaUri: string, edit: EditTarget): Workspace {
  fs.mkdirSync(root);
  const uris = new Map<BenchFile, string>();
  for (const f of files) {
    const p = path.join(root, f.name);
    fs.writeFileSync(p, f.text);
    uris.set(f, pathToFileURL(p).href);
  }
  return { root, files, uris, schemaUri, edit };
}

/** The DestinationRule `svc-<app>` and its subset v2 (the last three lines of the resource), and the VirtualService's file. */
function findEdit(files: BenchFile[], app: string): EditTarget | undefined {
  const docOf = (kind: string) => {
    for (const f of files) {
      for (const d of parseYaml(f.text).docs) {
        if (d.resource?.kind === kind && d.resource.name === app) return { f, start: f.text.slice(0, d.start).split('\n').length - 1, end: f.text.slice(0, d.end).split('\n').length - 1 };
      }
    }
    return undefined;
  };
  const dr = docOf('DestinationRule');
  const vs = docOf('VirtualService');
  if (!dr || !vs || dr.f === vs.f) return undefined;
  const lines = dr.f.text.split('\n');
  const line = lines.findIndex((l, n) => n >= dr.start && n <= dr.end && l === '    - name: v2');
  if (line < 0 || lines[line + 1] !== '      labels:' || lines[line + 2] !== '        version: v2') return undefined;
  return { drFile: dr.f, vsFile: vs.f, line, removed: lines.slice(line, line + 3).join('\n') + '\n', app };
}

function setup(): { dir: string; big: Workspace; tiny: Workspace; expectedCount: Record<string, number>; kinds: number; schemaBytes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-mesh-bench-'));
  const schemaFile = path.join(dir, 'k8s-istio.schema.json');
  const { kinds, bytes } = writeYamlLsSchema(path.join(ROOT, 'dist/schemas'), schemaFile);
  const schemaUri = pathToFileURL(schemaFile).href;
  const { files } = generateWorkspace(2000, 5000, 10, { mesh: true });
  // An application without planted mistakes whose DestinationRule and VirtualService are in two different regular files.
  let edit: EditTarget | undefined;
  for (let app = 100; !edit && app < 180; app++) {
    const e = findEdit(files.slice(1), `svc-${app}`);
    const planted = e && [e.drFile, e.vsFile].some((f) => f.meshMistakes.length || f.broken);
    if (e && !planted) edit = e;
  }
  if (!edit) throw new Error('no DestinationRule/VirtualService pair in two clean files');
  const expectedCount: Record<string, number> = {};
  for (const f of files) for (const m of f.meshMistakes) expectedCount[m.code] = (expectedCount[m.code] ?? 0) + 1;

  // The same edit with (almost) nothing else to analyze: the application's Deployment, Service, VirtualService and
  // DestinationRule, in two files.
  const appOnly = (f: BenchFile, kinds: string[]): BenchFile => {
    const docs = f.text.split(/^---\n/m).filter((d) => kinds.some((k) => d.includes(`\nkind: ${k}\n`)) && d.includes(`  name: ${edit.app}\n`));
    return { name: f.name, text: docs.join('---\n'), resources: docs.length, broken: 0, brokenLines: [], meshMistakes: [] };
  };
  const tinyFiles = [appOnly(edit.vsFile, ['VirtualService', 'Service', 'Deployment']), appOnly(edit.drFile, ['DestinationRule'])];
  const tinyEdit = findEdit(tinyFiles, edit.app);
  if (!tinyEdit) throw new Error('tiny workspace: no edit target');
  return {
    dir,
    big: writeWorkspace(path.join(dir, 'workspace'), files, schemaUri, edit),
    tiny: writeWorkspace(path.join(dir, 'tiny'), tinyFiles, schemaUri, tinyEdit),
    expectedCount, kinds, schemaBytes: bytes,
  };
}

function editedText(w: Workspace, removed: boolean): string {
  const lines = w.edit.drFile.text.split('\n');
  if (removed) lines.splice(w.edit.line, 3);
  return lines.join('\n');
}

/** The library's findings for every file (file analyzers + the mesh analysis, as the server runs them), by uri. */
function libraryFindings(w: Workspace, texts: Map<BenchFile, string>): Map<string, Finding[]> {
  const index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
  const out = new Map<string, Finding[]>();
  for (const f of w.files) {
    const uri = w.uris.get(f)!;
    const parsed = parseYaml(texts.get(f) ?? f.text);
    index.setFile(uri, parsed);
    out.set(uri, analyzeParsed(uri, parsed, NEVER_CANCELLED, { settings: DEFAULT_SETTINGS }) ?? []);
  }
  setAssumedResources(index);
  const res = runMeshAnalysis(index, { mesh: meshConfigWith() })!;
  if (res.errors.length) throw new Error(res.errors.join('\n'));
  for (const m of res.findings) {
    if (m.uri === ASSUMED_URI) continue;
    const kept = applySettings(m.analyzer, m.finding, DEFAULT_SETTINGS);
    if (kept) out.get(m.uri)?.push(kept);
  }
  return out;
}

const keyOf = (d: { code?: unknown; range: Range; message: string }) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;
const sameFindings = (got: Diagnostic[], want: Finding[]) => JSON.stringify(got.map(keyOf).sort()) === JSON.stringify(want.map(keyOf).sort());

/**
 * The library's figures over the same texts: index (parse), full mesh analysis, and after the edit (one file re-set), with
 * a full analysis and with the incremental one the server runs (checked equal to the full one).
 */
function inProcess(w: Workspace): { index: number; analysis: number; edit: number; incremental: number } {
  const build = () => {
    const index = new MeshIndex({ defaultNamespace: 'default', podsFromWorkloads: true });
    for (const f of w.files) index.setFile(w.uris.get(f)!, f.text);
    setAssumedResources(index);
    return index;
  };
  const idx: number[] = [];
  const full: number[] = [];
  let index = build();
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    index = build();
    idx.push(performance.now() - t);
    t = performance.now();
    runMeshAnalysis(index, { mesh: meshConfigWith() });
    full.push(performance.now() - t);
  }
  const edit: number[] = [];
  const drUri = w.uris.get(w.edit.drFile)!;
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    index.setFile(drUri, editedText(w, i % 2 === 0));
    runMeshAnalysis(index, { mesh: meshConfigWith() });
    if (i >= 5) edit.push(performance.now() - t);
  }
  const engine = meshAnalysisEngine(index, { mesh: meshConfigWith() });
  engine.run();
  const incremental: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    index.setFile(drUri, editedText(w, i % 2 === 0));
    const got = engine.run()!;
    if (i >= 5) incremental.push(performance.now() - t);
    const want = runMeshAnalysis(index, { mesh: meshConfigWith() })!;
    if (JSON.stringify(got.findings) !== JSON.stringify(want.findings)) throw new Error('the incremental analysis differs from a full one');
  }
  return { index: median(idx), analysis: median(full), edit: median(edit), incremental: median(incremental) };
}

const OUR_CAPS: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, diagnostics: { refreshSupport: true } },
  textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false }, diagnostic: { dynamicRegistration: false } },
};
const YAML_CAPS: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
  textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
};

async function run(server: Server, w: Workspace, expected: { base: Map<string, Finding[]>; removed: Map<string, Finding[]> }): Promise<RunResult> {
  const { files, uris } = w;
  const rootUri = pathToFileURL(w.root).href;
  const yamlSettings = {
    schemas: { [w.schemaUri]: ['*.yaml', '*.yml'] }, validate: true, hover: false, completion: false, format: { enable: false },
    schemaStore: { enable: false }, kubernetesCRDStore: { enable: false },
  };
  const client = server === 'yaml-ls'
    ? new BenchClient([path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'], (s) => (s === 'yaml' ? yamlSettings : {}), ROOT)
    : new BenchClient([path.join(ROOT, 'dist/server.js'), '--stdio'], () => ({}), ROOT);
  await sleep(BOOT_MS);
  const byFile = new Map<BenchFile, Diagnostic[]>();
  const prepared = client.next(server === 'ours' ? 'refresh' : 'config', 120_000);
  const t0 = performance.now();
  await client.initialize(server === 'ours' ? OUR_CAPS : YAML_CAPS, rootUri);
  const tInit = performance.now();
  // Ours: the workspace folder is indexed from disk and analyzed (a refresh says its findings are ready). yaml-ls: it asks
  // for its settings after `initialized`; the round trip after that answer ends once it has applied them.
  await prepared;
  if (server === 'yaml-ls') await client.roundTrip();
  const tPrepared = server === 'ours' ? client.refreshTimes[0] : performance.now();

  // Open every file; ours serves each file's diagnostics with the mesh findings on a pull, yaml-ls pushes after its delay.
  const tOpen = performance.now();
  let t1: number;
  let firstRoundFinal = true;
  if (server === 'ours') {
    const wrong = () => files.filter((f) => !sameFindings(byFile.get(f)!, expected.base.get(uris.get(f)!) ?? []));
    let round = client.refreshes;
    await Promise.all(files.map(async (f) => {
      await client.open(uris.get(f)!, f.text);
      byFile.set(f, await client.pull(uris.get(f)!));
    }));
    t1 = performance.now();
    firstRoundFinal = wrong().length === 0;
    // Settled: every file's diagnostics equal the library's, and no refresh came since the pulls that gave them (opening
    // re-indexes the files from the editor's texts, the same as on disk). A refresh means a re-pull of every file, as in
    // VS Code; the run ends with the last pull.
    for (;;) {
      if (client.refreshes === round) {
        if (wrong().length === 0) {
          await sleep(SETTLE_MS);
          if (client.refreshes === round) break;
        } else {
          await client.next('refresh', 30_000).catch(() => {
            throw new Error(`ours: diagnostics of ${wrong().length} files differ from the library's and no refresh follows, e.g. ${wrong()[0].name}`);
          });
        }
      }
      round = client.refreshes;
      await Promise.all(files.map(async (f) => byFile.set(f, await client.pull(uris.get(f)!))));
      t1 = performance.now();
    }
  } else {
    client.published = [];
    for (const f of files) await client.open(uris.get(f)!, f.text);
    const got = await Promise.all(files.map((f) => client.waitPublished((p) => p.uri === uris.get(f))));
    got.forEach((p, i) => byFile.set(files[i], p.diagnostics));
    t1 = Math.max(...got.map((p) => p.at)) - YAMLLS_DELAY;
  }
  const fullMs = t1 - t0;

  // Re-analysis after one edit: remove the subset, then put it back, alternately.
  const drUri = uris.get(w.edit.drFile)!;
  const vsUri = uris.get(w.edit.vsFile)!;
  const editMs: number[] = [];
  const refreshMs: number[] = [];
  let version = 1;
  for (let e = 0; e < WARMUP_EDITS + EDITS; e++) {
    // Each edit goes to an idle server: past the delays, and every message before it answered.
    await sleep(SETTLE_MS);
    await client.roundTrip();
    version++;
    const removing = e % 2 === 0;
    const range: Range = removing
      ? { start: { line: w.edit.line, character: 0 }, end: { line: w.edit.line + 3, character: 0 } }
      : { start: { line: w.edit.line, character: 0 }, end: { line: w.edit.line, character: 0 } };
    const newText = removing ? '' : w.edit.removed;
    let done: number;
    if (server === 'ours') {
      const want = (removing ? expected.removed : expected.base).get(vsUri) ?? [];
      let seen = client.refreshes;
      const t = performance.now();
      await client.change(drUri, version, range, newText);
      // As VS Code does: the edited document is pulled at once; the other file when the server asks for a refresh.
      const drDiags = client.pull(drUri);
      for (;;) {
        if (client.refreshes === seen) await client.next('refresh', 30_000);
        seen = client.refreshes;
        const items = await client.pull(vsUri);
        done = performance.now();
        if (sameFindings(items, want)) break;
      }
      await drDiags;
      editMs.push(done - t - OUR_ANALYSIS_DELAY);
      refreshMs.push(client.refreshTimes[client.refreshTimes.length - 1] - t - OUR_ANALYSIS_DELAY);
    } else {
      client.published = [];
      const t = performance.now();
      await client.change(drUri, version, range, newText);
      const p = await client.waitPublished((x) => x.uri === drUri);
      done = p.at;
      editMs.push(done - t - YAMLLS_DELAY);
    }
  }
  editMs.splice(0, WARMUP_EDITS);
  refreshMs.splice(0, WARMUP_EDITS);
  await client.shutdown();
  return { server, initMs: tInit - t0, prepareMs: firstRoundFinal ? tPrepared - tInit : NaN, openMs: t1 - tOpen, fullMs, editMs, refreshMs, byFile };
}

function report(w: Workspace, byFile: Map<BenchFile, Diagnostic[]>): { mesh: number; meshExpected: number; schema: number; schemaExpected: number } {
  let mesh = 0;
  let meshExpected = 0;
  let schema = 0;
  let schemaExpected = 0;
  for (const f of w.files) {
    const diags = byFile.get(f) ?? [];
    for (const m of f.meshMistakes) {
      meshExpected++;
      if (diags.some((d) => d.code === m.code && d.range.start.line === m.line)) mesh++;
    }
    for (const line of f.brokenLines) {
      schemaExpected++;
      if (diags.some((d) => d.range.start.line <= line && d.range.end.line >= line)) schema++;
    }
  }
  return { mesh, meshExpected, schema, schemaExpected };
}

async function main(): Promise<void> {
  const env = setup();
  const w = env.big;
  const { files } = w;
  const resources = files.reduce((a, f) => a + f.resources, 0);
  console.log(`workspace: ${resources} resources in ${files.length} files (each application's Deployment, Service, VirtualService, DestinationRule, ` +
    `Gateway... spread over files); ${files.reduce((a, f) => a + f.broken, 0)} deliberate schema errors; expected mesh findings ` +
    `${Object.entries(env.expectedCount).map(([c, n]) => `${c} x${n}`).join(', ')}`);
  console.log(`edit: DestinationRule ${w.edit.app} in ${w.edit.drFile.name} loses (then gets back) subset v2, which the VirtualService in ${w.edit.vsFile.name} routes to`);
  console.log(`yaml-language-server schema: ${env.kinds} apiVersion/kind pairs from dist/schemas, ${(env.schemaBytes / 1e6).toFixed(1)} MB JSON Schema (draft-07)`);
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`machine: ${os.cpus().length} CPUs, load average ${load()} (other processes skew every figure; compare the rows of one run)`);

  const expected = { base: libraryFindings(w, new Map()), removed: libraryFindings(w, new Map([[w.edit.drFile, editedText(w, true)]])) };
  const vsUri = w.uris.get(w.edit.vsFile)!;
  const delta = (expected.removed.get(vsUri)?.length ?? 0) - (expected.base.get(vsUri)?.length ?? 0);
  if (delta <= 0) throw new Error('the edit does not change the VirtualService file\'s findings');
  const tinyExpected = { base: libraryFindings(env.tiny, new Map()), removed: libraryFindings(env.tiny, new Map([[env.tiny.edit.drFile, editedText(env.tiny, true)]])) };

  const results: RunResult[] = [];
  const servers: Server[] = ['yaml-ls', 'ours'];
  for (let r = 0; r < REPS; r++) {
    for (const s of r % 2 ? [...servers].reverse() : servers) {
      const res = await run(s, w, expected);
      results.push(res);
      const c = report(w, res.byFile);
      console.log(`  rep ${r + 1} ${s.padEnd(7)} initialize ${fmt(res.initMs).padStart(9)}  ${s === 'ours' ? 'index+mesh analysis' : 'settings applied   '} ${fmt(res.prepareMs).padStart(9)}  ` +
        `open+diagnostics ${fmt(res.openMs).padStart(9)}  full ${fmt(res.fullMs).padStart(9)}  edit median ${fmt(median(res.editMs)).padStart(9)}` +
        `${res.refreshMs.length ? ` (refresh at ${fmt(median(res.refreshMs))})` : ''}  ` +
        `mesh findings ${c.mesh}/${c.meshExpected}, schema errors ${c.schema}/${c.schemaExpected}`);
    }
  }
  const tiny: RunResult[] = [];
  for (const s of servers) tiny.push(await run(s, env.tiny, tinyExpected));

  const of = (s: Server) => results.filter((x) => x.server === s);
  const full = (s: Server) => median(of(s).map((x) => x.fullMs));
  const edit = (s: Server) => median(of(s).flatMap((x) => x.editMs));
  const tinyEdit = (s: Server) => median(tiny.filter((x) => x.server === s).flatMap((x) => x.editMs));
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

  console.log('\n| measure (medians) | yaml-language-server | ours (pull) | yaml-ls / ours |');
  console.log('|---|---|---|---|');
  console.log(`| full analysis, ${resources.toLocaleString('en')} resources (initialize -> every file's diagnostics) | ${fmt(full('yaml-ls'))} | ${fmt(full('ours'))} | ${ratio(full('yaml-ls'), full('ours'))} |`);
  console.log(`| re-analysis after one edit (ours: the VirtualService's file in another file updated; yaml-ls: the edited file re-validated) | ${fmt(edit('yaml-ls'))} | ${fmt(edit('ours'))} | ${ratio(edit('yaml-ls'), edit('ours'))} |`);
  console.log(`| the same edit in a 4-resource workspace (LSP round trips and timer lateness) | ${fmt(tinyEdit('yaml-ls'))} | ${fmt(tinyEdit('ours'))} | ${ratio(tinyEdit('yaml-ls'), tinyEdit('ours'))} |`);

  const ip = inProcess(w);
  console.log(`\nours in-process (library, no LSP, same texts): index ${files.length} files (parse) ${fmt(ip.index)}, full mesh analysis ${fmt(ip.analysis)}, ` +
    `after the edit: re-index one file + incremental mesh analysis (as the server runs it) ${fmt(ip.incremental)}, + full mesh analysis ${fmt(ip.edit)}`);
  console.log(`figures without the servers' deliberate waits: ours ${OUR_ANALYSIS_DELAY} ms before the mesh analysis, yaml-language-server ${YAMLLS_DELAY} ms before validating`);

  const ours = of('ours').map((x) => report(w, x.byFile));
  const yls = of('yaml-ls').map((x) => report(w, x.byFile));
  const meshExpected = ours[0].meshExpected;
  console.log(`expected mesh findings reported (code on its line): ours ${Math.min(...ours.map((x) => x.mesh))}/${meshExpected}, ` +
    `yaml-language-server ${Math.max(...yls.map((x) => x.mesh))}/${meshExpected} (no cross-resource analysis)`);
  console.log(`deliberate schema errors reported: ours ${Math.min(...ours.map((x) => x.schema))}/${ours[0].schemaExpected}, yaml-language-server ${Math.min(...yls.map((x) => x.schema))}/${yls[0].schemaExpected}`);
  console.log(`load average at the end: ${load()}`);
  fs.rmSync(env.dir, { recursive: true, force: true });
  if (Math.min(...ours.map((x) => x.mesh)) < meshExpected) throw new Error('our server missed expected mesh findings');
  if (Math.min(...ours.map((x) => x.schema)) < ours[0].schemaExpected) throw new Error('our server missed deliberate schema errors');
  if (Math.min(...yls.map((x) => x.schema)) === 0) throw new Error('yaml-language-server reported none of the deliberate schema errors: its schemas are not active');
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
