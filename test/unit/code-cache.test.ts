// The V8 code cache loader (server/src/boot/codeCache.ts), in child processes like the real entry: the first run writes
// the cache, the next one uses it, and a damaged, stale or unwritable cache only means a normal start.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeCacheDir } from '../../server/src/boot/codeCache';

const LOADER = path.resolve(__dirname, '../../server/src/boot/codeCache.js');

/** A bundle like dist/server-main.js: CommonJS, Node's own modules only, asks whether it is the main module. */
function bundle(extra = ''): string {
  return `const path = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
module.exports.answer = fib(20);
console.log(JSON.stringify({ answer: module.exports.answer, main: require.main === module, dir: path.basename(__dirname), file: path.basename(__filename) }));
${extra}
`;
}

interface Run { out: { answer: number; main: boolean; dir: string; file: string }; status: { state: string; written?: boolean; writeError?: string } }

function run(file: string, dir: string | undefined): Run {
  const script = `const { runWithCodeCache, BOOT_STATUS } = require(${JSON.stringify(LOADER)});
runWithCodeCache(${JSON.stringify(file)}, 'test', ${JSON.stringify(dir)});
process.on('exit', () => console.log(JSON.stringify(globalThis[BOOT_STATUS])));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [out, status] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  return { out, status };
}

const caches = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.v8cache')) : []);

test('the first run writes the cache at exit, the next runs use it, and the module runs the same either way', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-cc-'));
  const dir = path.join(tmp, 'cache');
  const file = path.join(tmp, 'main.js');
  fs.writeFileSync(file, bundle());
  const first = run(file, dir);
  assert.deepEqual(first.out, { answer: 6765, main: true, dir: path.basename(tmp), file: 'main.js' });
  assert.equal(first.status.state, 'absent');
  assert.equal(first.status.written, true);
  assert.equal(caches(dir).length, 1);
  const written = fs.statSync(path.join(dir, caches(dir)[0])).mtimeMs;
  const second = run(file, dir);
  assert.deepEqual(second.out, first.out);
  assert.equal(second.status.state, 'accepted');
  assert.equal(second.status.written, undefined, 'an accepted cache is not written again');
  assert.equal(fs.statSync(path.join(dir, caches(dir)[0])).mtimeMs, written);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a damaged cache is rejected by V8 and replaced; a changed bundle gets its own cache and the old one goes', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-cc-'));
  const dir = path.join(tmp, 'cache');
  const file = path.join(tmp, 'main.js');
  fs.writeFileSync(file, bundle());
  run(file, dir);
  const [name] = caches(dir);
  const data = fs.readFileSync(path.join(dir, name));
  // Flip bytes in the header (V8's magic number, version and source hash live there) and truncate the rest.
  const damaged = Buffer.from(data.subarray(0, 64));
  for (let i = 0; i < 16; i++) damaged[i] ^= 0xff;
  fs.writeFileSync(path.join(dir, name), damaged);
  const r = run(file, dir);
  assert.equal(r.out.answer, 6765);
  assert.equal(r.status.state, 'rejected');
  assert.equal(r.status.written, true);
  assert.equal(run(file, dir).status.state, 'accepted');

  // Same length, different content: V8's own check would not tell them apart, the file name does.
  fs.writeFileSync(file, bundle().replace('fib(20)', 'fib(21)'));
  const changed = run(file, dir);
  assert.equal(changed.out.answer, 10946);
  assert.equal(changed.status.state, 'absent');
  assert.equal(changed.status.written, true);
  assert.equal(caches(dir).length, 1, 'the previous build\'s cache is removed');
  assert.notEqual(caches(dir)[0], name);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('caching off, or a cache directory that cannot be written, still runs the module', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iwb-cc-'));
  const file = path.join(tmp, 'main.js');
  fs.writeFileSync(file, bundle());
  const off = run(file, undefined);
  assert.equal(off.out.answer, 6765);
  assert.equal(off.status.state, 'off');
  const blocker = path.join(tmp, 'not-a-dir');
  fs.writeFileSync(blocker, 'x');
  const blocked = run(file, path.join(blocker, 'cache'));
  assert.equal(blocked.out.answer, 6765);
  assert.equal(blocked.status.written, undefined);
  assert.match(blocked.status.writeError ?? '', /ENOTDIR|EEXIST|ENOENT/);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the cache directory: the environment variable, "off", then the platform\'s user cache directory', () => {
  assert.equal(codeCacheDir({ ISTIO_WORKBENCH_CACHE_DIR: '/x/y' }, 'linux', '/home/u'), '/x/y');
  assert.equal(codeCacheDir({ ISTIO_WORKBENCH_CACHE_DIR: 'off' }, 'linux', '/home/u'), undefined);
  assert.equal(codeCacheDir({ ISTIO_WORKBENCH_CACHE_DIR: '' }, 'linux', '/home/u'), undefined);
  assert.equal(codeCacheDir({}, 'linux', '/home/u'), path.join('/home/u', '.cache', 'istio-workbench'));
  assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux', '/home/u'), path.join('/c', 'istio-workbench'));
  assert.equal(codeCacheDir({}, 'darwin', '/Users/u'), path.join('/Users/u', 'Library', 'Caches', 'istio-workbench'));
  assert.equal(codeCacheDir({ LOCALAPPDATA: 'C:\\L' }, 'win32', 'C:\\Users\\u'), path.join('C:\\L', 'istio-workbench', 'Cache'));
  assert.equal(codeCacheDir({}, 'linux', ''), undefined);
});
