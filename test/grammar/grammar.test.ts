// Tokenizes YAML with VS Code's own YAML grammar plus our injection grammar, as VS Code does (vscode-textmate +
// oniguruma), and checks the scopes of Go-template actions and Istio annotation keys.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../../..');
const YAML_DIR = path.join(ROOT, 'test/fixtures/grammar/yaml');
const OURS = path.join(ROOT, 'dist/syntaxes/istio-yaml.injection.tmLanguage.json');

async function registry(): Promise<vsctm.Registry> {
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm as ArrayBuffer);
  const files: Record<string, string> = {
    'source.yaml': 'yaml.tmLanguage.json', 'source.yaml.1.3': 'yaml-1.3.tmLanguage.json', 'source.yaml.1.2': 'yaml-1.2.tmLanguage.json',
    'source.yaml.1.1': 'yaml-1.1.tmLanguage.json', 'source.yaml.1.0': 'yaml-1.0.tmLanguage.json', 'source.yaml.embedded': 'yaml-embedded.tmLanguage.json',
  };
  return new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      const file = scope === 'istio.yaml.injection' ? OURS : files[scope] ? path.join(YAML_DIR, files[scope]) : undefined;
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scope) => (scope === 'source.yaml' ? ['istio.yaml.injection'] : undefined),
  });
}

/** [text, scopes] of every token of every line. */
async function tokenize(text: string): Promise<[string, string[]][][]> {
  const grammar = await (await registry()).loadGrammar('source.yaml');
  assert.ok(grammar);
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes] as [string, string[]]);
  });
}

const scopesOf = (lines: [string, string[]][][], lineNo: number, text: string): string[] => {
  const tok = lines[lineNo].find(([t]) => t === text);
  assert.ok(tok, `no token "${text}" on line ${lineNo}: ${JSON.stringify(lines[lineNo].map(([t]) => t))}`);
  return tok[1];
};

test('Go template actions in Istio injection templates are scoped', async () => {
  const lines = await tokenize([
    'metadata:',
    '  name: {{ .Values.global.proxy.image | quote }}',
    '{{- if eq .Values.global.proxy.tracer "zipkin" }}',
    '  value: {{ $x := index .ObjectMeta.Annotations `sidecar.istio.io/x` }}{{/* comment */}}',
    '{{- end }}',
  ].join('\n'));
  assert.ok(scopesOf(lines, 1, '{{').includes('punctuation.section.embedded.begin.go-template.istio'));
  assert.ok(scopesOf(lines, 1, 'Values').includes('variable.other.member.go-template.istio'));
  assert.ok(scopesOf(lines, 1, 'quote').includes('support.function.go-template.istio'));
  assert.ok(scopesOf(lines, 1, '|').includes('keyword.operator.pipe.go-template.istio'));
  assert.ok(scopesOf(lines, 2, '{{-').includes('punctuation.section.embedded.begin.go-template.istio'));
  assert.ok(scopesOf(lines, 2, 'if').includes('keyword.control.go-template.istio'));
  assert.ok(scopesOf(lines, 2, 'eq').includes('support.function.builtin.go-template.istio'));
  assert.ok(scopesOf(lines, 2, '"zipkin"').includes('string.quoted.double.go-template.istio'));
  assert.ok(scopesOf(lines, 3, '$x').includes('variable.other.go-template.istio'));
  assert.ok(scopesOf(lines, 3, '`sidecar.istio.io/x`').includes('string.quoted.raw.go-template.istio'));
  assert.ok(scopesOf(lines, 3, ' comment ').includes('comment.block.go-template.istio'));
  assert.ok(scopesOf(lines, 4, 'end').includes('keyword.control.go-template.istio'));
});

test('Istio annotation and label keys stand out; other keys and comments are untouched', async () => {
  const lines = await tokenize([
    'metadata:',
    '  annotations:',
    '    sidecar.istio.io/inject: "true"',
    '    traffic.sidecar.istio.io/excludeOutboundPorts: "443"',
    '  labels:',
    '    istio.io/rev: canary',
    '    app: reviews',
    '# sidecar.istio.io/inject: not a key',
  ].join('\n'));
  for (const [n, key] of [[2, 'sidecar.istio.io/inject'], [3, 'traffic.sidecar.istio.io/excludeOutboundPorts'], [5, 'istio.io/rev']] as const) {
    assert.ok(scopesOf(lines, n, key).includes('support.type.property-name.istio'), key);
  }
  assert.ok(!scopesOf(lines, 6, 'app').includes('support.type.property-name.istio'));
  assert.ok(lines[7].every(([, s]) => !s.includes('support.type.property-name.istio')));
  // The YAML grammar still scopes the value.
  assert.ok(lines[5].some(([t, s]) => t.includes('canary') && s.some((x) => x.includes('string'))));
});
