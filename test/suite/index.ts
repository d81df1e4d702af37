// Test entry loaded by the extension host (extensionTestsPath): runs mocha INSIDE the extension host.
// The same file serves code-server (test/e2e/run-ext-tests.js) and @vscode/test-electron (test/electron/run.js).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname)) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  const results: { title: string; state: string; err?: string }[] = [];
  const resultsFile = process.env.EXT_TEST_RESULTS;
  // Plain single strings with a marker: the driver echoes them (the page console does not expand printf placeholders).
  const log = (s: string) => console.log(`[ext-test] ${s}`);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = results.filter((r) => r.state === 'passed').length;
      const skipped = results.filter((r) => r.state === 'skipped').length;
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed: failures, skipped, results }, null, 2));
      log(`${passed} passed, ${failures} failed, ${skipped} skipped`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('pass', (t) => { results.push({ title: t.fullTitle(), state: 'passed' }); log(`ok   ${t.fullTitle()} (${t.duration}ms)`); });
    runner.on('pending', (t) => { results.push({ title: t.fullTitle(), state: 'skipped' }); log(`skip ${t.fullTitle()}`); });
    runner.on('fail', (t, err: Error) => {
      results.push({ title: t.fullTitle(), state: 'failed', err: String(err?.stack ?? err) });
      log(`FAIL ${t.fullTitle()}: ${err?.message ?? String(err)}`);
    });
  });
}
