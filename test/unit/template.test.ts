// Go text/template semantics, after the cases of Go's text/template exec_test.go and the package documentation.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoStruct, GoTemplate, SPRIG_FUNCS, typedMap, type GoFunc } from '../../server/src/inject/template';

const inner = new GoStruct('*main.U', (n) => (n === 'V' ? { found: true, value: 'v' } : { found: false }), { Get: () => 'got' }, { V: 'v' });
const DATA = {
  True: true, False: false, I: 17, U16: 16, X: 'x', F: 1.5, Big: 1e6, Empty: '', Zero: 0,
  SI: [3, 4, 5], SEmpty: [], SS: ['a', 'b'], MSI: { one: 1, two: 2, three: 3 }, MEmpty: {}, Nil: null,
  MSS: typedMap({ a: 'A' }, ''), U: inner, Nested: { A: { B: 'deep' } },
  Fn: ((a: unknown) => `fn(${String(a)})`) as GoFunc,
};

function run(text: string, data: unknown = DATA, funcs: ReadonlyMap<string, GoFunc> = new Map()): string {
  const t = GoTemplate.parse('t', text, funcs);
  if (!t.ok) throw new Error(t.error);
  const r = t.value.execute(data);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
function runErr(text: string, data: unknown = DATA): string {
  const t = GoTemplate.parse('t', text);
  if (!t.ok) return t.error;
  const r = t.value.execute(data);
  assert.equal(r.ok, false, `expected an error for ${text}`);
  return r.ok ? '' : r.error;
}

const CASES: [string, string, string][] = [
  // [name, template, output]
  ['empty', '', ''],
  ['text', 'some text', 'some text'],
  ['dot int', '{{.I}}', '17'],
  ['dot string', '<{{.X}}>', '<x>'],
  ['float', '{{.F}}', '1.5'],
  ['nil prints <nil>', '{{.Nil}}', '<nil>'],
  ['missing map key prints <no value>', '{{.MSI.missing}}', '<no value>'],
  ['missing chain is <no value>', '{{.Nested.X.Y.Z}}', '<no value>'],
  ['nested map', '{{.Nested.A.B}}', 'deep'],
  ['slice', '{{.SI}}', '[3 4 5]'],
  ['map', '{{.MSI}}', 'map[one:1 three:3 two:2]'],
  ['struct field', '{{.U.V}}', 'v'],
  ['struct method', '{{.U.Get}}', 'got'],
  ['$', '{{$.SS}}', '[a b]'],
  ['$ field', '{{$.I}}', '17'],
  ['variable', '{{$x := 23}}{{$x}}', '23'],
  ['assignment', '{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
  ['declare in if is scoped', '{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}', '21'],
  ['pipeline final arg', '{{.X | printf "%s-%s" "a"}}', 'a-x'],
  ['parenthesized', '{{printf "%d" (len .SI)}}', '3'],
  ['chain on parens', '{{(index .Nested "A").B}}', 'deep'],
  ['if true', '{{if true}}T{{else}}F{{end}}', 'T'],
  ['if empty slice', '{{if .SEmpty}}T{{else}}F{{end}}', 'F'],
  ['if empty map', '{{if .MEmpty}}T{{else}}F{{end}}', 'F'],
  ['if zero', '{{if .Zero}}T{{else}}F{{end}}', 'F'],
  ['if struct', '{{if .U}}T{{else}}F{{end}}', 'T'],
  ['if missing', '{{if .Nope}}T{{else}}F{{end}}', 'F'],
  ['else if', '{{if .False}}a{{else if .True}}b{{else}}c{{end}}', 'b'],
  ['with', '{{with .X}}<{{.}}>{{end}}', '<x>'],
  ['with else', '{{with .Empty}}<{{.}}>{{else}}none{{end}}', 'none'],
  ['else with', '{{with .Empty}}a{{else with .X}}{{.}}{{end}}', 'x'],
  ['with var', '{{with $v := .I}}{{$v}}{{end}}', '17'],
  ['range slice', '{{range .SI}}<{{.}}>{{end}}', '<3><4><5>'],
  ['range index elem', '{{range $i, $e := .SI}}{{$i}}={{$e}} {{end}}', '0=3 1=4 2=5 '],
  ['range map sorted', '{{range $k, $v := .MSI}}{{$k}}={{$v}} {{end}}', 'one=1 three=3 two=2 '],
  ['range one var is elem', '{{range $e := .SS}}{{$e}}{{end}}', 'ab'],
  ['range else', '{{range .SEmpty}}x{{else}}empty{{end}}', 'empty'],
  ['range nil', '{{range .Nil}}x{{else}}nil{{end}}', 'nil'],
  ['range missing', '{{range .Missing}}x{{else}}missing{{end}}', 'missing'],
  ['range int', '{{range 3}}{{.}}{{end}}', '012'],
  ['range break', '{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', '3'],
  ['range continue', '{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}', '35'],
  ['range $ is root', '{{range .SI}}{{$.X}}{{end}}', 'xxx'],
  ['trim both', 'a  {{- 1 -}}  b', 'a1b'],
  ['trim newlines', 'a\n\t{{- 1}}\n', 'a1\n'],
  ['no trim without space', '{{-3}}', '-3'],
  ['comment', 'a{{/* c */}}b', 'ab'],
  ['trimmed comment', 'a {{- /* c */ -}} b', 'ab'],
  ['define template', '{{define "T"}}[{{.}}]{{end}}{{template "T" .X}}', '[x]'],
  ['template no data', '{{define "T"}}[{{.}}]{{end}}{{template "T"}}', '[<no value>]'],
  ['block', '{{block "B" .I}}<{{.}}>{{end}}', '<17>'],
  ['recursive template', '{{define "R"}}{{if .}}{{len .}}{{template "R" (slice . 1)}}{{end}}{{end}}{{template "R" .SI}}', '321'],
  ['eq', '{{eq 1 1}} {{eq "a" "b"}} {{eq .X "y" "x"}}', 'true false true'],
  ['eq nil', '{{eq .Nil nil}} {{eq .X nil}}', 'true false'],
  ['ne', '{{ne 1 2}}', 'true'],
  ['lt le gt ge', '{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge "b" "a"}}', 'true true false true'],
  ['and', '{{and 1 0 2}} {{and 1 2}}', '0 2'],
  ['or', '{{or 0 "" "x"}} {{or 0 ""}}', 'x '],
  ['and short-circuits', '{{and false (index .SI 99)}}', 'false'],
  ['or short-circuits', '{{or true (index .SI 99)}}', 'true'],
  ['not', '{{not 0}} {{not .X}}', 'true false'],
  ['len', '{{len .SI}} {{len .MSI}} {{len "héllo"}}', '3 3 6'],
  ['index slice', '{{index .SI 1}}', '4'],
  ['index map', '{{index .MSI "two"}}', '2'],
  ['index missing of typed map', '[{{index .MSS "zz"}}]', '[]'],
  ['index missing of any map', '{{index .MSI "zz"}}', '<nil>'],
  ['index nested', '{{index .Nested "A" "B"}}', 'deep'],
  ['slice', '{{slice .SI 1 2}} {{slice "abc" 1}}', '[4] bc'],
  ['print', '{{print 1 2 "a" 3}}', '1 2a3'],
  ['println', '{{println 1 "a"}}', '1 a\n'],
  ['printf verbs', '{{printf "%s|%d|%v|%q|%t|%x|%5d|%-3s|%05d|%.2f" "s" 42 .SI "q" true 255 7 "a" 42 3.14159}}', 's|42|[3 4 5]|"q"|true|ff|    7|a  |00042|3.14'],
  ['printf missing and extra', '{{printf "%d %d" 1}}|{{printf "%d" 1 2}}', '1 %!d(MISSING)|1%!(EXTRA int=2)'],
  ['printf bad verb', '{{printf "%d" "x"}}', '%!d(string=x)'],
  ['float %v uses %g', '{{print .Big}} {{print 2.5e-7}}', '1000000 2.5e-07'],
  ['html', '{{html "<a href=\'x\'>&</a>"}}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
  ['js', '{{js "it\'s <b>"}}', "it\\'s \\u003Cb\\u003E"],
  ['urlquery', '{{urlquery "a b&c"}}', 'a+b%26c'],
  ['call', '{{call .Fn 3}}', 'fn(3)'],
  ['raw string', '{{`a\\nb`}}', 'a\\nb'],
  ['string escapes', '{{"a\\tb"}}', 'a\tb'],
  ['char constant', "{{'a'}}", '97'],
  ['hex number', '{{0x1F}}', '31'],
  ['bool literal', '{{true}}', 'true'],
  ['pipeline of parens', '{{(1)}}', '1'],
];

for (const [name, text, want] of CASES) {
  test(`template: ${name}`, () => assert.equal(run(text), want));
}

const ERRORS: [string, string, RegExp][] = [
  ['undefined function', '{{nope 1}}', /^template: t:1: function "nope" not defined$/],
  ['undefined variable', '{{$x}}', /^template: t:1: undefined variable "\$x"$/],
  ['unclosed action', 'a\n{{if', /^template: t:2: /],
  ['missing end', '{{if true}}x', /^template: t:1: unexpected EOF/],
  ['unexpected end', '{{end}}', /^template: t:1: unexpected/],
  ['break outside range', '{{break}}', /^template: t:1: \{\{break\}\} outside \{\{range\}\}$/],
  ['field on non-struct', 'x\n  {{.X.Y}}', /^template: t:2:4: executing "t" at <\.X\.Y>: can't evaluate field Y in type string$/],
  ['field of nil', '{{.Nil.Y}}', /^template: t:1:2: executing "t" at <\.Nil\.Y>: nil pointer evaluating interface \{\}\.Y$/],
  ['function error', '{{index .SI 9}}', /^template: t:1:2: executing "t" at <index \.SI 9>: error calling index: index out of range: 9$/],
  ['incompatible eq', '{{eq 1 "a"}}', /error calling eq: incompatible types for comparison$/],
  ['bad lt type', '{{lt true false}}', /error calling lt: invalid type for comparison$/],
  ['non-function args', '{{.X 1}}', /X has arguments but cannot be invoked as function|is not a method but has arguments/],
  ['template not defined', '{{template "nope"}}', /template "nope" not defined$/],
  ['range over string', '{{range .X}}{{end}}', /range can't iterate over x$/],
];

for (const [name, text, re] of ERRORS) {
  test(`template error: ${name}`, () => assert.match(runErr(text), re));
}

test('template: unbounded recursion fails with an error instead of crashing', () => {
  const err = runErr('{{define "R"}}{{template "R" .}}{{end}}{{template "R" .}}');
  assert.match(err, /exceeded maximum template depth/);
});

test('template: a huge range is bounded by the step limit', () => {
  const t = GoTemplate.parse('t', '{{range .}}{{range $}}x{{end}}{{end}}');
  assert.ok(t.ok);
  const r = t.value.execute(1e6, { maxDepth: 100, maxSteps: 100_000, maxOutput: 1e9 });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error, /exceeded 100000 steps/);
});

test('template: the output is bounded', () => {
  const t = GoTemplate.parse('t', '{{range 1000}}xxxxxxxxxx{{end}}');
  assert.ok(t.ok);
  const r = t.value.execute(null, { maxDepth: 100, maxSteps: 1e9, maxOutput: 5000 });
  assert.equal(r.ok, false);
});

test('template: user functions override builtins, as in Go', () => {
  assert.equal(run('{{len "x"}}', DATA, new Map([['len', () => 'mine']])), 'mine');
});

const SPRIG: [string, string][] = [
  ['{{default "d" .Empty}} {{default "d" .X}} {{.Nope | default "z"}}', 'd x z'],
  ['{{quote .X}} {{.I | quote}}', '"x" "17"'],
  ['{{"a\\nb" | indent 2}}', '  a\n  b'],
  ['{{"a\\nb" | nindent 2}}', '\n  a\n  b'],
  ['{{toJson .MSI}}', '{"one":1,"three":3,"two":2}'],
  ['{{toJson "<&>"}}', '"\\u003c\\u0026\\u003e"'],
  ['{{toYaml .Nested}}', 'A:\n  B: deep'],
  ['{{toYaml .SS}}', '- a\n- b'],
  ['{{(fromYaml "a: 1").a}}', '1'],
  ['{{omit .MSI "one" "two"}}', 'map[three:3]'],
  ['{{pick .MSI "one"}}', 'map[one:1]'],
  ['{{$d := dict "a" 1}}{{$_ := set $d "b" 2}}{{$d}}', 'map[a:1 b:2]'],
  ['{{hasKey .MSI "one"}} {{hasKey .MSI "x"}}', 'true false'],
  ['{{contains "b" "abc"}} {{hasPrefix "a" "abc"}} {{hasSuffix "c" "abc"}}', 'true true true'],
  ['{{trimPrefix "a" "abc"}} {{trim "  x "}} {{trimAll "-" "--x--"}} {{trunc 2 "abc"}}', 'bc x x ab'],
  ['{{join "," (list 1 "b")}} {{(split "," "a,b")._1}}', '1,b b'],
  ['{{toLower "AbC"}} {{upper "a"}} {{replace "a" "b" "aa"}}', 'abc A bb'],
  ['{{mergeOverwrite (dict "a" 1 "b" 2) (dict "b" 3)}}', 'map[a:1 b:3]'],
  ['{{toPrettyJson (dict "a" 1)}}', '{\n  "a": 1\n}'],
  ['{{empty ""}} {{empty .U}} {{empty .SEmpty}}', 'true false true'],
];

test('sprig functions behave like Sprig', () => {
  for (const [text, want] of SPRIG) assert.equal(run(text, DATA, SPRIG_FUNCS), want, text);
});
