// Go text/template for TypeScript: parse once, execute many times. Expected failures are values. Pure.
import type { Result } from '../../core/types';
import type { Tree } from './ast';
import { GO_BUILTINS } from './builtins';
import { DEFAULT_LIMITS, Executor, TemplateError, type ExecLimits, type GoFunc } from './exec';
import { parseTemplate } from './parse';

export type { GoFunc, ExecLimits } from './exec';
export { GoEnum, GoStruct, typedMap } from './values';
export { SPRIG_FUNCS, goJson, goYaml } from './sprig';

export class GoTemplate {
  private constructor(
    readonly name: string,
    private readonly trees: Map<string, Tree>,
    private readonly funcs: Map<string, GoFunc>,
  ) {}

  /**
   * Parses `text` as template `name` with Go's builtins plus `funcs` (which override builtins, as in Go).
   * Parse errors read like Go's: `template: NAME:LINE: message`.
   */
  static parse(name: string, text: string, funcs: ReadonlyMap<string, GoFunc> = new Map()): Result<GoTemplate> {
    const all = new Map<string, GoFunc>(GO_BUILTINS);
    for (const [k, f] of funcs) all.set(k, f);
    const tmpl = new GoTemplate(name, new Map(), all);
    // Helm's include/tpl need the template set itself.
    if (all.has('include')) all.set('include', (n, data) => tmpl.executeNamed(String(n), data));
    const parsed = parseTemplate(name, text, (n) => all.has(n));
    if (!parsed.ok) return { ok: false, error: parsed.error ?? `template: ${name}: parse error` };
    for (const [k, t] of parsed.trees) tmpl.trees.set(k, t);
    return { ok: true, value: tmpl };
  }

  /** Names of the templates in the set (the main one and every define/block). */
  templateNames(): string[] {
    return [...this.trees.keys()];
  }

  /** Executes the main template. Errors read like Go's: `template: NAME:LINE:COL: executing "NAME" at <...>: ...`. */
  execute(data: unknown, limits: ExecLimits = DEFAULT_LIMITS): Result<string> {
    return this.executeTemplate(this.name, data, limits);
  }

  executeTemplate(name: string, data: unknown, limits: ExecLimits = DEFAULT_LIMITS): Result<string> {
    try {
      return { ok: true, value: this.executeNamed(name, data, limits) };
    } catch (e) {
      if (e instanceof TemplateError) return { ok: false, error: e.message };
      if (e instanceof RangeError) return { ok: false, error: `template: ${this.name}: ${e.message}` };
      throw e;
    }
  }

  private executeNamed(name: string, data: unknown, limits: ExecLimits = DEFAULT_LIMITS): string {
    return new Executor(this.name, this.trees, this.funcs, limits).run(name, data);
  }
}
