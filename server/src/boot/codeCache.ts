// Runs a bundled entry (dist/server-main.js) with a V8 code cache, as VS Code and Node's compile cache do for their own
// code: the bytecode of every function the previous run compiled is read from disk instead of compiled again, which
// takes a tenth off the language server's start-up. The cache is checked by V8 (its version and flags) and keyed here by
// the entry's content and the runtime, so a stale or foreign cache is never used; any problem with it only means a
// normal start. No dependencies beyond Node: this file is loaded before everything else.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

export type CacheState = 'off' | 'absent' | 'accepted' | 'rejected' | 'unreadable';

export interface BootStatus {
  state: CacheState;
  /** The cache file (when caching is on). */
  file?: string;
  /** Set once this run has written the cache (at exit, or a minute after start-up). */
  written?: boolean;
  /** Why writing failed, if it did. */
  writeError?: string;
}

/** Where the running entry reports how it was loaded (the server logs it). */
export const BOOT_STATUS = Symbol.for('istio-workbench.boot');

/** When the cache is written if the process is still running (it is also written at exit). */
const WRITE_AFTER_MS = 60_000;

/**
 * The cache directory: ISTIO_WORKBENCH_CACHE_DIR (the extension passes its global storage; "off" or "" disables),
 * else the platform's user cache directory. Undefined when caching is off.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string | undefined {
  const set = env.ISTIO_WORKBENCH_CACHE_DIR;
  if (set !== undefined) return set === '' || set.toLowerCase() === 'off' ? undefined : set;
  if (!home) return undefined;
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'istio-workbench', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'istio-workbench');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'istio-workbench');
}

/**
 * Loads `file` (a CommonJS bundle that requires only Node's own modules) as the module `name`, with its code cache in
 * `dir`. Returns how the cache was used; it is written (once, atomically) when it was absent or rejected.
 */
export function runWithCodeCache(file: string, name: string, dir: string | undefined): BootStatus {
  const source = fs.readFileSync(file, 'utf8');
  let status: BootStatus = { state: 'off' };
  let cachedData: Buffer | undefined;
  let cacheFile: string | undefined;
  if (dir) {
    const digest = crypto.createHash('sha256').update(source).digest('hex').slice(0, 16);
    const runtime = `${process.versions.v8}-${process.arch}`.replace(/[^\w.-]/g, '_');
    cacheFile = path.join(dir, `${name}-${digest}.${runtime}.v8cache`);
    try {
      cachedData = fs.readFileSync(cacheFile);
      status = { state: 'accepted', file: cacheFile };
    } catch (e) {
      status = { state: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable', file: cacheFile };
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (status.state === 'accepted' && script.cachedDataRejected) status.state = 'rejected';
  if (cacheFile && status.state !== 'accepted') scheduleWrite(script, cacheFile, `${name}-`, status);
  (globalThis as Record<symbol, unknown>)[BOOT_STATUS] = status;

  const mod = new Module(file, undefined);
  mod.filename = file;
  const req = createRequire(file);
  // The bundle may ask whether it is the main module (`require.main === module`).
  (req as { main?: unknown }).main = mod;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return status;
}

function scheduleWrite(script: vm.Script, cacheFile: string, prefix: string, status: BootStatus): void {
  const write = () => {
    if (status.written || status.writeError) return;
    try {
      const data = script.createCachedData();
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, cacheFile);
      status.written = true;
      removeStale(cacheFile, prefix);
    } catch (e) {
      status.writeError = e instanceof Error ? e.message : String(e);
    }
  };
  process.once('exit', write);
  setTimeout(write, WRITE_AFTER_MS).unref();
}

/** Removes the caches of other builds for the same runtime ("<name>-<digest>.<runtime>.v8cache"): an update leaves one. */
function removeStale(cacheFile: string, prefix: string): void {
  const dir = path.dirname(cacheFile);
  const base = path.basename(cacheFile);
  const runtime = base.slice(base.indexOf('.'));
  for (const f of fs.readdirSync(dir)) {
    if (f !== base && f.startsWith(prefix) && f.endsWith(runtime)) fs.rmSync(path.join(dir, f), { force: true });
  }
}
