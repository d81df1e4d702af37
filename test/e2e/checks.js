// Shared by the Playwright e2e suites: the packaged .vsix to test, and named checks that log, count and screenshot failures.
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./fixtures');

const SHOTS = path.join(ROOT, 'test-results/e2e');

/** The .vsix given on the command line, else the one `npm run package` writes. */
function packagedVsix(argv = process.argv) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return path.resolve(argv[2] || path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`));
}

/** Runs named checks in order; a failing check is logged with a screenshot (`<prefix><name>-FAILED.png`) and counted. */
function createChecks(prefix, getPage) {
  const counts = { passed: 0, failed: 0 };
  const check = async (name, fn) => {
    const t0 = Date.now();
    try {
      const note = await fn();
      counts.passed++;
      console.log(`  ok   ${name} (${Date.now() - t0} ms)${note ? `: ${note}` : ''}`);
    } catch (e) {
      counts.failed++;
      console.log(`  FAIL ${name}: ${String(e.message).split('\n')[0]}`);
      await getPage()?.screenshot({ path: path.join(SHOTS, `${prefix}${name.replace(/\W+/g, '-')}-FAILED.png`) }).catch(() => {});
    }
  };
  return { check, counts };
}

module.exports = { SHOTS, packagedVsix, createChecks };
