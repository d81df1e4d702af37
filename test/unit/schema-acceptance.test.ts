// Acceptance: Istio's CRD validation cases, and zero errors on Istio's samples and kube-inject outputs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { isMap, isScalar } from 'yaml';
import { SchemaStore, SchemaValidator } from '../../server/src/schema';
import { parseYaml } from '../../server/src/yaml/parse';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED } from '../../server/src/core/types';

const ROOT = path.resolve(__dirname, '../../..');
const FIX = path.join(ROOT, 'test/fixtures/schema');
const store = new SchemaStore(path.join(ROOT, 'dist/schemas'));
const validator = new SchemaValidator(store);

interface Case { file: string; doc: number; apiVersion: string; kind: string; name: string; valid: boolean; expectedErrorContains?: string }

/** Validates one document's text; `_err` (the expected-error note of Istio's testdata) is removed first. */
function errorsOf(text: string): string[] {
  const parsed = parseYaml(text);
  return parsed.docs.flatMap((d) => validator.validateDocument(d)).filter((i) => i.severity === 'Error').map((i) => i.message);
}

function stripErrKey(text: string): string {
  const parsed = parseYaml(text);
  const root = parsed.docs[0]?.doc.contents;
  if (!isMap(root)) return text;
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === '_err');
  if (!pair) return text;
  root.delete('_err');
  return String(parsed.docs[0].doc);
}

function docTexts(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return parseYaml(text).docs.map((d) => text.slice(d.start, d.end));
}

test('Istio validation cases: valid ones have no error, invalid ones are caught', () => {
  const data = JSON.parse(fs.readFileSync(path.join(FIX, 'validation/validation-cases.json'), 'utf8')) as { cases: Case[] };
  let agree = 0;
  let withText = 0;
  let textMatched = 0;
  const disagreements: string[] = [];
  const missingText: string[] = [];
  for (const c of data.cases) {
    const docs = docTexts(path.join(FIX, 'validation', c.file));
    const errs = errorsOf(stripErrKey(docs[c.doc]));
    const caught = errs.length > 0;
    if (caught !== c.valid) agree++;
    else disagreements.push(`${c.file}#${c.doc} ${c.kind} ${c.name}: expected ${c.valid ? 'valid' : 'invalid'}; got ${JSON.stringify(errs)}`);
    if (!c.valid && c.expectedErrorContains) {
      withText++;
      if (errs.some((e) => e.includes(c.expectedErrorContains!))) textMatched++;
      else missingText.push(`${c.file}#${c.doc} ${c.name}: want "${c.expectedErrorContains}", got ${JSON.stringify(errs)}`);
    }
  }
  console.log(`validation cases: ${agree}/${data.cases.length} (expected error text matched: ${textMatched}/${withText})`);
  if (missingText.length) console.log(`  text not matched:\n  ${missingText.join('\n  ')}`);
  assert.deepEqual(disagreements, []);
});

function yamlFiles(dir: string, suffix: RegExp): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => suffix.test(f)).sort().map((f) => path.join(dir, f));
}

interface Known { file: string; line: number; code: string }
const KNOWN = (JSON.parse(fs.readFileSync(path.join(FIX, 'known-invalid.json'), 'utf8')) as { findings: Known[] }).findings;

for (const [label, dir, suffix] of [['samples', 'samples', /\.ya?ml$/], ['kube-inject outputs', 'inject', /\.injected$/]] as const) {
  test(`zero errors on Istio's ${label}`, () => {
    const files = yamlFiles(path.join(FIX, dir), suffix);
    assert.ok(files.length > 20, `expected fixtures in ${dir}`);
    const t0 = performance.now();
    let docs = 0;
    let validated = 0;
    const errors: string[] = [];
    const known = KNOWN.filter((k) => k.file.startsWith(`${dir}/`)).map((k) => `${k.file}:${k.line}: ${k.code}`);
    const knownSeen = new Set<string>();
    for (const f of files) {
      const parsed = parseYaml(fs.readFileSync(f, 'utf8'));
      for (const d of parsed.docs) {
        if (!d.resource) continue;
        docs++;
        if (d.resource?.apiVersion && d.resource.kind && store.lookup(d.resource.apiVersion, d.resource.kind)) validated++;
      }
      // Every file analyzer the product runs by default (schema, CEL, annotations, deprecations...), as the CLI does.
      for (const i of analyzeParsed(pathToFileURL(f).href, parsed, NEVER_CANCELLED) ?? []) {
        const where = `${path.relative(FIX, f)}:${i.range.start.line + 1}: ${i.code}`;
        if (known.includes(where) && i.severity === 'Warning') knownSeen.add(where);
        else if (i.severity === 'Error') errors.push(`${where} ${i.message}`);
      }
    }
    console.log(`${label}: ${files.length} files, ${docs} resources (${validated} with a schema), ${errors.length} unexpected errors, ` +
      `${knownSeen.size}/${known.length} known upstream defects reported as warnings, ${(performance.now() - t0).toFixed(0)} ms`);
    assert.ok(validated > docs * 0.8, 'most resources have a schema');
    assert.deepEqual(errors, []);
    assert.deepEqual([...knownSeen].sort(), [...known].sort(), 'the known upstream defects are reported, as warnings');
  });
}
