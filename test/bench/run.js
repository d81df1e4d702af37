#!/usr/bin/env node
// `npm run bench`: runs every benchmark (test/bench/*.bench.js and compiled out/test/bench/*.bench.js) one after the
// other, each in its own process. Benchmarks print their own table: ratios against a baseline run side by side.
// Speed belongs here, never in the test suite. BENCH_FILTER=substring runs only matching files; BENCH_NODE=path runs them
// (and the servers they start, both ours and the baselines) on another Node, e.g. the newer one VS Code's extension host has.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const dirs = [path.join(ROOT, 'test/bench'), path.join(ROOT, 'out/test/bench')];
const files = dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.bench.js')).map((f) => path.join(d, f)) : []))
  .filter((f) => !process.env.BENCH_FILTER || f.includes(process.env.BENCH_FILTER));
if (!files.length) {
  console.error('no benchmarks found (test/bench/*.bench.js, out/test/bench/*.bench.js): run npm run compile-tests first');
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n## ${path.relative(ROOT, f)}`);
  const r = spawnSync(process.env.BENCH_NODE || process.execPath, ['--expose-gc', f], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) { failed++; console.log(`(exit ${r.status ?? r.signal})`); }
}
process.exit(failed ? 1 : 0);
