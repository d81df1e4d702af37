// x-kubernetes-validations: CEL rules evaluated with @bufbuild/cel, plus the Kubernetes CEL library functions the
// bundled CRDs use (url, isURL, isIP, isCIDR) and cel-go's wording for conversion errors. Pure.
import { CelScalar, celError, celEnv, celFunc, celMethod, isCelError, isCelMap, mapType, parse, plan, type CelEnv, type CelMap, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { decodeExpr, encodeExpr, type EncodedExpr } from './celcode';
import { isCIDR, isIP } from './formats';

type Program = (bindings: Record<string, unknown>) => CelValue;
/** cel.expr.Expr, as parse() returns it. */
type ParsedTree = ReturnType<typeof parse>['expr'];

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

/** Outcomes remembered per rule and `self` value (documents repeat the same values often: ports, selectors, labels). */
const MEMO_LIMIT = 50_000;
/** Longest `self` key remembered (characters): a key costs about what building the value did; huge values are rare. */
const KEY_CHARS = 2_000;
/** Characters of keys remembered in all (about 8 MB), so large values cannot fill MEMO_LIMIT entries with big keys. */
const MEMO_CHARS = 4_000_000;
const oldSelfRules = new Map<string, boolean>();

/**
 * What a rule reads of a map `self`, when it reads it only through field selections (`self.f`, `has(self.f)`) and as
 * the range of comprehensions (`self.all(key, ...)`, which iterate keys): the rule's outcome on a map depends on that
 * part alone, so the caller may convert just it (CelConverter.project). Absent when the rule uses `self` otherwise.
 */
export interface Footprint {
  /** Selected fields -> whether the value is read (false: only whether the field is set, by has()). */
  readonly fields: ReadonlyMap<string, boolean>;
  /** Every key is read (iterated), values only as `fields` says. */
  readonly keys: boolean;
}

interface Compiled {
  program: Program | null;
  footprint: Footprint | undefined;
}

/**
 * A rule compiled at build time (dist/schemas/<gv>.json keeps one per distinct rule text, under "cel"): the parsed
 * expression (celcode.ts) and its Footprint as [field, value read] pairs, absent when the rule needs all of `self`.
 */
export interface PrecompiledRule {
  expr: EncodedExpr;
  footprint?: { fields: [string, boolean][]; keys: boolean };
}

/** Rule text -> its build-time compilation, from every schema file loaded so far (a rule's parse depends on its text alone). */
const precompiled = new Map<string, unknown>();

/** Makes the rules of a loaded schema file's "cel" table known; they are decoded on first use. */
export function addPrecompiledRules(table: unknown): void {
  if (!table || typeof table !== 'object' || Array.isArray(table)) return;
  for (const [text, rule] of Object.entries(table)) if (!precompiled.has(text)) precompiled.set(text, rule);
}

/**
 * The build-time form of a rule, or undefined when it does not parse (the server skips it, as before) or its tree does
 * not survive the encoding (the server parses it at run time; cel-precompiled.test.ts fails on any bundled one).
 */
export function precompileRule(text: string): PrecompiledRule | undefined {
  try {
    const parsed = parse(text);
    const expr = encodeExpr(parsed.expr);
    // Through JSON and back, the tree must encode to the same thing.
    const json = JSON.stringify(expr);
    if (JSON.stringify(encodeExpr(decodeExpr(JSON.parse(json) as EncodedExpr) as unknown as ParsedTree)) !== json) return undefined;
    const fp = footprintOf(parsed.expr, text);
    return fp ? { expr, footprint: { fields: [...fp.fields], keys: fp.keys } } : { expr };
  } catch {
    return undefined;
  }
}

/** A PrecompiledRule read from a schema file, or undefined when it is malformed (the rule is then parsed). */
function fromPrecompiled(env: CelEnv, rule: unknown): Compiled | undefined {
  try {
    const r = rule as Partial<PrecompiledRule>;
    let footprint: Footprint | undefined;
    if (r.footprint !== undefined) {
      const { fields, keys } = r.footprint;
      if (!Array.isArray(fields) || typeof keys !== 'boolean') return undefined;
      const m = new Map<string, boolean>();
      for (const f of fields) {
        if (!Array.isArray(f) || typeof f[0] !== 'string' || typeof f[1] !== 'boolean') return undefined;
        m.set(f[0], f[1]);
      }
      footprint = { fields: m, keys };
    }
    const expr = decodeExpr(r.expr as EncodedExpr) as unknown as ParsedTree;
    return { program: plan(env, expr) as unknown as Program, footprint };
  } catch {
    return undefined;
  }
}

/** Compiles each rule once (per instance) and evaluates it with `self` bound. */
export class CelRules {
  private readonly env: CelEnv = celEnv({ funcs: [...strings, ...K8S_FUNCS] });
  private readonly compiled = new Map<string, Compiled>();
  /** Rule -> key of `self` (selfKey) -> outcome: CEL is pure, so a rule's outcome depends on the value of `self` alone. */
  private readonly outcomes = new Map<string, Map<string, RuleOutcome>>();
  private memoSize = 0;
  private memoChars = 0;

  private compile(expr: string): Compiled {
    let c = this.compiled.get(expr);
    if (c === undefined) {
      const pre = precompiled.get(expr);
      c = pre === undefined ? undefined : fromPrecompiled(this.env, pre);
      if (c) {
        this.compiled.set(expr, c);
        return c;
      }
      try {
        const parsed = parse(expr);
        c = { program: plan(this.env, parsed) as unknown as Program, footprint: footprintOf(parsed.expr, expr) };
      } catch {
        c = { program: null, footprint: undefined }; // A rule we cannot compile is not the user's problem: skip it.
      }
      this.compiled.set(expr, c);
    }
    return c;
  }

  private program(expr: string): Program | null {
    return this.compile(expr).program;
  }

  /** See Footprint; undefined when the rule needs all of `self` (or does not compile). */
  footprint(expr: string): Footprint | undefined {
    return this.compile(expr).footprint;
  }

  /** Whether a rule needs the previous object (transition rules are skipped on a single file). */
  static usesOldSelf(expr: string): boolean {
    let uses = oldSelfRules.get(expr);
    if (uses === undefined) oldSelfRules.set(expr, (uses = /\boldSelf\b/.test(expr)));
    return uses;
  }

  evaluate(expr: string, self: unknown): RuleOutcome {
    const key = selfKey(self);
    if (key === undefined) return this.run(expr, self);
    let byValue = this.outcomes.get(expr);
    const known = byValue?.get(key);
    if (known) return known;
    const outcome = this.run(expr, self);
    if (this.memoSize >= MEMO_LIMIT || this.memoChars >= MEMO_CHARS) {
      this.outcomes.clear();
      this.memoSize = 0;
      this.memoChars = 0;
      byValue = undefined;
    }
    if (!byValue) this.outcomes.set(expr, (byValue = new Map()));
    byValue.set(key, outcome);
    this.memoSize++;
    this.memoChars += key.length;
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

/**
 * A string that tells CEL values apart as the evaluator sees them (type included: 1 int, 1 double and "1" differ; maps
 * in entry order), or undefined for values not worth remembering (too large, -0, or of a type the converter never makes).
 */
function selfKey(v: unknown): string | undefined {
  const t = typeof v;
  // Scalars: the common case, kept cheap.
  if (t === 'string' || t === 'boolean' || t === 'bigint' || (t === 'number' && !Object.is(v, -0)) || v === null) return `${t}:${String(v)}`;
  const parts: string[] = [];
  const left = { chars: KEY_CHARS };
  return appendKey(v, parts, left) ? parts.join('') : undefined;
}

function appendKey(v: unknown, parts: string[], left: { chars: number }): boolean {
  if (--left.chars < 0) return false;
  switch (typeof v) {
    case 'string':
      left.chars -= v.length;
      parts.push(JSON.stringify(v));
      return left.chars >= 0;
    case 'bigint':
      parts.push(`${v}n`);
      return true;
    case 'number':
      if (Object.is(v, -0)) return false;
      parts.push(String(v));
      return true;
    case 'boolean':
      parts.push(v ? 'true' : 'false');
      return true;
    case 'object':
      if (v === null) {
        parts.push('null');
        return true;
      }
      if (Array.isArray(v)) {
        parts.push('[');
        for (const x of v) {
          if (!appendKey(x, parts, left)) return false;
          parts.push(',');
        }
        parts.push(']');
        return true;
      }
      if (v instanceof Map) {
        parts.push('{');
        for (const [k, x] of v) {
          if (typeof k !== 'string') return false;
          parts.push(JSON.stringify(k), ':');
          if (!appendKey(x, parts, left)) return false;
          parts.push(',');
        }
        parts.push('}');
        return true;
      }
      return false;
    default:
      return false;
  }
}

/**
 * The Footprint of a parsed rule: walks every expression; `self` may only appear as the operand of a field selection or
 * as the range of a one-variable comprehension (two-variable ones bind values), and is never rebound by a comprehension
 * variable. Macros (has, all, exists, ...) are already expanded by the parser.
 */
function footprintOf(root: unknown, expr: string): Footprint | undefined {
  const fields = new Map<string, boolean>();
  let keys = false;
  let whole = false;
  let seen = false;
  const isSelf = (e: unknown): boolean => {
    const k = (e as { exprKind?: { case?: string; value?: { name?: string } } } | undefined)?.exprKind;
    return k?.case === 'identExpr' && k.value?.name === 'self';
  };
  const visit = (v: unknown): void => {
    if (whole || v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    const o = v as { $typeName?: string; exprKind?: { case?: string; value?: unknown } };
    if (o.$typeName === 'cel.expr.Expr' && o.exprKind) {
      seen = true;
      const { case: kind, value } = o.exprKind;
      if (isSelf(o)) {
        whole = true;
        return;
      }
      if (kind === 'selectExpr') {
        const sel = value as { operand?: unknown; field: string; testOnly: boolean };
        if (isSelf(sel.operand)) {
          fields.set(sel.field, (fields.get(sel.field) ?? false) || !sel.testOnly);
          return;
        }
      }
      if (kind === 'comprehensionExpr') {
        const c = value as Record<string, unknown> & { iterVar?: string; iterVar2?: string; accuVar?: string };
        if (c.iterVar === 'self' || c.iterVar2 === 'self' || c.accuVar === 'self') {
          whole = true;
          return;
        }
        if (isSelf(c.iterRange) && !c.iterVar2) {
          keys = true;
          for (const [k, x] of Object.entries(c)) if (k !== 'iterRange') visit(x);
          return;
        }
      }
    }
    for (const x of Object.values(o)) visit(x);
  };
  visit(root);
  // Fail safe if the parser's tree ever changes shape: a rule that names `self` but where the walk found no use of it.
  if (!seen || (!keys && fields.size === 0 && /\bself\b/.test(expr))) return undefined;
  return whole ? undefined : { fields, keys };
}

/** cel-go's error texts for the runtime errors users see most (the API server reports cel-go's). */
function celGoMessage(m: string): string {
  m = m.replace(/^Unsupported input (Error: )?/, '');
  const field = /^field not found: (.*)$/.exec(m);
  if (field) return `no such key: ${field[1]}`;
  return m;
}

export { isCelMap };
