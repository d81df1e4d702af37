// Schema validation benchmark (issue 3): our language server against yaml-language-server (npm, configured with the same
// Kubernetes + Istio schemas as one JSON Schema), both over LSP stdio, side by side, fresh processes each repetition.
//   full run:      didOpen of every file of a generated 2,000-resource workspace -> diagnostics for every file
//   re-validation: one edit (didChange) in a 5,000-line file of that workspace -> its diagnostics
//   bare parse:    the `yaml` package parsing that file (parseAllDocuments; Parser + Composer), in this process
// Ours runs with every analyzer the product runs by default. Ours is measured with pull diagnostics (what VS Code uses)
// and with push; yaml-language-server pushes only. Both push servers wait on purpose before validating (ours 150 ms,
// yaml-language-server's validationDelayMs 200 ms): that idle delay is subtracted, so push figures are work, not waiting.
// The subtraction is sound because neither server touches the document during its delay (ours records the change and
// parses it when the delay ends, for diagnostics and the mesh index alike), and each edit is sent to an idle server
// (the previous edit's diagnostics and background analysis done): the run prints the raw latency next to it.
// Env: BENCH_REPS (full runs per server, default 3), BENCH_EDITS (timed edits per run, default 15).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Composer, Parser, parseAllDocuments } from 'yaml';
import type { ClientCapabilities, Diagnostic } from 'vscode-languageserver-protocol/node';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { parseYaml } from '../../server/src/yaml/parse';
import { SETTINGS_SECTION } from '../../server/src/protocol';
import { BenchClient, sleep } from './lib/lsp';
import { writeYamlLsSchema } from './lib/jsonschema';
import { generateWorkspace, type BenchFile } from './lib/workspace';

const ROOT = path.resolve(__dirname, '../../..');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const EDITS = Number(process.env.BENCH_EDITS ?? 15);
const WARMUP_EDITS = 3;
const OUR_PUSH_DELAY = 150;
const YAMLLS_DELAY = 200;
/** Quiet time after which no more diagnostics are expected (longer than the server's debounce delays). */
const SETTLE_MS = 600;
/** Quiet 50 ms windows in a row after which a server counts as idle. */
const IDLE_POLLS = 4;
/** Wait before each timed edit (longer than both servers' debounce delays), followed by a round trip. */
const EDIT_GAP_MS = 300;

type Mode = 'ours-pull' | 'ours-push' | 'yaml-ls';

interface RunResult {
  mode: Mode;
  initMs: number;
  fullMs: number;
  editMs: number[];
  /** Edit latencies before subtracting the push delay. */
  rawEditMs: number[];
  diagnostics: number;
  caught: number;
  expected: number;
  bigDiagnostics: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function setup(): { dir: string; files: BenchFile[]; big: BenchFile; uris: Map<BenchFile, string>; schemaUri: string; kinds: number; schemaBytes: number; codeCache: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-schema-bench-'));
  const ws = path.join(dir, 'workspace');
  fs.mkdirSync(ws);
  const { files, big } = generateWorkspace(2000, 5000);
  const uris = new Map<BenchFile, string>();
  for (const f of files) {
    const p = path.join(ws, f.name);
    fs.writeFileSync(p, f.text);
    uris.set(f, pathToFileURL(p).href);
  }
  const schemaFile = path.join(dir, 'k8s-istio.schema.json');
  const { kinds, bytes } = writeYamlLsSchema(path.join(ROOT, 'dist/schemas'), schemaFile);
  // Our server's V8 code cache (written by its first run, as after an install): fresh for each bench run.
  const codeCache = path.join(dir, 'code-cache');
  return { dir, files, big, uris, schemaUri: pathToFileURL(schemaFile).href, kinds, schemaBytes: bytes, codeCache };
}

/** CPU time (user + system, all threads) of a process, in ms; undefined where /proc is not available. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/**
 * Waits until a server process is idle: its CPU time grew by at most one tick in each of IDLE_POLLS consecutive 50 ms
 * windows. Returns when it last was busy (undefined without /proc: then it just waits 300 ms).
 */
async function waitIdle(pid: number | undefined): Promise<number | undefined> {
  const first = cpuMs(pid);
  if (first === undefined) {
    await sleep(300);
    return undefined;
  }
  let last: number = first;
  let busyUntil = performance.now();
  for (let quiet = 0, i = 0; quiet < IDLE_POLLS && i < 1200; i++) {
    await sleep(50);
    const now: number = cpuMs(pid) ?? last;
    if (now - last > 10) {
      quiet = 0;
      busyUntil = performance.now();
    } else quiet++;
    last = now;
  }
  return busyUntil;
}

function bareParse(text: string): { parseAll: number; parserComposer: number } {
  const time = (fn: () => void) => {
    for (let i = 0; i < 5; i++) fn();
    const xs: number[] = [];
    for (let i = 0; i < 25; i++) {
      const t = performance.now();
      fn();
      xs.push(performance.now() - t);
    }
    return median(xs);
  };
  const parseAll = time(() => parseAllDocuments(text));
  const parserComposer = time(() => {
    const docs = [...new Composer().compose(new Parser().parse(text), true, text.length)];
    if (!docs.length) throw new Error('no documents');
  });
  return { parseAll, parserComposer };
}

/** Our per-file pipeline in this process, no LSP: parse + every file analyzer after an edit (caches warm, as in the server). */
function inProcess(big: BenchFile): { parse: number; analyze: number } {
  const site = editSite(big);
  const lines = big.text.split('\n');
  const token = { isCancellationRequested: false };
  const parse: number[] = [];
  const analyze: number[] = [];
  for (let i = 0; i < 30; i++) {
    lines[site.line] = lines[site.line].slice(0, site.character) + (i % 2 ? '2' : '4') + lines[site.line].slice(site.character + 1);
    const text = lines.join('\n');
    let t = performance.now();
    const parsed = parseYaml(text);
    if (i >= 5) parse.push(performance.now() - t);
    t = performance.now();
    analyzeParsed('file:///bench/big.yaml', parsed, token);
    if (i >= 5) analyze.push(performance.now() - t);
  }
  return { parse: median(parse), analyze: median(analyze) };
}

/** A `replicas: N` line near the middle of the big file: the edit flips N between 2 and 4. */
function editSite(big: BenchFile): { line: number; character: number } {
  const lines = big.text.split('\n');
  const cands = lines.flatMap((l, n) => (/^ {2}replicas: \d$/.test(l) ? [n] : []));
  const line = cands.reduce((best, n) => (Math.abs(n - lines.length / 2) < Math.abs(best - lines.length / 2) ? n : best), cands[0]);
  return { line, character: lines[line].indexOf(':') + 2 };
}

const YAML_CAPS: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
  textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { dynamicRegistration: false } },
};

function caughtCount(files: BenchFile[], byFile: Map<BenchFile, Diagnostic[]>): { caught: number; expected: number } {
  let caught = 0;
  let expected = 0;
  for (const f of files) {
    const diags = byFile.get(f) ?? [];
    for (const line of f.brokenLines) {
      expected++;
      if (diags.some((d) => d.range.start.line <= line && d.range.end.line >= line)) caught++;
    }
  }
  return { caught, expected };
}

async function run(mode: Mode, env: ReturnType<typeof setup>): Promise<RunResult> {
  const { files, big, uris, schemaUri } = env;
  const pull = mode === 'ours-pull';
  const yamlSettings = {
    schemas: { [schemaUri]: ['*.yaml', '*.yml'] }, validate: true, hover: false, completion: false, format: { enable: false },
    schemaStore: { enable: false }, kubernetesCRDStore: { enable: false },
  };
  const client = mode === 'yaml-ls'
    ? new BenchClient([path.join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'],
      (section) => (section === 'yaml' ? yamlSettings : {}), ROOT)
    // Push clients are also published the workspace folder's closed files (istioWorkbench.analysis.closedFiles): off here,
    // or the push run would validate every file at start-up before it is opened, and measure no longer validation on open.
    : new BenchClient([path.join(ROOT, 'dist/server.js'), '--stdio'], (section) => (mode === 'ours-push' && section === SETTINGS_SECTION ? { analysis: { closedFiles: false } } : {}),
      ROOT, { ...process.env, ISTIO_WORKBENCH_CACHE_DIR: env.codeCache });
  const caps: ClientCapabilities = pull ? { ...YAML_CAPS, textDocument: { ...YAML_CAPS.textDocument, diagnostic: { dynamicRegistration: false } } } : YAML_CAPS;
  const rootUri = pathToFileURL(path.join(env.dir, 'workspace')).href;
  const tInit = performance.now();
  await client.initialize(caps, rootUri);
  if (mode === 'yaml-ls') {
    // yaml-language-server pulls its settings after `initialized`; wait until it has them before timing.
    for (let i = 0; i < 200 && client.configRequests === 0; i++) await sleep(10);
    if (!client.configRequests) throw new Error('yaml-language-server never asked for its settings');
  }
  // Start-up work done on `initialized` (ours indexes the workspace folder for the mesh analysis, in chunks, yielding to
  // requests in between) is not part of the full run: wait until the server is idle and has answered a request sent
  // after it, and report it separately (start-up + full run is printed too).
  const busyUntil = await waitIdle(client.proc.pid);
  await client.roundTrip();
  const initMs = (busyUntil ?? performance.now()) - tInit;
  const delay = mode === 'yaml-ls' ? YAMLLS_DELAY : mode === 'ours-push' ? OUR_PUSH_DELAY : 0;

  // Full run.
  client.published = [];
  const byFile = new Map<BenchFile, Diagnostic[]>();
  const t0 = performance.now();
  let t1: number;
  if (pull) {
    const refreshes = client.refreshes;
    await Promise.all(files.map(async (f) => {
      await client.open(uris.get(f)!, f.text);
      byFile.set(f, await client.pull(uris.get(f)!));
    }));
    // Ours serves file diagnostics at once and the workspace-wide mesh findings when its background analysis is done,
    // then asks for a refresh: the full run ends with the re-pull that follows (as in VS Code).
    t1 = performance.now();
    for (let i = 0; i < 100 && client.refreshes === refreshes; i++) await sleep(20);
    while (client.refreshes !== refreshes) {
      const seen = client.refreshes;
      await Promise.all(files.map(async (f) => byFile.set(f, await client.pull(uris.get(f)!))));
      t1 = performance.now();
      await sleep(SETTLE_MS);
      if (client.refreshes === seen) break;
    }
  } else {
    for (const f of files) await client.open(uris.get(f)!, f.text);
    const got = await Promise.all(files.map((f) => client.waitPublished((p) => p.uri === uris.get(f))));
    got.forEach((p, i) => byFile.set(files[i], p.diagnostics));
    t1 = Math.max(...got.map((p) => p.at));
    if (mode !== 'yaml-ls') {
      // Mesh findings are pushed again once the background analysis is done: take each file's last publish.
      let n = client.published.length;
      do {
        n = client.published.length;
        await sleep(SETTLE_MS);
      } while (client.published.length !== n);
      for (const p of client.published) {
        const f = files.find((x) => uris.get(x) === p.uri);
        if (f) byFile.set(f, p.diagnostics);
      }
      t1 = Math.max(t1, ...client.published.map((p) => p.at));
    }
  }
  const fullMs = t1 - t0 - delay;
  const diagnostics = [...byFile.values()].reduce((a, d) => a + d.length, 0);
  const { caught, expected } = caughtCount(files, byFile);
  const bigDiagnostics = byFile.get(big)!.length;

  // Re-validation after one edit in the big file.
  const uri = uris.get(big)!;
  const site = editSite(big);
  const editMs: number[] = [];
  let version = 1;
  const rawEditMs: number[] = [];
  for (let e = 0; e < WARMUP_EDITS + EDITS; e++) {
    // Each edit goes to an idle server: past the debounce delays, and every message before answered (a request is
    // answered only once the work queued before it, such as a background mesh analysis, is done).
    await sleep(EDIT_GAP_MS);
    await client.roundTrip();
    version++;
    const range = { start: site, end: { line: site.line, character: site.character + 1 } };
    const newText = version % 2 ? '2' : '4';
    client.published = [];
    const t = performance.now();
    await client.change(uri, version, range, newText);
    let items: Diagnostic[];
    let done: number;
    if (pull) {
      items = await client.pull(uri);
      done = performance.now();
    } else {
      const p = await client.waitPublished((x) => x.uri === uri && (x.version === undefined || x.version === version));
      items = p.diagnostics;
      done = p.at;
    }
    if (items.length !== bigDiagnostics) throw new Error(`${mode}: ${items.length} diagnostics after edit ${e}, ${bigDiagnostics} before`);
    if (e >= WARMUP_EDITS) {
      editMs.push(done - t - delay);
      rawEditMs.push(done - t);
    }
  }
  await client.shutdown();
  return { mode, initMs, fullMs, editMs, rawEditMs, diagnostics, caught, expected, bigDiagnostics };
}

async function main(): Promise<void> {
  const env = setup();
  const { files, big } = env;
  console.log(`workspace: ${files.reduce((a, f) => a + f.resources, 0)} resources in ${files.length} files; ${big.name}: ${big.text.split('\n').length} lines, ${big.resources} resources; ` +
    `${files.reduce((a, f) => a + f.broken, 0)} resources carry a deliberate schema error`);
  console.log(`runtime: Node ${process.versions.node} (V8 ${process.versions.v8}), ${os.cpus().length} CPUs`);
  console.log(`yaml-language-server schema: ${env.kinds} apiVersion/kind pairs from dist/schemas, ${(env.schemaBytes / 1e6).toFixed(1)} MB JSON Schema (draft-07)`);
  const bare = bareParse(big.text);
  const results: RunResult[] = [];
  // Our first start ever has no V8 code cache (server/src/boot/codeCache.ts): timed on its own, outside the medians.
  const first = await run('ours-pull', env);
  if (!fs.readdirSync(env.codeCache).some((f) => f.endsWith('.v8cache'))) throw new Error('our server wrote no code cache');
  console.log(`  first start, no code cache yet: ours-pull start-up ${fmt(first.initMs)}  full ${fmt(first.fullMs)}`);
  const modes: Mode[] = ['yaml-ls', 'ours-pull', 'ours-push'];
  for (let r = 0; r < REPS; r++) {
    const order = modes.map((_, i) => modes[(i + r) % modes.length]);
    for (const m of order) {
      const res = await run(m, env);
      results.push(res);
      console.log(`  rep ${r + 1} ${m.padEnd(9)} start-up ${fmt(res.initMs).padStart(9)}  full ${fmt(res.fullMs).padStart(9)}  edit median ${fmt(median(res.editMs)).padStart(9)}  ` +
        `diagnostics ${res.diagnostics} (big file ${res.bigDiagnostics}), deliberate errors caught ${res.caught}/${res.expected}`);
    }
  }
  const bareAfter = bareParse(big.text);
  const parseAll = Math.min(bare.parseAll, bareAfter.parseAll);
  const parserComposer = Math.min(bare.parserComposer, bareAfter.parserComposer);
  const of = (m: Mode) => results.filter((x) => x.mode === m);
  const full = (m: Mode) => median(of(m).map((x) => x.fullMs));
  const edit = (m: Mode) => median(of(m).flatMap((x) => x.editMs));
  const yls = { full: full('yaml-ls'), edit: edit('yaml-ls') };

  console.log('\n| measure (medians) | yaml-language-server | ours (pull) | ours (push) | yaml-ls / ours (pull) | yaml-ls / ours (push) |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| full validation, 2,000 resources | ${fmt(yls.full)} | ${fmt(full('ours-pull'))} | ${fmt(full('ours-push'))} | ${(yls.full / full('ours-pull')).toFixed(1)}x | ${(yls.full / full('ours-push')).toFixed(1)}x |`);
  console.log(`| re-validation after one edit, ${big.text.split('\n').length}-line file | ${fmt(yls.edit)} | ${fmt(edit('ours-pull'))} | ${fmt(edit('ours-push'))} | ${(yls.edit / edit('ours-pull')).toFixed(1)}x | ${(yls.edit / edit('ours-push')).toFixed(1)}x |`);
  const init = (m: Mode) => median(of(m).map((x) => x.initMs));
  const both = (m: Mode) => median(of(m).map((x) => x.initMs + x.fullMs));
  console.log(`| start-up until idle (ours: indexing the workspace folder) | ${fmt(init('yaml-ls'))} | ${fmt(init('ours-pull'))} | ${fmt(init('ours-push'))} | ${(init('yaml-ls') / init('ours-pull')).toFixed(1)}x | ${(init('yaml-ls') / init('ours-push')).toFixed(1)}x |`);
  console.log(`| start-up + full validation | ${fmt(both('yaml-ls'))} | ${fmt(both('ours-pull'))} | ${fmt(both('ours-push'))} | ${(both('yaml-ls') / both('ours-pull')).toFixed(1)}x | ${(both('yaml-ls') / both('ours-push')).toFixed(1)}x |`);
  console.log(`\nbare yaml parse of that file: parseAllDocuments ${fmt(parseAll)}, Parser+Composer ${fmt(parserComposer)}`);
  const bareMin = Math.min(parseAll, parserComposer);
  const ip = inProcess(big);
  console.log(`ours in-process after an edit (no LSP, no workspace-wide mesh analysis): parseYaml ${fmt(ip.parse)} + file analyzers ${fmt(ip.analyze)} ` +
    `= ${((ip.parse + ip.analyze) / bareMin).toFixed(2)}x the bare parse`);
  for (const m of ['ours-pull', 'ours-push'] as const) {
    console.log(`re-validation ${m} / bare parse: ${(edit(m) / parseAll).toFixed(2)}x parseAllDocuments, ${(edit(m) / parserComposer).toFixed(2)}x Parser+Composer`);
  }
  const raw = (m: Mode) => median(of(m).flatMap((x) => x.rawEditMs));
  console.log(`push re-validation before subtracting the delay: yaml-language-server ${fmt(raw('yaml-ls'))} (delay ${YAMLLS_DELAY} ms), ` +
    `ours ${fmt(raw('ours-push'))} (delay ${OUR_PUSH_DELAY} ms); after it, ours push ${fmt(edit('ours-push'))} vs pull ${fmt(edit('ours-pull'))} ` +
    `(no delay), in-process parse + analyzers ${fmt(ip.parse + ip.analyze)}`);
  const fullRatio = yls.full / Math.max(full('ours-pull'), full('ours-push'));
  const editRatio = Math.max(edit('ours-pull'), edit('ours-push')) / bareMin;
  const bothRatio = both('yaml-ls') / Math.max(both('ours-pull'), both('ours-push'));
  const firstRatio = both('yaml-ls') / (first.initMs + first.fullMs);
  console.log(`\ntarget full run >= 5x faster than yaml-language-server: ${fullRatio.toFixed(1)}x (slower of pull/push) ${fullRatio >= 5 ? 'MET' : 'NOT MET'}; ` +
    `start-up + full run: ${bothRatio.toFixed(1)}x (the first start, before the code cache exists: ${firstRatio.toFixed(1)}x pull)`);
  console.log(`target re-validation within 3x of a bare parse: ${editRatio.toFixed(2)}x (slower of pull/push vs faster bare parse) ${editRatio <= 3 ? 'MET' : 'NOT MET'}`);

  const ylsCaught = of('yaml-ls').map((x) => x.caught);
  const oursCaught = [...of('ours-pull'), ...of('ours-push')].map((x) => x.caught);
  const expected = results[0].expected;
  console.log(`deliberate schema errors reported: yaml-language-server ${Math.min(...ylsCaught)}/${expected}, ours ${Math.min(...oursCaught)}/${expected}`);
  fs.rmSync(env.dir, { recursive: true, force: true });
  if (Math.min(...ylsCaught) === 0) throw new Error('yaml-language-server reported none of the deliberate schema errors: its schemas are not active');
  if (Math.min(...oursCaught) < expected) throw new Error('our server missed deliberate schema errors');
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
