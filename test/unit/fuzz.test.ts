// Mutation fuzzing of every analyzer, completion and hover. Corpus: every YAML file of the repository's fixtures and
// demo workspace (copied from ../shared). More on demand: FUZZ_CASES=50000 FUZZ_CORPUS=/work/shared npm run test:unit.
// The property: no exception, every range inside the text, every finding well-formed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED, type Finding } from '../../server/src/core/types';
import { complete } from '../../server/src/editing/completion';
import { hover } from '../../server/src/editing/hover';
import { SchemaStore } from '../../server/src/schema';
import { parseYaml } from '../../server/src/yaml/parse';

const ROOT = path.resolve(__dirname, '../../..');
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const store = new SchemaStore(path.join(ROOT, 'dist/schemas'));

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) yamlFiles(p, out);
    else if (e.isFile() && /\.(ya?ml|injected)$/.test(e.name) && fs.statSync(p).size < 400_000) out.push(p);
  }
  return out;
}

const corpusDirs = process.env.FUZZ_CORPUS ? [process.env.FUZZ_CORPUS] : [path.join(ROOT, 'test/fixtures'), path.join(ROOT, 'test/demo-workspace')];
const corpus = corpusDirs.flatMap((d) => yamlFiles(d)).sort().map((f) => ({ file: f, text: fs.readFileSync(f, 'utf8') }));

let state = SEED;
const rand = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
const TOKENS = ['- ', ': ', '{', '}', '[', ']', '"', "'", '&a ', '*a', '!!binary ', '!!map ', '<<: *a', '---\n', '...\n', '#', '\t', '|', '>-', '?', ',',
  'apiVersion: networking.istio.io/v1\n', 'kind: VirtualService\n', 'spec:\n', '  hosts: [', '\u0000', '😀', '\r\n', '%YAML 1.1\n', 'null', '~', '0x1F', '1e400',
  'metadata:\n  annotations:\n    sidecar.istio.io/inject: "maybe"\n', 'extensions/v1beta1', '  '.repeat(40), 'x'.repeat(3000)];

function mutate(text: string): string {
  const lines = text.split('\n');
  const rounds = 1 + rand(4);
  for (let r = 0; r < rounds; r++) {
    const i = rand(lines.length || 1);
    switch (rand(8)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[rand(lines.length || 1)] ?? ''); break;
      case 2: { const j = rand(lines.length || 1); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 3: { const l = lines[i] ?? ''; const at = rand(l.length + 1); lines[i] = l.slice(0, at) + TOKENS[rand(TOKENS.length)] + l.slice(at); break; }
      case 4: lines[i] = ' '.repeat(rand(9)) + (lines[i] ?? '').trimStart(); break;
      case 5: lines.length = Math.max(0, i); break;
      case 6: { const l = lines[i] ?? ''; const at = rand(l.length + 1); lines[i] = l.slice(0, at) + l.slice(at + 1 + rand(5)); break; }
      default: lines[i] = (lines[i] ?? '').replace(/: .*/, `: ${TOKENS[rand(TOKENS.length)]}`);
    }
  }
  return lines.join('\n');
}

function checkFinding(f: Finding, text: string, where: string): void {
  const lines = text.split('\n');
  for (const p of [f.range.start, f.range.end]) {
    assert.ok(p.line >= 0 && p.line < Math.max(lines.length, 1) + 1, `${where}: line ${p.line} outside the text`);
    assert.ok(p.character >= 0 && p.character <= (lines[p.line]?.length ?? 0), `${where}: character ${p.character} outside line ${p.line}`);
  }
  assert.ok(f.range.start.line < f.range.end.line || (f.range.start.line === f.range.end.line && f.range.start.character <= f.range.end.character), `${where}: inverted range`);
  assert.ok(f.message.length > 0 && f.code.length > 0, `${where}: empty message or code`);
  assert.ok(['Error', 'Warning', 'Info'].includes(f.severity), where);
}

test(`fuzz: ${CASES} mutated files through every analyzer, completion and hover`, { timeout: 15 * 60_000 }, () => {
  assert.ok(corpus.length >= 50, `corpus of ${corpus.length} files`);
  let findings = 0;
  for (let n = 0; n < CASES; n++) {
    const base = corpus[n % corpus.length];
    const text = mutate(base.text);
    const where = `case ${n} (seed ${SEED}, from ${path.relative(ROOT, base.file)})`;
    try {
      const parsed = parseYaml(text);
      const result = analyzeParsed(base.file, parsed, NEVER_CANCELLED) ?? [];
      for (const f of result) checkFinding(f, text, where);
      findings += result.length;
      const offset = rand(text.length + 1);
      for (const e of complete(parsed, offset, store)) assert.ok(e.replaceStart <= e.replaceEnd && e.replaceEnd <= text.length, where);
      const h = hover(parsed, offset, store);
      if (h) assert.ok(h.start <= h.end && h.end <= text.length && h.markdown.length > 0, where);
    } catch (e) {
      fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
      const keep = path.join(ROOT, 'test-results', `fuzz-case-${n}.yaml`);
      fs.writeFileSync(keep, text);
      throw new Error(`${where} failed (input saved to ${keep}): ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  console.log(`fuzz: ${CASES} cases over ${corpus.length} corpus files, ${findings} findings, all well-formed`);
});
