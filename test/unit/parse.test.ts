import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { ParseCache } from '../../server/src/yaml/cache';
import { parseYaml, resourceLabel, resourceOf } from '../../server/src/yaml/parse';

test('parses every document of a multi-document file with its offsets and identity', () => {
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namespace: ns\n---\n# comment only\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n';
  const p = parseYaml(text);
  assert.equal(p.docs.length, 3);
  assert.deepEqual(p.docs[0].resource, { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'a' });
  assert.equal(p.docs[1].resource, null);
  assert.deepEqual(p.docs[2].resource, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'b' });
  assert.ok(text.slice(p.docs[2].start).startsWith('apiVersion: apps/v1'));
  assert.deepEqual(p.problems, []);
});

test('reports a syntax error at the exact position the parser found it', () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x: y\n';
  const p = parseYaml(text);
  assert.equal(p.problems.length, 1);
  const e = p.problems[0];
  assert.equal(e.severity, 'Error');
  assert.equal(e.code, 'BLOCK_AS_IMPLICIT_KEY');
  assert.deepEqual(p.rangeOf(e.start, e.end).start, { line: 3, character: 8 });
  // The identity of the broken document is still known.
  assert.equal(p.docs[0].resource?.kind, 'Pod');
});

test('duplicate keys are errors on the second key', () => {
  const p = parseYaml('a: 1\nb: 2\na: 3\n');
  assert.equal(p.problems.length, 1);
  assert.equal(p.problems[0].code, 'DUPLICATE_KEY');
  assert.equal(p.rangeOf(p.problems[0].start, p.problems[0].end).start.line, 2);
});

test('errors in the second document carry that document index', () => {
  const p = parseYaml('kind: A\n---\nkind: B\nx: [1, 2\n');
  assert.ok(p.problems.length >= 1);
  assert.ok(p.problems.every((e) => e.docIndex === 1), JSON.stringify(p.problems));
});

test('positions are UTF-16 columns and survive CRLF line ends', () => {
  const text = 'a: "😀"\r\nb: c: d\r\n';
  const p = parseYaml(text);
  const e = p.problems[0];
  const pos = p.rangeOf(e.start, e.end).start;
  assert.equal(pos.line, 1);
  assert.equal(pos.character, 3);
  assert.equal(text.split('\r\n')[pos.line].slice(pos.character, pos.character + 1), 'c');
});

test('resourceOf ignores non-scalar identities and non-mapping documents', () => {
  assert.equal(resourceOf(parseYaml('- a\n- b\n').docs[0].doc), null);
  assert.equal(resourceOf(parseYaml('just a string\n').docs[0].doc), null);
  assert.deepEqual(resourceOf(parseYaml('kind: [x]\napiVersion: v1\nmetadata: {name: {a: 1}}\n').docs[0].doc),
    { apiVersion: 'v1', kind: null, namespace: null, name: null });
  assert.equal(resourceLabel({ apiVersion: 'v1', kind: 'Service', namespace: null, name: 'vp0' }), 'Service vp0');
  assert.equal(resourceLabel({ apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'vp0' }), 'Service ns/vp0');
});

test('never throws, and every range stays inside the text, on random and hostile input', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = ['a', ':', ' ', '\n', '-', '[', ']', '{', '}', '"', "'", '&x', '*x', '!!str', '|', '>', '#', '\t', '---', '...', '%YAML 1.2', '\u0000', '😀', '\r\n', '?', ','];
  for (let i = 0; i < 2000; i++) {
    let text = '';
    const n = Math.floor(rand() * 60);
    for (let j = 0; j < n; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
    const p = parseYaml(text);
    for (const e of p.problems) {
      assert.ok(e.start >= 0 && e.end <= text.length && e.start <= e.end, `bad range ${e.start}-${e.end} in ${JSON.stringify(text)}`);
    }
  }
  // A billion-laughs style alias bomb must not blow up (we never resolve aliases).
  const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
  assert.equal(parseYaml(bomb).problems.length, 0);
});

test('hostile nesting is refused with a precise error instead of overflowing the stack', () => {
  for (const deep of ['['.repeat(20000), '{'.repeat(3000) + 'a', '- '.repeat(5000) + 'a\n']) {
    const p = parseYaml(deep);
    assert.deepEqual(p.problems.map((x) => x.code), ['NESTING_TOO_DEEP']);
    const opened = (deep.slice(0, p.problems[0].start).match(/[[{-]/g) ?? []).length;
    assert.equal(opened, 200, 'points at the first collection below the limit');
  }
  // 150 levels is deep but legal.
  assert.deepEqual(parseYaml('['.repeat(150) + ']'.repeat(150)).problems, []);
});

test('problems are de-duplicated and capped per file', () => {
  const many = Array.from({ length: 300 }, (_, i) => `k${i}: [\n`).join('');
  const noisy = Array.from({ length: 300 }, (_, i) => `a${i}: 1\n\tb${i}: 2\n`).join('');
  for (const text of [many, noisy]) {
    const p = parseYaml(text);
    const keys = p.problems.map((x) => `${x.start}:${x.code}:${x.message}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(p.problems.length <= 101);
  }
  const p = parseYaml(noisy);
  assert.equal(p.problems.at(-1)!.code, 'TOO_MANY_PROBLEMS');
  assert.match(p.problems.at(-1)!.message, /^\d+ more YAML problem\(s\) in this file are not shown\.$/);
});

test('positions stay exact after tokens the parser could not place (found by the fuzzer)', () => {
  const text = 'paths:\nkind: Ingress\n  - http:\napiVersion: extensions/v1beta1\n      - path: /login\n        backend: x\n';
  const p = parseYaml(text);
  const lines = text.split('\n');
  for (const e of p.problems) {
    const r = p.rangeOf(e.start, e.end);
    assert.ok(r.start.character <= lines[r.start.line].length, `${e.code} at ${JSON.stringify(r)}`);
    assert.equal(lines[r.start.line].slice(r.start.character)[0], text[e.start], 'position and offset name the same character');
  }
  // A lone CR is a line end for LSP clients.
  assert.deepEqual(parseYaml('a: 1\rb: [\r').rangeOf(8, 9).start, { line: 1, character: 3 });
});

test('a file parsed from disk is shared with an editor opening the same text, whatever its uri', () => {
  const cache = new ParseCache();
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n';
  const disk = cache.parseFile(text);
  assert.equal(cache.parseFile(text), disk);
  assert.equal(cache.get('file:///c%3A/ws/a.yaml', 1, text), disk);
  // An edit is parsed anew, once per version.
  const edited = cache.get('file:///c%3A/ws/a.yaml', 2, `${text}spec: {}\n`);
  assert.notEqual(edited, disk);
  assert.deepEqual(edited.docs[0].resource, disk.docs[0].resource);
  assert.equal(cache.get('file:///c%3A/ws/a.yaml', 2, `${text}spec: {}\n`), edited);
});
