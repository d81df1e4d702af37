// x-kubernetes-validations: CEL rules evaluated with @bufbuild/cel, plus the Kubernetes CEL library functions the
// bundled CRDs use (url, isURL, isIP, isCIDR) and cel-go's wording for conversion errors. Pure.
import { CelScalar, celError, celEnv, celFunc, celMethod, isCelError, isCelMap, mapType, parse, plan, type CelEnv, type CelMap, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { isCIDR, isIP } from './formats';

type Program = (bindings: Record<string, unknown>) => CelValue;

const URL_MAP = mapType(CelScalar.STRING, CelScalar.DYN);

function parseUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** Kubernetes' url() value: a map holding the parsed parts (cel-go models it as an opaque type). */
function urlValue(s: string): Map<string, string> | undefined {
  const u = parseUrl(s);
  if (!u || !/^[a-z][a-z0-9+.-]*:/i.test(s)) return undefined;
  return new Map([
    ['__url__', s], ['scheme', u.protocol.replace(/:$/, '')], ['host', u.host], ['hostname', u.hostname.replace(/^\[|\]$/g, '')],
    ['port', u.port], ['path', u.pathname], ['query', u.search.replace(/^\?/, '')],
  ]);
}

function urlPart(part: string) {
  return celMethod(`get${part[0].toUpperCase()}${part.slice(1)}`, URL_MAP, [], CelScalar.STRING, function (this: CelMap) {
    const v = this.get('__url__') === undefined ? undefined : this.get(part === 'escapedPath' ? 'path' : part);
    return typeof v === 'string' ? v : '';
  });
}

const K8S_FUNCS = [
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => urlValue(s) !== undefined),
  celFunc('url', [CelScalar.STRING], URL_MAP, (s) => urlValue(s) ?? (celError(`URL parse error during conversion from string: ${s}`) as never)),
  urlPart('scheme'), urlPart('host'), urlPart('hostname'), urlPart('port'), urlPart('escapedPath'),
  celFunc('isIP', [CelScalar.STRING], CelScalar.BOOL, (s) => isIP(s)),
  celFunc('isCIDR', [CelScalar.STRING], CelScalar.BOOL, (s) => isCIDR(s)),
  celFunc('int', [CelScalar.STRING], CelScalar.INT, (s) =>
    /^[-+]?\d+$/.test(s.trim()) && s.trim() === s ? BigInt(s) : (celError("type conversion error from 'string' to 'int'") as never)),
];

export type RuleOutcome = { kind: 'pass' } | { kind: 'fail' } | { kind: 'error'; message: string } | { kind: 'skip' };

/** Outcomes remembered per rule for scalar `self` values (rules on strings and numbers see the same values often). */
const MEMO_LIMIT = 50_000;
const oldSelfRules = new Map<string, boolean>();

/** Compiles each rule once (per instance) and evaluates it with `self` bound. */
export class CelRules {
  private readonly env: CelEnv = celEnv({ funcs: [...strings, ...K8S_FUNCS] });
  private readonly programs = new Map<string, Program | null>();
  /** Rule -> scalar self (typed) -> outcome: CEL is pure, so a rule's outcome on a scalar depends on that value alone. */
  private readonly scalarOutcomes = new Map<string, Map<string, RuleOutcome>>();
  private memoSize = 0;

  private program(expr: string): Program | null {
    let p = this.programs.get(expr);
    if (p === undefined) {
      try {
        p = plan(this.env, parse(expr)) as unknown as Program;
      } catch {
        p = null; // A rule we cannot compile is not the user's problem: skip it.
      }
      this.programs.set(expr, p);
    }
    return p;
  }

  /** Whether a rule needs the previous object (transition rules are skipped on a single file). */
  static usesOldSelf(expr: string): boolean {
    let uses = oldSelfRules.get(expr);
    if (uses === undefined) oldSelfRules.set(expr, (uses = /\boldSelf\b/.test(expr)));
    return uses;
  }

  evaluate(expr: string, self: unknown): RuleOutcome {
    const t = typeof self;
    if ((self !== null && t !== 'string' && t !== 'number' && t !== 'bigint' && t !== 'boolean') || Object.is(self, -0)) return this.run(expr, self);
    const key = `${t}:${String(self)}`;
    let byValue = this.scalarOutcomes.get(expr);
    const known = byValue?.get(key);
    if (known) return known;
    const outcome = this.run(expr, self);
    if (this.memoSize >= MEMO_LIMIT) {
      this.scalarOutcomes.clear();
      this.memoSize = 0;
      byValue = undefined;
    }
    if (!byValue) this.scalarOutcomes.set(expr, (byValue = new Map()));
    byValue.set(key, outcome);
    this.memoSize++;
    return outcome;
  }

  private run(expr: string, self: unknown): RuleOutcome {
    const p = this.program(expr);
    if (!p) return { kind: 'skip' };
    let r: CelValue;
    try {
      r = p({ self });
    } catch {
      return { kind: 'skip' };
    }
    if (isCelError(r)) {
      const message = r.message;
      // Missing functions or overloads are limits of this evaluator, not errors in the document.
      if (/unbound function|no such overload|no matching overload|not supported/i.test(message)) return { kind: 'skip' };
      return { kind: 'error', message: celGoMessage(message) };
    }
    if (r === true) return { kind: 'pass' };
    if (r === false) return { kind: 'fail' };
    return { kind: 'skip' };
  }

  /** A messageExpression's string, or undefined when it does not evaluate to one. */
  message(expr: string, self: unknown): string | undefined {
    const p = this.program(expr);
    if (!p) return undefined;
    try {
      const r = p({ self });
      return typeof r === 'string' && r.trim() ? r : undefined;
    } catch {
      return undefined;
    }
  }
}

/** cel-go's error texts for the runtime errors users see most (the API server reports cel-go's). */
function celGoMessage(m: string): string {
  m = m.replace(/^Unsupported input (Error: )?/, '');
  const field = /^field not found: (.*)$/.exec(m);
  if (field) return `no such key: ${field[1]}`;
  return m;
}

export { isCelMap };
