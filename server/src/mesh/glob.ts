// Glob patterns as VS Code's `files.exclude` and our `analysis.exclude` use them (`**`, `*`, `?`, `{a,b}`, `[...]`),
// matched against a path relative to a workspace folder. Pure.

/** Compiles a glob to a regular expression over '/'-separated relative paths; a pattern without '/' matches at any depth when it starts with '**' only. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = 0;
  const g = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        // "**/" matches any number of folders (none included); a trailing "**" matches everything below.
        const slash = g[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inGroup++;
      re += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup--;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else if (c === '[') {
      const end = g.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = g.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, (m) => `\\${m}`);
  }
  // A match on a folder excludes everything inside it.
  return new RegExp(`^${re}(?:/.*)?$`);
}

export class GlobSet {
  private readonly res: RegExp[];
  constructor(globs: readonly string[]) {
    this.res = globs.filter((g) => g.trim() !== '').map(globToRegExp);
  }

  get empty(): boolean {
    return this.res.length === 0;
  }

  /** Whether the '/'-separated path relative to its folder is matched by one of the globs. */
  matches(relPath: string): boolean {
    const p = relPath.replace(/\\/g, '/');
    return this.res.some((r) => r.test(p));
  }
}

/** VS Code's `files.exclude` object form: the patterns whose value is true (conditional `{when: ...}` entries are skipped). */
export function enabledGlobs(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v as Record<string, unknown>).filter(([, on]) => on === true).map(([g]) => g);
}
