// The real server stays responsive while mutated documents stream in: every request is answered, the last version's
// diagnostics arrive, and the process never dies. FUZZ_LSP_CASES raises the count.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DocumentSymbolRequest, HoverRequest, CompletionRequest } from 'vscode-languageserver-protocol/node';
import { ROOT, TestClient } from './client';

const CASES = Number(process.env.FUZZ_LSP_CASES ?? 400);

test(`server stays responsive through ${CASES} mutated edits`, { timeout: 10 * 60_000 }, async () => {
  const files = ['test/demo-workspace/bookinfo/platform/bookinfo.yaml', 'test/demo-workspace/hyperledger/blockchain.yaml', 'test/demo-workspace/bookinfo/networking/destination-rule-all.yaml']
    .map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'));
  const c = new TestClient();
  let exited = false;
  c.proc.once('exit', () => { exited = true; });
  await c.initialize({});
  const uri = 'file:///ws/fuzz.yaml';
  await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: files[0] } });
  let state = 7;
  const rand = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
  const within = <T>(p: Thenable<T>, what: string) => Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer within 20 s`)), 20000))]);
  let version = 1;
  for (let n = 0; n < CASES; n++) {
    const base = files[n % files.length];
    const lines = base.split('\n');
    const i = rand(lines.length);
    const junk = ['{', '[', '- ', ': ', '&a', '*a', '\t', '"', '---', '', 'x'.repeat(500)][rand(11)];
    lines[i] = lines[i].slice(0, rand(lines[i].length + 1)) + junk;
    if (rand(4) === 0) lines.splice(rand(lines.length), rand(20));
    const text = lines.join('\n');
    version++;
    await c.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    if (n % 25 === 0) {
      const line = rand(lines.length);
      const position = { line, character: rand((lines[line]?.length ?? 0) + 1) };
      await within(c.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), `documentSymbol after edit ${n}`);
      await within(c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), `hover after edit ${n}`);
      await within(c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }), `completion after edit ${n}`);
    }
  }
  const last = await c.waitForDiagnostics((p) => p.uri === uri && p.version === version, 30000);
  assert.ok(Array.isArray(last.diagnostics));
  assert.ok(!exited, 'the server process is alive');
  assert.ok(!/uncaught|unhandled/.test(c.stderr), c.stderr.slice(0, 2000));
  assert.equal(await c.shutdown(), 0);
});
