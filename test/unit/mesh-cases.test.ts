// Istio's analyzer test cases (test/fixtures/analyzers/analyzer-cases.json), run the way its `environment` block says:
// only the named analyzer, inputs plus default resources, mesh config when given; multiset of (code, resource) compared.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FILE_ANALYZERS, analyzeParsed } from '../../server/src/analysis/engine';
import { NEVER_CANCELLED } from '../../server/src/core/types';
import { MeshIndex } from '../../server/src/mesh/index';
import { meshConfigWith, parseMeshConfig } from '../../server/src/mesh/meshconfig';
import { MESH_ANALYZERS } from '../../server/src/mesh/registry';
import { friendlyName } from '../../server/src/mesh/model';
import { runMeshAnalysis, setAssumedResources } from '../../server/src/mesh/run';
import { parseYaml } from '../../server/src/yaml/parse';

const DIR = path.resolve(__dirname, '../../../test/fixtures/analyzers');
/** Istio's cases beyond the shared set, taken from istio/istio by us (upstream/SOURCES.md): their files live in
 * upstream/, and a path found there wins over the shared copy of the same name. */
const UPSTREAM = path.join(DIR, 'upstream');
const read = (f: string): string => fs.readFileSync(fs.existsSync(path.join(UPSTREAM, f)) ? path.join(UPSTREAM, f) : path.join(DIR, f), 'utf8');
/** The score this implementation reaches; the test fails if it drops below. */
const FLOOR_EXACT_CASES = 79;

interface Case {
  id: string;
  analyzer: string;
  inputFiles?: string[];
  meshConfigFile?: string;
  meshNetworksFile?: string;
  clusters?: Record<string, string[]>;
  expected: { code: string; resource: string }[];
}

/** Istio analyzers that are per-file analyzers here (annotations.K8sAnalyzer): run over each input file, not duplicated as mesh analyzers. */
const FILE_ANALYZER_NAMES = new Set(FILE_ANALYZERS.map((a) => a.name));

function runFileCase(c: Case): string[] {
  const only = new Set([c.analyzer]);
  return (c.inputFiles ?? []).flatMap((f) => {
    const findings = analyzeParsed(f, parseYaml(read(f)), NEVER_CANCELLED, { only }) ?? [];
    return findings.map((x) => `${x.code} ${x.resource ? friendlyName(x.resource) : ''}`);
  });
}

function runCase(c: Case): string[] {
  if (FILE_ANALYZER_NAMES.has(c.analyzer)) return runFileCase(c);
  const index = new MeshIndex({ defaultNamespace: '' });
  const meshOverlay = c.meshConfigFile ? parseMeshConfig(read(c.meshConfigFile)) : undefined;
  if (meshOverlay && !meshOverlay.ok) throw new Error(meshOverlay.error);
  const mesh = meshConfigWith(meshOverlay?.value ?? {});
  const networks = c.meshNetworksFile ? parseMeshConfig(read(c.meshNetworksFile)) : undefined;
  if (networks && !networks.ok) throw new Error(networks.error);
  if (c.clusters) {
    for (const [cluster, files] of Object.entries(c.clusters)) {
      for (const f of files) index.setFile(`${cluster}:${f}`, read(f), { cluster });
    }
  } else {
    for (const f of c.inputFiles ?? []) index.setFile(f, read(f));
  }
  if (mesh.ingressControllerMode !== 'OFF') setAssumedResources(index);
  const res = runMeshAnalysis(index, { only: new Set([c.analyzer]), mesh, meshNetworks: networks?.value })!;
  if (res.errors.length) throw new Error(res.errors.join('\n'));
  return res.findings.map((f) => `${f.finding.code} ${f.friendly}`);
}

function multisetDiff(a: string[], b: string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

/** Runs cases and prints the score; returns the number of exact cases. */
function score(label: string, cases: Case[]): number {
  const known = new Set([...MESH_ANALYZERS.map((a) => a.name), ...FILE_ANALYZER_NAMES]);
  let exact = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let fpOnEmpty = 0;
  const misses: string[] = [];
  for (const c of cases) {
    const expected = c.expected.map((e) => `${e.code} ${e.resource}`);
    let got: string[];
    try {
      got = known.has(c.analyzer) ? runCase(c) : [];
    } catch (e) {
      misses.push(`${c.id}: threw ${e instanceof Error ? e.stack : String(e)}`);
      fn += expected.length;
      continue;
    }
    const extra = multisetDiff(got, expected);
    const missing = multisetDiff(expected, got);
    tp += got.length - extra.length;
    fp += extra.length;
    fn += missing.length;
    if (expected.length === 0 && extra.length) fpOnEmpty++;
    if (!extra.length && !missing.length) exact++;
    else misses.push(`${c.id} (${c.analyzer}${known.has(c.analyzer) ? '' : ', not implemented'}): missing [${missing.join('; ')}] extra [${extra.join('; ')}]`);
  }
  const p = tp + fp ? tp / (tp + fp) : 1;
  const r = tp + fn ? tp / (tp + fn) : 1;
  console.log(`${label}: ${exact}/${cases.length} cases exact, messages precision ${(p * 100).toFixed(1)}% recall ${(r * 100).toFixed(1)}%, false positives on no-message cases: ${fpOnEmpty}`);
  if (process.env.MESH_CASES_VERBOSE || exact < cases.length) for (const m of misses) console.log(`  miss: ${m}`);
  return exact;
}

test('Istio analyzer cases', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'analyzer-cases.json'), 'utf8')) as { cases: Case[] };
  const exact = score('analyzer cases', manifest.cases);
  assert.ok(exact >= FLOOR_EXACT_CASES, `exact cases ${exact} below the floor ${FLOOR_EXACT_CASES}`);
});

test('Istio analyzer cases beyond the shared set (upstream/*.json)', () => {
  const files = fs.existsSync(UPSTREAM) ? fs.readdirSync(UPSTREAM).filter((f) => f.endsWith('.json')).sort() : [];
  const cases = files.flatMap((f) => (JSON.parse(fs.readFileSync(path.join(UPSTREAM, f), 'utf8')) as { cases: Case[] }).cases);
  const exact = score('upstream analyzer cases', cases);
  assert.equal(exact, cases.length, 'every upstream case is exact');
});
