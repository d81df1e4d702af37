// What the webhook-validation tests share: running the real file analyzer (istio.WebhookValidationAnalyzer) and the
// schema analyzer over a YAML text, and the two ways the tests state their expectations.
import * as assert from 'node:assert/strict';
import { analyzeParsed } from '../../server/src/analysis/engine';
import { schemaAnalyzer } from '../../server/src/analysis/schema';
import { NEVER_CANCELLED, type Finding } from '../../server/src/core/types';
import { webhookValidationAnalyzer } from '../../server/src/validation/analyzer';
import { parseYaml } from '../../server/src/yaml/parse';

/** The webhook validation's findings on a text. */
export const webhook = (text: string): Finding[] => analyzeParsed('file:///t.yaml', parseYaml(text), NEVER_CANCELLED, { analyzers: [webhookValidationAnalyzer] }) ?? [];

/** The bundled schemas' (with their CEL rules) Error findings on a text. */
export const schemaErrors = (text: string): Finding[] =>
  (analyzeParsed('file:///t.yaml', parseYaml(text), NEVER_CANCELLED, { analyzers: [schemaAnalyzer] }) ?? []).filter((f) => f.severity === 'Error');

/** An expected finding: IST0106 (the webhook rejects) or IST0133 (accepted with a warning), its message, and a marker. */
export interface Want {
  code: 'IST0106' | 'IST0133';
  msg: string;
  /** Text on the line the finding must start on (its first occurrence in the document). */
  at: string;
}

export const E = (msg: string, at: string): Want => ({ code: 'IST0106', msg, at });
export const W = (msg: string, at: string): Want => ({ code: 'IST0133', msg, at });

function lineOf(text: string, at: string): number {
  const i = text.indexOf(at);
  assert.ok(i >= 0, `marker ${JSON.stringify(at)} not in the document`);
  // a marker spanning lines points at its last line
  return text.slice(0, i + at.length).split('\n').length - 1;
}

/**
 * The webhook validation reports exactly `want` on `text` (each at the line of its marker, with the severity of its
 * code), and the CRD schema and CEL rules accept the text: what is reported is the webhook's alone.
 */
export function expectFindings(text: string, want: readonly Want[]): void {
  const got = webhook(text);
  const left = [...got];
  for (const w of want) {
    const line = lineOf(text, w.at);
    const i = left.findIndex((f) => f.code === w.code && f.message.includes(w.msg) && f.range.start.line === line);
    assert.ok(i >= 0, `missing ${w.code} "${w.msg}" on line ${line}; got ${JSON.stringify(got.map((f) => [f.code, f.message, f.range.start.line]))}`);
    assert.equal(left[i].severity, w.code === 'IST0106' ? 'Error' : 'Warning');
    left.splice(i, 1);
  }
  assert.deepEqual(left.map((f) => [f.code, f.message, f.range.start.line]), [], 'unexpected findings');
  assert.deepEqual(schemaErrors(text).map((f) => f.message), []);
}

/** A case whose lines ending in `#!` (an error) or `#?` (a warning) mark where findings are expected, one per mark. */
export interface MarkedCase {
  name: string;
  yaml: string;
  /** Expected message substrings, in document order of their marks (several marks on a line allowed). */
  want?: string[];
}

/**
 * The webhook validation reports exactly the marked findings of `c`, with their messages; with `schema`, the schema
 * analyzer must report nothing at all on the case first.
 */
export function expectMarked(c: MarkedCase, { schema = false } = {}): void {
  const src = c.yaml.replace(/^\n/, '');
  if (schema) {
    const all = analyzeParsed('file:///t.yaml', parseYaml(src), NEVER_CANCELLED, { analyzers: [schemaAnalyzer] }) ?? [];
    assert.deepEqual(all.map((f) => [f.range.start.line, f.message]), [], `${c.name}: the schema reports it`);
  }
  const findings = webhook(src).sort((a, b) => a.range.start.line - b.range.start.line || a.message.localeCompare(b.message));
  const marked: { line: number; severity: string }[] = [];
  src.split('\n').forEach((l, i) => {
    const m = /#([!?]+)\s*$/.exec(l);
    if (m) for (const ch of m[1]) marked.push({ line: i, severity: ch === '!' ? 'Error' : 'Warning' });
  });
  const want = c.want ?? [];
  assert.equal(findings.length, want.length, `${c.name}: got ${JSON.stringify(findings.map((f) => [f.range.start.line, f.message]))}`);
  assert.equal(marked.length, want.length, `${c.name}: markers vs messages`);
  // match each expected (line, severity, substring) to a distinct finding
  const left = [...findings];
  want.forEach((msg, i) => {
    const idx = left.findIndex((f) => f.range.start.line === marked[i].line && f.severity === marked[i].severity && f.message.includes(msg));
    assert.ok(idx >= 0, `${c.name}: no ${marked[i].severity} "${msg}" on line ${marked[i].line}; got ${JSON.stringify(findings.map((f) => [f.range.start.line, f.severity, f.message]))}`);
    const f = left.splice(idx, 1)[0];
    assert.equal(f.code, f.severity === 'Error' ? 'IST0106' : 'IST0133');
  });
}
