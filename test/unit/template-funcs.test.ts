// Every function that a template Istio ships calls is defined by the engine (Go builtins, Sprig, Istio's funcmap).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { bundledConfig } from '../../server/src/inject/config';
import { injectionFuncs } from '../../server/src/inject/funcs';
import { GoTemplate } from '../../server/src/inject/template';
import { GO_BUILTINS } from '../../server/src/inject/template/builtins';
import { lex } from '../../server/src/inject/template/lex';

function functionsUsed(text: string): Set<string> {
  return new Set(lex(text).filter((i) => i.type === 'identifier').map((i) => i.val));
}

const defined = (n: string) => injectionFuncs().has(n) || GO_BUILTINS.has(n);

test('the engine defines every function the shipped injection templates use, and parses them', () => {
  const { injector } = bundledConfig();
  const names = Object.keys(injector.rawTemplates);
  assert.ok(names.includes('sidecar') && names.includes('gateway') && names.includes('grpc-agent'));
  for (const [name, text] of Object.entries(injector.rawTemplates)) {
    const missing = [...functionsUsed(text)].filter((f) => !defined(f));
    assert.deepEqual(missing, [], `template ${name} uses undefined functions`);
    const t = GoTemplate.parse(name, text, injectionFuncs());
    assert.ok(t.ok, `template ${name}: ${t.ok ? '' : t.error}`);
  }
});

test('the engine defines every function the bundled chart files use (except Helm-only ones)', () => {
  const dir = path.join(__dirname, '../../../test/fixtures/inject');
  const helmOnly = new Set(['include', 'tpl', 'required', 'lookup', 'toYaml']);
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.iop.yaml'))) {
    const doc = parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { spec?: { values?: { sidecarInjectorWebhook?: { templates?: Record<string, string> } } } };
    for (const text of Object.values(doc.spec?.values?.sidecarInjectorWebhook?.templates ?? {})) {
      const missing = [...functionsUsed(text)].filter((n) => !defined(n) && !helmOnly.has(n));
      assert.deepEqual(missing, [], f);
    }
  }
});
