// Finding the YAML files under paths given on a command line. Pure Node (fs), no LSP.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Result } from '../core/types';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test', 'dist', 'out']);

export function isYamlFile(p: string): boolean {
  return /\.ya?ml$/i.test(p);
}

/** Expands files and directories into a sorted list of YAML files; a missing path is an error. */
export function collectYamlFiles(inputs: readonly string[]): Result<string[]> {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p);
      } else if (e.isFile() && isYamlFile(e.name)) {
        out.add(p);
      }
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch {
      return { ok: false, error: `no such file or directory: ${input}` };
    }
    try {
      if (st.isDirectory()) walk(input);
      else out.add(input);
    } catch (e) {
      return { ok: false, error: `cannot read ${input}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return { ok: true, value: [...out] };
}
