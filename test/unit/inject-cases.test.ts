// Istio's own kube-inject golden cases (test/fixtures/inject, from pkg/kube/inject/testdata/inject), run the way
// inject-cases.json's `environment` block describes, compared with the expected files.
//   INJECT_CASE=<substring> node --test out/test/unit/inject-cases.test.js   prints the diff of matching cases
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { harnessConfig, type HarnessCase } from '../../server/src/inject/harness';
import { injectManifest } from '../../server/src/inject';

const DIR = path.join(__dirname, '../../../test/fixtures/inject');
/** Cases that must keep passing (semantic comparison). Raise it when more pass; never lower it. */
const SEMANTIC_FLOOR = 102;
/** Cases whose output is byte-identical to Istio's (status version blanked, as Istio's test does). */
const EXACT_FLOOR = 102;

interface Manifest { cases: (HarnessCase & { id: string; input: string; expected: string | null; expectedErrorContains?: string; skipKubeInject?: boolean })[] }

function docs(text: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
}

const blankVersion = (s: string) => s.replace(/sidecar\.istio\.io\/status: '\{"version":"[0-9a-f]*",/g, 'sidecar.istio.io/status: \'{"version":"",');

const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));

function firstDiff(a: unknown, b: unknown, at = ''): string | null {
  if (canon(a) === canon(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`);
      if (d) return d;
    }
  }
  return `${at}: got ${JSON.stringify(a)?.slice(0, 300)} want ${JSON.stringify(b)?.slice(0, 300)}`;
}

test('Istio kube-inject golden cases', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'inject-cases.json'), 'utf8')) as Manifest;
  const only = process.env.INJECT_CASE;
  let semantic = 0;
  let exact = 0;
  let total = 0;
  const misses: string[] = [];
  for (const c of manifest.cases) {
    if (c.skipKubeInject) continue;
    total++;
    const cfg = harnessConfig(c, (f) => fs.readFileSync(path.join(DIR, f), 'utf8'));
    const input = fs.readFileSync(path.join(DIR, c.input), 'utf8');
    const r = injectManifest(input, cfg);
    if (c.expectedErrorContains) {
      if (r.error && r.error.toLowerCase().includes(c.expectedErrorContains)) { semantic++; exact++; } else misses.push(`${c.id}: expected error "${c.expectedErrorContains}", got ${r.error ?? 'success'}`);
      continue;
    }
    if (r.error) { misses.push(`${c.id}: ${r.error.split('\n')[0]}`); continue; }
    const want = fs.readFileSync(path.join(DIR, c.expected!), 'utf8');
    const got = docs(r.output);
    const exp = docs(want);
    const d = firstDiff(got, exp);
    if (!d) semantic++;
    else misses.push(`${c.id}: ${d}`);
    if (blankVersion(r.output) === blankVersion(want)) exact++;
    if (only && c.id.includes(only) && d) console.log(`--- ${c.id}\n${r.output}`);
  }
  console.log(`inject cases: ${semantic}/${total} semantic, ${exact}/${total} byte-exact`);
  for (const m of misses) console.log(`  miss ${m}`);
  assert.ok(semantic >= SEMANTIC_FLOOR, `semantic score ${semantic} fell below the floor ${SEMANTIC_FLOOR}`);
  assert.ok(exact >= EXACT_FLOOR, `byte-exact score ${exact} fell below the floor ${EXACT_FLOOR}`);
});
