// CEL rules compiled at build time (dist/schemas/<gv>.json "cel"): the server plans them without parsing, so their
// encoded trees must be exactly what the parser makes, and anything malformed must fall back to parsing the rule.
import { parse } from '@bufbuild/cel';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { addPrecompiledRules, CelRules, precompileRule, type PrecompiledRule } from '../../server/src/schema/cel';
import { decodeExpr } from '../../server/src/schema/celcode';

const DIR = path.resolve(__dirname, '../../../dist/schemas');

interface SchemaJson {
  cel?: Record<string, PrecompiledRule>;
}

function schemaFiles(): [string, SchemaJson][] {
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'index.json' && f !== 'crd-base.json')
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as SchemaJson]);
}

/** A parsed or decoded tree as plain data: no protobuf type names, unset fields dropped, bytes as arrays. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Uint8Array) return [...v];
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== '$typeName' && x !== undefined) o[k] = plain(x);
    return o;
  }
  return v;
}

test('every bundled rule: the build-time tree decodes to what the parser makes, with the same footprint', () => {
  let n = 0;
  for (const [file, json] of schemaFiles()) {
    for (const [text, c] of Object.entries(json.cel ?? {})) {
      assert.deepEqual(plain(decodeExpr(c.expr)), plain(parse(text).expr), `${file}: ${text}`);
      assert.deepEqual(c.footprint, precompileRule(text)?.footprint, `${file}: ${text}`);
      n++;
    }
  }
  assert.ok(n > 200, `only ${n} precompiled rules`);
});

test('every rule and messageExpression of a bundled schema file is in its table', () => {
  for (const [file, json] of schemaFiles()) {
    const texts = new Set<string>();
    JSON.stringify(json, (k, v: unknown) => {
      if (k === 'x-kubernetes-validations' && Array.isArray(v)) {
        for (const r of v as { rule?: string; messageExpression?: string }[]) {
          if (r.rule) texts.add(r.rule);
          if (r.messageExpression) texts.add(r.messageExpression);
        }
      }
      return v;
    });
    for (const t of texts) assert.ok(json.cel && Object.hasOwn(json.cel, t), `${file}: not precompiled: ${t}`);
  }
});

test('precompiled rules are what the server plans, and evaluate like parsed ones (constants of every kind)', () => {
  const rule = 'b"ab" == self.x && 18446744073709551615u > 1u && -9223372036854775808 < 0 && 1.5e3 > 0.0 && null == null && ' +
    '{1: 2}.size() == 1 && self.all(k, k != "z") && [1, 2].exists_one(v, v == 1)';
  const pre = precompileRule(rule);
  assert.ok(pre);
  assert.deepEqual(pre.footprint, { fields: [['x', true]], keys: true });
  // Registered under another text: evaluating that text runs this tree (a parse of the text would give the opposite).
  const alias = `${rule} && false`;
  addPrecompiledRules({ [alias]: JSON.parse(JSON.stringify(pre)) as unknown });
  const fresh = new CelRules();
  for (const x of [new Uint8Array([97, 98]), new Uint8Array([97]), 'ab']) {
    const self = new Map<string, unknown>([['x', x]]);
    assert.deepEqual(fresh.evaluate(alias, self), fresh.evaluate(rule, self));
  }
  assert.deepEqual(fresh.evaluate(alias, new Map([['x', new Uint8Array([97, 98])]])), { kind: 'pass' });
  assert.deepEqual(fresh.footprint(alias), { fields: new Map([['x', true]]), keys: true });
});

test('a malformed build-time entry falls back to parsing the rule', () => {
  const bad: [string, unknown][] = [
    ['self.a > 1 && self.b != "one"', { expr: 'not a tree' }],
    ['self.a > 2 && self.b != "one"', { expr: [1, 'q'] }],
    ['self.a > 3 && self.b != "one"', { expr: [1, 'i', 'self'], footprint: { fields: [[1, true]], keys: false } }],
    ['self.a > 4 && self.b != "one"', null],
  ];
  addPrecompiledRules(Object.fromEntries(bad));
  addPrecompiledRules('not a table');
  addPrecompiledRules([1, 2]);
  const rules = new CelRules();
  for (const [i, [text]] of bad.entries()) {
    assert.deepEqual(rules.footprint(text), { fields: new Map([['a', true], ['b', true]]), keys: false });
    assert.deepEqual(rules.evaluate(text, new Map<string, unknown>([['a', BigInt(i + 2)], ['b', 'two']])), { kind: 'pass' });
    assert.deepEqual(rules.evaluate(text, new Map<string, unknown>([['a', BigInt(i + 2)], ['b', 'one']])), { kind: 'fail' });
  }
});

test('a rule that does not parse has no build-time form (the server skips it, as before)', () => {
  assert.equal(precompileRule('self.a >'), undefined);
  assert.deepEqual(new CelRules().evaluate('self.a >', new Map()), { kind: 'skip' });
});
