// Pure cores never import vscode or LSP packages (rust-analyzer's rule: only the LSP layer knows about LSP).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');
const PURE = ['server/src/core', 'server/src/schema', 'server/src/yaml', 'server/src/analysis', 'server/src/cli.ts', 'src/cluster', 'server/src/deprecation', 'server/src/annotations', 'server/src/inject', 'server/src/mesh', 'server/src/workload', 'server/src/validation'];
const FORBIDDEN = /from\s+['"](vscode|vscode-languageserver[^'"]*|vscode-languageclient[^'"]*)['"]|require\(['"](vscode|vscode-languageserver|vscode-languageclient)/;

function files(p: string): string[] {
  const abs = path.join(ROOT, p);
  if (fs.statSync(abs).isFile()) return [abs];
  return fs.readdirSync(abs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(abs, f));
}

test('pure core folders import neither vscode nor LSP packages', () => {
  const all = PURE.flatMap(files);
  assert.ok(all.length >= 8, `expected the core files, found ${all.length}`);
  const offenders = all.filter((f) => FORBIDDEN.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(ROOT, f)), []);
});
