// The fast reader of rendered injection YAML (server/src/inject/fastYaml.ts) against the `yaml` package: the same
// value for every template output of Istio's golden cases, and Unsupported (never a wrong value) outside its subset.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { injectManifest, readStream, readStreamSlow } from '../../server/src/inject';
import { readRenderedYaml, Unsupported } from '../../server/src/inject/fastYaml';
import { harnessConfig, type HarnessCase } from '../../server/src/inject/harness';
import { GoTemplate } from '../../server/src/inject/template';

const DIR = path.join(__dirname, '../../../test/fixtures/inject');
const full = (t: string) => parse(t, { version: '1.1', uniqueKeys: false, maxAliasCount: 100 }) as unknown;

test('every rendered template of the golden cases reads the same as with the yaml package', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'inject-cases.json'), 'utf8')) as { cases: (HarnessCase & { input: string; skipKubeInject?: boolean })[] };
  const rendered = new Set<string>();
  const execute = GoTemplate.prototype.execute;
  GoTemplate.prototype.execute = function (this: GoTemplate, ...a: Parameters<GoTemplate['execute']>) {
    const r = execute.apply(this, a);
    if (r.ok) rendered.add(r.value);
    return r;
  };
  try {
    for (const c of manifest.cases) {
      if (c.skipKubeInject) continue;
      injectManifest(fs.readFileSync(path.join(DIR, c.input), 'utf8'), harnessConfig(c, (f) => fs.readFileSync(path.join(DIR, f), 'utf8')));
    }
  } finally {
    GoTemplate.prototype.execute = execute;
  }
  let fast = 0;
  for (const text of rendered) {
    let v: unknown;
    try {
      v = readRenderedYaml(text);
    } catch (e) {
      if (e instanceof Unsupported) continue;
      throw e;
    }
    fast++;
    assert.deepEqual(v, full(text), `same value for:\n${text.slice(0, 400)}`);
  }
  assert.ok(rendered.size > 50, `${rendered.size} rendered outputs`);
  assert.ok(fast / rendered.size > 0.9, `the fast reader took ${fast} of ${rendered.size}`);
});

test('scalars resolve like YAML 1.1; block scalars chomp; flow collections span lines', () => {
  const text = [
    'a: on', 'b: "on"', 'c: 0755', 'd: 1.5', 'e: ~', 'f:', 'g: yes # comment', "h: 'it''s'", 'i: "tab\\there \\u00e9"', 'j: "\\x41"',
    'k: |', '  line 1', '', '  line 2', '', 'l: |-', '    kept', 'm: |+', '  keep', '', 'n: {', '  x: "1",', '  y: [1, 2],', '}',
    'o:', '- p: 1', '  q:', '  - r', '- - s', '-  "t" ', 'u: 2000m', 'v: $(POD).svc', 'w: --flag=x', '',
  ].join('\n');
  assert.deepEqual(readRenderedYaml(text), full(text));
});

test('outside the subset: Unsupported, never a different value', () => {
  for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: >\n  folded\n', 'a: multi\n  line plain\n', 'a: 1\n---\nb: 2\n', 'a:\n\tb: 1\n', '<<: {a: 1}\n', 'a: "x\n  y"\n']) {
    assert.throws(() => readRenderedYaml(text), Unsupported, JSON.stringify(text));
  }
});

// ---- reading input streams (istioctl kube-inject's input): the split fast path against the `yaml` package ----

/** What the injection uses of a stream's documents: the value (as its JSON copy, like injectManifest's deepClone)
 *  and pass-through text, or the error. */
const streamView = (docs: ReturnType<typeof readStream>) =>
  JSON.parse(JSON.stringify(docs.map((d) => (d.error ? { error: d.error } : { value: d.value, raw: d.raw.replace(/\s*$/, '') }))
    .filter((d) => 'error' in d || (d.value !== null && d.value !== undefined)))) as unknown;

const SHARED = path.resolve(__dirname, '../../../../shared');

test('input streams read the same with the fast path as with the yaml package: every YAML file of ../shared', (t) => {
  if (!fs.existsSync(SHARED)) return t.skip('../shared not present');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|injected|iop)$/.test(e.name)) files.push(p);
    }
  };
  walk(SHARED);
  assert.ok(files.length > 100, `only ${files.length} YAML files under ${SHARED}`);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    assert.deepEqual(streamView(readStream(text)), streamView(readStreamSlow(text)), f);
  }
});

test('input streams: markers, comments, empty documents and layouts outside the fast subset', () => {
  const cases = [
    '# top\n---\napiVersion: v1\nkind: S\n# trail\n\n---\n# lead\nx: 1\n  # ind\n',
    '\n\n  \napiVersion: v1\n---\n\n---\nx: 1 # c\n',
    '# only a comment\n',
    '',
    '---\n---\n---\n',
    '--- # marker comment\na: 1\n---\nb: &x [1, 2]\nc: *x\n',
    'a: 1\n...\n---\nb: 2\n',
    '%YAML 1.1\n---\na: 1\n',
    '--- a: 1\n',
    'a: 1\r\n---\r\nb: 2\r\n',
    'a: |\n  text\n  ---\n  more\nb: 2\n',
    'a: 1\n---\nb: [unclosed\n---\nc: 3\n',
    'key: value: nested\n',
    'a:\n  - b\n  -c: 1\n---\n  indented: 1\n',
    'z: 2001-12-14\ny: 0o17\nx: 017\nw: 1_000\nv: yes\n',
  ];
  for (const text of cases) assert.deepEqual(streamView(readStream(text)), streamView(readStreamSlow(text)), JSON.stringify(text));
});
