// Go text/template's predefined functions (and/or are evaluated lazily by the executor). Pure.
import type { GoFunc } from './exec';
import { sprintf } from './printf';
import { GoEnum, GoStruct, basicKind, formatValue, goTypeName, isMap, isTrue, mapZero, sprint } from './values';

const fail = (msg: string): never => { throw new Error(msg); };

function toIndex(v: unknown): number {
  if (v instanceof GoEnum) return v.num;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (v === undefined || v === null) return fail('cannot index slice/array with nil');
  return fail(`cannot index slice/array with type ${goTypeName(v)}`);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) return fail('index of untyped nil');
  let v: unknown = item;
  for (const ix of indexes) {
    if (v === undefined || v === null) return fail('index of nil pointer');
    if (Array.isArray(v) || typeof v === 'string') {
      const i = toIndex(ix);
      if (i < 0 || i >= v.length) return fail(`index out of range: ${i}`);
      v = typeof v === 'string' ? v.charCodeAt(i) : v[i];
    } else if (isMap(v)) {
      if (typeof ix !== 'string') return fail(`value has type ${goTypeName(ix)}; should be string`);
      const m: Record<string, unknown> = v;
      v = Object.prototype.hasOwnProperty.call(m, ix) ? m[ix] : mapZero(m);
    } else return fail(`can't index item of type ${goTypeName(v)}`);
  }
  return v;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (item === undefined || item === null) return fail('slice of untyped nil');
  if (indexes.length > 3) return fail(`too many slice indexes: ${indexes.length}`);
  if (typeof item !== 'string' && !Array.isArray(item)) return fail(`can't slice item of type ${goTypeName(item)}`);
  if (typeof item === 'string' && indexes.length === 3) return fail('cannot 3-index slice a string');
  const ix = indexes.map(toIndex);
  const lo = ix[0] ?? 0;
  const hi = ix[1] ?? item.length;
  if (lo < 0 || hi < lo || hi > item.length) return fail(`invalid slice index: ${lo} > ${hi}`);
  return item.slice(lo, hi);
}

function length(item: unknown): number {
  if (item === undefined || item === null) return fail('len of nil pointer');
  if (typeof item === 'string') return Buffer.byteLength(item, 'utf8');
  if (Array.isArray(item)) return item.length;
  if (isMap(item)) return Object.keys(item).length;
  return fail(`len of type ${goTypeName(item)}`);
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';

function comparable(v: unknown): unknown {
  return v instanceof GoEnum ? v.num : v;
}

export function eq(arg1: unknown, ...arg2: unknown[]): boolean {
  if (arg2.length === 0) return fail('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of arg2) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      const valid1 = arg1 !== undefined && arg1 !== null;
      const valid2 = arg !== undefined && arg !== null;
      if (valid1 && valid2) return fail(errBadComparison);
      truth = false;
    } else if (k1 === 'other') {
      if (Array.isArray(arg1) || isMap(arg1) || typeof arg1 === 'function') return fail(`non-comparable type ${formatValue(arg1)}: ${goTypeName(arg1)}`);
      if (arg1 instanceof GoStruct) return fail(`non-comparable type ${goTypeName(arg1)}`);
      truth = arg1 === arg;
    } else if (k1 === 'invalid') truth = true;
    else truth = comparable(arg1) === comparable(arg);
    if (truth) return true;
  }
  return false;
}

export function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k1 === 'bool' || k2 === 'invalid' || k2 === 'other' || k2 === 'bool') return fail(errBadComparisonType);
  if (k1 !== k2) return fail(errBadComparison);
  return (comparable(a) as number | string) < (comparable(b) as number | string);
}

export const le = (a: unknown, b: unknown): boolean => lt(a, b) || eq(a, b);

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<') out += '\\u003C';
    else if (ch === '>') out += '\\u003E';
    else if (ch === '&') out += '\\u0026';
    else if (ch === '=') out += '\\u003D';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** Go's evalArgs: a single string argument is used as is, otherwise fmt.Sprint. */
const evalArgs = (args: unknown[]) => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

export const GO_BUILTINS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ['and', () => fail('and is evaluated by the executor')],
  ['or', () => fail('or is evaluated by the executor')],
  ['not', (a) => !isTrue(a)],
  ['len', length],
  ['index', index],
  ['slice', slice],
  ['print', (...a) => sprint(a)],
  ['printf', (f, ...a) => sprintf(typeof f === 'string' ? f : fail(`wrong type for value; expected string; got ${goTypeName(f)}`), a)],
  ['println', (...a) => `${a.map((x) => formatValue(x)).join(' ')}\n`],
  ['html', (...a) => htmlEscape(evalArgs(a))],
  ['js', (...a) => jsEscape(evalArgs(a))],
  ['urlquery', (...a) => encodeURIComponent(evalArgs(a)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)],
  ['call', (fn, ...a) => (typeof fn === 'function' ? fn(...a) : fail(`non-function of type ${goTypeName(fn)}`))],
  ['eq', eq],
  ['ne', (a, b) => !eq(a, b)],
  ['lt', lt],
  ['le', le],
  ['gt', (a, b) => !le(a, b)],
  ['ge', (a, b) => !lt(a, b)],
]);
