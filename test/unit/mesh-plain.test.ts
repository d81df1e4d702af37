// The index's document conversion (server/src/mesh/plain.ts) against `doc.toJS()`, which it must equal exactly (own
// keys, their order, prototypes, values): every document of the repository's fixtures and demo workspace as the
// language server parses them (parseYaml, fast front end or yaml) and as yaml parses them, plus the cases it leaves
// to toJS (anchors, aliases, merge keys, non-string keys, tagged collections, timestamps).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments, type Document } from 'yaml';
import { plainOf } from '../../server/src/mesh/plain';
import { parseYaml } from '../../server/src/yaml/parse';

const ROOT = path.resolve(__dirname, '../../..');

function yamlFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) yamlFiles(p, out);
    else if (e.isFile() && /\.ya?ml$/.test(e.name) && fs.statSync(p).size < 400_000) out.push(p);
  }
  return out;
}

/** A short description of a value for messages (objects may have an own "toString" key). */
const show = (x: unknown): string => (x !== null && typeof x === 'object' ? 'an object' : typeof x === 'symbol' ? 'a symbol' : `${typeof x} ${String(x)}`);

/** Deep equality that also tells own properties from inherited ones and checks prototypes and key order. */
function same(a: unknown, b: unknown, where: string): void {
  if (a === null || typeof a !== 'object') {
    assert.ok(Object.is(a, b), `${where}: ${show(a)} !== ${show(b)}`);
    return;
  }
  assert.ok(b !== null && typeof b === 'object', `${where}: object vs ${show(b)}`);
  assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b), `${where}: prototypes differ`);
  if (a instanceof Date || a instanceof Uint8Array) {
    assert.deepEqual(a, b, where);
    return;
  }
  if (a instanceof Map || a instanceof Set) {
    assert.deepEqual([...a], [...(b as Map<unknown, unknown>)], where);
    return;
  }
  const ka = Reflect.ownKeys(a);
  assert.deepEqual(ka, Reflect.ownKeys(b), `${where}: keys differ`);
  for (const k of ka) {
    const da: PropertyDescriptor = Object.getOwnPropertyDescriptor(a, k)!;
    const db: PropertyDescriptor = Object.getOwnPropertyDescriptor(b, k)!;
    assert.equal(da.enumerable, db.enumerable, `${where}.${String(k)}: enumerable`);
    same(da.value, db.value, `${where}.${String(k)}`);
  }
}

function checkDoc(doc: Document.Parsed, where: string): void {
  // toJS warns on the console for collection keys (templated fixtures have some); the documents are this test's own.
  doc.options.logLevel = 'error';
  let expected: unknown;
  try {
    expected = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    assert.throws(() => plainOf(doc, 100), Error, `${where}: toJS throws (${String(e)}), plainOf does not`);
    return;
  }
  same(plainOf(doc, 100), expected, where);
}

test('plainOf equals toJS on every fixture document, as the server and as yaml parse it', () => {
  const files = [path.join(ROOT, 'test/fixtures'), path.join(ROOT, 'test/demo-workspace')].flatMap((d) => yamlFiles(d));
  assert.ok(files.length > 100, `fixtures found: ${files.length}`);
  let docs = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const d of parseYaml(text).docs) {
      checkDoc(d.doc, `${f}#${d.index}`);
      docs++;
    }
    parseAllDocuments(text).forEach((d, i) => {
      if ('errors' in d) checkDoc(d as Document.Parsed, `${f}#${i} (yaml)`);
    });
  }
  assert.ok(docs > 500, `documents checked: ${docs}`);
});

test('plainOf equals toJS where toJS has rules of its own', () => {
  const cases = [
    'a: &x {b: 1}\nc: *x\n',
    'base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n',
    '%YAML 1.1\n---\nbase: &b {x: 1}\nm:\n  <<: *b\n',
    '<<: {a: 1}\n',
    '"<<": 1\n',
    '1: one\ntrue: yes\n~: nothing\n',
    '? [a, b]\n: 1\n? {k: v}\n: 2\n',
    'set: !!set {a, b}\n',
    'omap: !!omap [a: 1, b: 2]\n',
    'pairs: !!pairs [a: 1, a: 2]\n',
    '%YAML 1.1\n---\nt: 2001-12-14t21:59:43.10-05:00\nbin: !!binary aGVsbG8=\n',
    'flowpairs: [a: 1, b]\n',
    '__proto__: {polluted: true}\nconstructor: c\ntoString: s\nhasOwnProperty: h\n',
    'a: 1\na: 2\n',
    'valueOf: 1\nisPrototypeOf: 2\n__defineGetter__: 3\n__lookupSetter__: 4\npropertyIsEnumerable: 5\ntoLocaleString: 6\n',
    'constructor: 1\nconstructor: 2\n__proto__: 3\n__proto__: 4\n',
    'tagged: !custom value\nstr: !!str 80\nint: !!int "7"\nfloat: 1e3\nnan: .nan\noct: 0o17\nhex: 0x1F\n',
    'empty:\nseq:\n  -\n  - ~\n  - ""\nflow: {a, b: }\n',
    'big: 123456789012345678901234567890\n',
    'anchored-scalar: &s text\nplain: 1\n',
    '- 1\n- [2, {c: 3}]\n',
    'just a scalar\n',
  ];
  for (const text of cases) {
    for (const d of parseYaml(text).docs) checkDoc(d.doc, JSON.stringify(text));
    parseAllDocuments(text).forEach((d) => {
      if ('errors' in d) checkDoc(d as Document.Parsed, `${JSON.stringify(text)} (yaml)`);
    });
    // With the merge option a plain "<<" key merges even in YAML 1.2.
    parseAllDocuments(text, { merge: true }).forEach((d) => {
      if ('errors' in d) checkDoc(d as Document.Parsed, `${JSON.stringify(text)} (yaml, merge)`);
    });
  }
});

test('plainOf keeps no prototype pollution and gives own properties for inherited names', () => {
  const [d] = parseYaml('__proto__: {polluted: true}\nconstructor: c\n').docs;
  const o = plainOf(d.doc) as Record<string, unknown>;
  assert.ok(Object.prototype.hasOwnProperty.call(o, '__proto__'));
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(o.constructor, 'c');
});
