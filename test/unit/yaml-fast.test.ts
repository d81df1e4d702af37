// The fast YAML front ends against the `yaml` package: wherever the port (server/src/yaml/fast.ts) accepts a text, its
// CST must equal `new Parser().parse(text)`; wherever it or the direct composer (server/src/yaml/direct.ts) accepts a
// text, their Documents must deep-equal what `Composer` builds (classes, values, styles, ranges, comments), and yaml
// must report no error or warning there. Inputs: every YAML file of the
// repository's fixtures and demo workspace (and ../shared when present), mutations of them, and generated documents
// in and around the subset (comments and blank lines at every indentation, block and multi-line scalars, flow
// collections, empty values, markers).
// More on demand: FUZZ_CASES=50000 npm run test:unit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Composer, Document, isDocument, isSeq, Parser } from 'yaml';
import { generateWorkspace } from '../bench/lib/workspace';
import { directParse } from '../../server/src/yaml/direct';
import { COMPOSE_OPTIONS, fastCst, fastParse, maybeNotString } from '../../server/src/yaml/fast';
import { parseYaml } from '../../server/src/yaml/parse';

const ROOT = path.resolve(__dirname, '../../..');
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
let state = Number(process.env.FUZZ_SEED ?? 20261124);
const rand = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];

function yamlFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) yamlFiles(p, out);
    else if (e.isFile() && /\.(ya?ml|injected)$/.test(e.name) && fs.statSync(p).size < 400_000) out.push(p);
  }
  return out;
}

const corpus = [path.join(ROOT, 'test/fixtures'), path.join(ROOT, 'test/demo-workspace'), path.join(ROOT, '../shared')]
  .flatMap((d) => yamlFiles(d)).sort().map((f) => ({ file: f, text: fs.readFileSync(f, 'utf8') }));

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

/** Texts the direct composer took, per check() call site (the tests report the share). */
let directTook = 0;

/** Checks one text with both front ends; returns whether the fast path (either) took it. */
function check(text: string, where: string): boolean {
  const cst = fastCst(text);
  if (cst) assert.deepEqual(plain(cst), plain([...new Parser().parse(text)]), `${where}: CST differs from yaml's`);
  const docs = fastParse(text);
  const direct = directParse(text);
  if (docs) assert.ok(cst, `${where}: documents without a CST`);
  if (!docs && !direct) return false;
  const ref = [...new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text), true, text.length)];
  for (const d of ref) assert.deepEqual([...d.errors, ...d.warnings].map((e) => e.code), [], `${where}: accepted a text yaml reports problems on`);
  if (docs) assert.deepStrictEqual(docs, ref, `${where}: documents differ from yaml's`);
  if (direct) {
    directTook++;
    assert.deepStrictEqual(direct, ref, `${where}: direct documents differ from yaml's`);
    // parseYaml returns the direct composer's Documents: the same again through it.
    assert.deepStrictEqual(parseYaml(text).docs.map((d) => d.doc), ref, `${where}: parseYaml differs from yaml`);
  }
  return true;
}

const MUTATIONS = ['- ', ': ', ':', '#', ' # c', '"', "'", '|', '|-', '>+', '{}', '[]', '{', ']', '---\n', '...\n', '&a ', '*a', '!t ',
  '? ', '\t', '\r', 'x', '0', 'null', ' ', '  ', '\n', '\n\n', '  # c\n', '\\', '"\\u00e9"', "'it''s'"];

function mutate(text: string): string {
  let t = text;
  for (let r = 1 + rand(3); r > 0; r--) {
    const at = rand(t.length + 1);
    switch (rand(4)) {
      case 0: t = t.slice(0, at) + pick(MUTATIONS) + t.slice(at); break;
      case 1: t = t.slice(0, at) + t.slice(at + 1 + rand(4)); break;
      case 2: { const lines = t.split('\n'); lines.splice(rand(lines.length), 0, pick(lines)); t = lines.join('\n'); break; }
      default: { const lines = t.split('\n'); const i = rand(lines.length); lines[i] = ' '.repeat(rand(7)) + lines[i].trimStart(); t = lines.join('\n'); }
    }
  }
  return t;
}

const SCALARS = ['a', 'b c', '1', '-1', '0x1F', '0o17', '1.50', '1e3', '.inf', '-.5', 'true', 'False', 'null', '~', '', '"q"', "'s''q'",
  '"e\\n\\u00e9\\x41"', 'http://x:80/y', 'a:b', 'x#y', '"# not"', "''", '""', '{}', '[]', '-', 'no', 'yes', '08', '+12', 'v1.2.3',
  '"a\\\\"', '"\\q"', 'a  b', '@x', '%x', '`x', ',x', '["*"]', '[a, b]', '[ a , "b" , 1 ]', '[a,]', '[a, ]', '{a: b, c: 1}', '{ a: b }',
  '{"k":v}', '{a}', '{a: }', '[a: b]', '[a: b, c]', "['x', 'y']", '[a, [b]]', '[a, b', '{a: 1, a: 2}', '[,]', '[a b, c]', '[a, b] # c',
  '[a #c]', '{a: [b]}', '[-1, +2, .5]', '[a]x'];
const KEYS = ['k', 'name', 'app', 'x', '"q k"', "'s'", 'port', 'a b', '1', 'true', 'null'];
const TRIVIA = ['\n', '  \n', '# full\n', '  # indented\n', '      # deeper\n', '\n# after a blank\n', '#\n'];
const comment = () => (rand(7) === 0 ? pick([' # c', ' #', ' # x # y', '#glued']) : '');
const trivia = () => (rand(9) === 0 ? pick(TRIVIA) : '');

/** A random block collection at `indent` (keys may repeat, scalars may be illegal: both must send the text to yaml). */
function block(indent: number, depth: number): string {
  const pad = ' '.repeat(indent);
  const seq = rand(2) === 0;
  let out = '';
  for (let n = 1 + rand(3); n > 0; n--) {
    out += trivia();
    const head = seq ? `${pad}-` : `${pad}${pick(KEYS)}:`;
    const v = rand(10);
    if (v < 5 || depth > 3) {
      const s = pick(SCALARS);
      out += `${head}${s === '' ? '' : ` ${s}`}${comment()}\n`;
    } else if (rand(6) === 0) {
      // A plain scalar folded over several lines (blank lines, trailing spaces, deeper lines; rarely a line that breaks it).
      const more = [' continued  ', '', '  deeper', 'x', rand(4) ? 'y z' : 'and: more'].slice(0, 1 + rand(5));
      out += `${head} first part${rand(3) ? '' : '  '}\n${more.map((l) => (l ? ' '.repeat(indent + 1 + rand(3)) + l : '')).join('\n')}\n`;
    } else if (v < 6) {
      const inner = indent + 2 + (rand(5) === 0 ? 2 : 0);
      const lines = ['line one', '', ' more', 'last', '  deeper'].slice(0, 1 + rand(5))
        .map((l) => (l ? ' '.repeat(inner) + l : rand(2) ? '' : ' '.repeat(inner + 1)));
      out += `${head} ${pick(['|', '|-', '|+', '>', '>-', '>+'])}${comment()}\n${lines.join('\n')}\n${rand(3) === 0 ? '\n' : ''}`;
    } else if (v < 7 && seq) {
      out += `${head} ${block(indent + 2, depth + 1).trimStart()}`;
    } else {
      const inner = seq ? indent + 2 : rand(3) === 0 ? indent : indent + 2;
      out += `${head}${comment()}\n${block(inner, depth + 1)}`;
    }
  }
  return out;
}

function generated(): string {
  let text = '';
  for (let d = 1 + rand(3); d > 0; d--) {
    if (text || rand(5) === 0) text += `---${comment()}\n`;
    text += trivia() + block(0, 0) + trivia();
  }
  return rand(5) === 0 ? text.replace(/\n$/, '') : text;
}

test('the corpus: equal to yaml wherever the fast path takes a file, and it takes most of them', () => {
  assert.ok(corpus.length > 50, `corpus too small: ${corpus.length} files`);
  let fast = 0;
  directTook = 0;
  for (const { file, text } of corpus) if (check(text, path.relative(ROOT, file))) fast++;
  console.log(`fast path: ${fast}/${corpus.length} files, direct composer: ${directTook}`);
  assert.ok(fast / corpus.length > 0.6, `fast path took only ${fast}/${corpus.length} files`);
  assert.ok(directTook / fast > 0.9, `the direct composer took only ${directTook} of the ${fast} files the fast path took`);
});

test('the benchmark workspace: the direct composer takes every file, equal to yaml', () => {
  const { files: plainFiles, big } = generateWorkspace(300, 600);
  const files = [...plainFiles, big, ...generateWorkspace(300, 600, 10, { mesh: true }).files];
  directTook = 0;
  for (const f of files) assert.ok(check(f.text, `bench ${f.name}`), `bench ${f.name}: not taken`);
  assert.equal(directTook, files.length);
});

test('mutations of the corpus: equal to yaml wherever the fast path takes them', () => {
  const small = corpus.filter((c) => c.text.length < 20_000);
  let fast = 0;
  directTook = 0;
  for (let i = 0; i < CASES; i++) {
    const { file, text } = small[rand(small.length)];
    if (check(mutate(text), `mutation ${i} of ${path.relative(ROOT, file)}`)) fast++;
  }
  console.log(`fast path: ${fast}/${CASES} mutations, direct composer: ${directTook}`);
  assert.ok(directTook > CASES / 10, `the direct composer took only ${directTook}/${CASES} mutations`);
  assert.ok(fast > CASES / 10, `fast path took only ${fast}/${CASES} mutations`);
});

test('generated documents around the subset: equal to yaml wherever the fast path takes them', () => {
  let fast = 0;
  directTook = 0;
  for (let i = 0; i < CASES * 2; i++) {
    const text = generated();
    if (check(text, `generated ${i}: ${JSON.stringify(text)}`)) fast++;
  }
  console.log(`fast path: ${fast}/${CASES * 2} generated texts, direct composer: ${directTook}`);
  assert.ok(directTook > CASES / 8, `the direct composer took only ${directTook}/${CASES * 2} generated texts`);
  assert.ok(fast > CASES / 2, `fast path took only ${fast}/${CASES * 2} generated texts`);
});

test('typical manifests take the fast path; what it does not cover goes to yaml, errors included', () => {
  const deployment = [
    '# A comment before the document', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web  # trailing comment',
    '  labels: {}', 'spec:', '  replicas: 2', '  template:', '    spec:', '      containers:', '      - name: app',
    '        image: "registry/app:1.0"', '        args: []', '        command:', '          - sh', '          - -c',
    '          - |', '            echo hi', '', '            exit 0', '---', 'apiVersion: v1', 'kind: Service', "metadata: {}", '',
  ].join('\n');
  assert.ok(check(deployment, 'deployment'));
  assert.ok(check('description: a long line\n  folded onto the next\n\n  and a paragraph\nnext: 1\n', 'multi-line plain scalar'));
  assert.ok(check('hosts: ["*"]\ncommand: [/bin/sh, -c]\nselector: {app: web, "tier": front}\nports: [80, 443,]\n', 'flow collections'));
  // A scalar document ends with its line: the comments after it are the document's comment (yaml's Composer.end).
  assert.ok(check('just a scalar\n\n# after it\n', 'comment after a scalar document'));
  // The direct composer: comments and blank lines before, between and after items at several indentations.
  const commented = [
    '# file', '', 'a:', '  # before b', '  b: 1 # on b', '', '  c:', '  - x', '  # after x', '  - y', '# dedented', 'd: {}', '---', '# e', 'e: []', '',
  ].join('\n');
  assert.ok(check(commented, 'comments'));
  assert.ok(directParse(commented), 'the direct composer takes comments in the usual places');
  for (const text of [
    'a: &x 1\nb: *x\n', 'a: !!str 1\n', '? a\n: b\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n...\n', 'a:\tb\n', 'a: 1\r\nb: 2\r\n',
    '\uFEFFa: 1\n', 'a: "b\n  c"\n', 'a: {b: [c]}\n', 'a: [1,\n  2]\n', 'a: |2\n   x\n', 'a: 1\na: 2\n', 'a: b: c\n',
    '- a\nb: c\n', 'a: "unterminated\n', `${'- '.repeat(150)}x\n`,
  ]) {
    assert.equal(fastParse(text), undefined, JSON.stringify(text));
    assert.equal(directParse(text), undefined, JSON.stringify(text));
    // parseYaml still reads it (through yaml), with yaml's problems for the broken ones.
    const viaParse = parseYaml(text);
    const ref = [...new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text), true, text.length)];
    assert.equal(viaParse.docs.length, ref.length, JSON.stringify(text));
    assert.equal(viaParse.problems.length > 0, ref.some((d) => d.errors.length > 0 || d.warnings.length > 0), JSON.stringify(text));
  }
});

test('plain scalars only the string tag can take are never tested against the other tags', () => {
  // maybeNotString is a prefilter in front of the core schema's default tags: it must say yes for every value one of
  // them matches. Checked over every string of up to three characters from the characters that matter, plus samples.
  const tags = (new Document().schema.tags as unknown as { default?: unknown; test?: RegExp; collection?: string }[])
    .filter((t) => t.default === true && t.test && !t.collection);
  assert.ok(tags.length >= 8, 'the core schema changed: review maybeNotString');
  const alphabet = ['', '0', '1', '9', 'x', 'o', 'e', 'E', '.', '+', '-', '~', 'n', 'N', 'u', 'l', 't', 'T', 'r', 'f', 'F', 'a', 'i', 'I', 'A', ' ', 'Y', 'y'];
  const values = new Set<string>(['.inf', '-.Inf', '+.INF', '.nan', '.NaN', '0o17', '0x1F', '1e3', '-1.5e-3', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '~',
    'nulls', 'trueish', 'falsey', 'name', 'template', 'Truex', 'FALSE0']);
  for (const a of alphabet) for (const b of alphabet) for (const c of alphabet) values.add(a + b + c);
  for (const v of values) {
    if (tags.some((t) => t.test!.test(v))) assert.ok(maybeNotString(v), `maybeNotString(${JSON.stringify(v)}) must be true`);
  }
  // What it is for: the usual keys and words skip the patterns.
  for (const v of ['name', 'namespace', 'type', 'template', 'targetPort', 'false-ish', 'app', 'http']) assert.equal(maybeNotString(v), false, v);
});

test('the documents after the first of a text: yaml\'s fields without its constructor, and they behave as yaml\'s', () => {
  const text = 'a: 1\nb: [x, y]\n---\n# c\na: 2\nc: {d: e}\n---\n- a: 3\n  a2: 3\n';
  for (const [name, docs] of [['direct', directParse(text)], ['fast', fastParse(text)]] as const) {
    assert.ok(docs && docs.length === 3, `${name}: takes the text`);
    const ref = [...new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text), true, text.length)];
    assert.deepStrictEqual(docs, ref, name);
    for (let i = 0; i < docs.length; i++) {
      const doc: Document.Parsed = docs[i];
      assert.ok(isDocument(doc) && doc instanceof Document, `${name} ${i}: a Document`);
      assert.deepEqual(Object.keys(doc), Object.keys(ref[i]), `${name} ${i}: own fields in yaml's order`);
      // Each document has its own options and directives; the Schema is the first document's (equal to yaml's).
      if (i > 0) {
        assert.notEqual(doc.options, docs[0].options, `${name} ${i}: options`);
        assert.notEqual(doc.directives, docs[0].directives, `${name} ${i}: directives`);
        assert.equal(doc.schema, docs[0].schema, `${name} ${i}: schema`);
      }
      assert.equal(doc.toString(), ref[i].toString(), `${name} ${i}: stringified`);
      assert.deepEqual(doc.toJS(), ref[i].toJS(), `${name} ${i}: toJS`);
      assert.deepStrictEqual(doc.clone(), ref[i].clone(), `${name} ${i}: clone`);
      // yaml's own methods work on them (set creates nodes with the document's schema).
      const key = isSeq(doc.contents) ? 0 : 'z';
      doc.set(key, 1);
      ref[i].set(key, 1);
      assert.equal(doc.toString(), ref[i].toString(), `${name} ${i}: after set`);
    }
  }
});
