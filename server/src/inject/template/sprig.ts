// The Sprig (Masterminds/sprig v3) functions Istio's and Helm's templates use, with Sprig's semantics. Pure.
import { createHash } from 'node:crypto';
import { parse as parseYamlText, stringify } from 'yaml';
import type { GoFunc } from './exec';
import { goQuote } from './quote';
import { GoStruct, formatValue, goTypeName, isMap, isTrue, sprint, toPlain } from './values';

const fail = (msg: string): never => { throw new Error(msg); };
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : formatValue(v));

/** Sprig's empty(): nil, zero numbers, false, and empty strings, slices and maps. Structs are never empty. */
export function empty(v: unknown): boolean {
  if (v instanceof GoStruct) return false;
  return !isTrue(v);
}

/** Go's json.Marshal: map keys sorted, struct fields in declaration order, <>& escaped unless `raw`. */
export function goJson(v: unknown, raw = false, indent = ''): string {
  const plain = sortMaps(v, 0);
  let s = JSON.stringify(plain === undefined ? null : plain, null, indent) ?? 'null';
  if (!raw) s = s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return s;
}

/** Orders the JSON of a struct by Go field order (set by the embedding application; identity by default). */
let structOrder: (json: unknown) => unknown = (j) => j;
export function setStructJsonOrder(f: (json: unknown) => unknown): void {
  structOrder = f;
}

function sortMaps(v: unknown, depth: number): unknown {
  if (depth > 200) return fail('json: value nested too deeply');
  if (v instanceof GoStruct) return structOrder(v.json);
  if (Array.isArray(v)) return v.map((x) => sortMaps(x, depth + 1));
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortMaps(v[k], depth + 1);
    return out;
  }
  return toPlain(v);
}

/** sigs.k8s.io/yaml Marshal: JSON first, then YAML with sorted keys. Ends with a newline. */
export function goYaml(v: unknown): string {
  const json = goJson(v, true);
  let out = yamlByJson.get(json);
  if (out === undefined) {
    const data = JSON.parse(json) as unknown;
    out = data === null ? 'null\n' : stringify(data, { sortMapEntries: true, lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false });
    if (yamlByJson.size >= 512) yamlByJson.clear();
    yamlByJson.set(json, out);
  }
  return out;
}
/** toYaml output by JSON input: templates write the same values (resources, proxy settings) for every pod. */
const yamlByJson = new Map<string, string>();

function indentLines(spaces: unknown, s: unknown): string {
  const pad = ' '.repeat(Math.max(0, Math.min(Number(spaces) || 0, 10000)));
  return pad + str(s).replace(/\n/g, `\n${pad}`);
}

function toList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  return fail(`Cannot find first on type ${goTypeName(v)}`);
}

function dict(...kv: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < kv.length; i += 2) out[str(kv[i])] = i + 1 < kv.length ? kv[i + 1] : '';
  return out;
}

function asMap(v: unknown, fn: string): Record<string, unknown> {
  if (isMap(v)) return v;
  if (v === undefined || v === null) return {};
  return fail(`wrong type for value; expected map[string]interface {}; got ${goTypeName(v)} (${fn})`);
}

function deepCopy(v: unknown, depth = 0): unknown {
  if (depth > 200) return fail('value nested too deeply');
  if (Array.isArray(v)) return v.map((x) => deepCopy(x, depth + 1));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x, depth + 1)]));
  return v;
}

/** mergo-style merge: `overwrite` replaces existing non-map values. */
function mergeInto(dst: Record<string, unknown>, src: Record<string, unknown>, overwrite: boolean, depth = 0): void {
  if (depth > 200) fail('value nested too deeply');
  for (const [k, v] of Object.entries(src)) {
    const d = dst[k];
    if (isMap(d) && isMap(v)) mergeInto(d, v, overwrite, depth + 1);
    else if (!(k in dst) || (overwrite ? !(v === null || v === undefined) || false : empty(d))) dst[k] = deepCopy(v);
  }
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

const toInt = (v: unknown): number => Math.trunc(toNumber(v));

function trunc(n: unknown, s: unknown): string {
  const c = toInt(n);
  const t = str(s);
  if (c < 0 && t.length + c > 0) return t.slice(t.length + c);
  if (c >= 0 && t.length > c) return t.slice(0, c);
  return t;
}

function fromYaml(s: unknown): unknown {
  try {
    const v = parseYamlText(str(s), { maxAliasCount: 100 }) as unknown;
    return v === null || v === undefined ? {} : v;
  } catch (e) {
    return { Error: e instanceof Error ? e.message : String(e) };
  }
}

function fromJson(s: unknown): unknown {
  try {
    return JSON.parse(str(s)) as unknown;
  } catch {
    return {};
  }
}

function omitNil(v: unknown, depth = 0): unknown {
  if (depth > 200) return fail('value nested too deeply');
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = omitNil(x, depth + 1);
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => omitNil(x, depth + 1));
  return v;
}

export const SPRIG_FUNCS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  // defaults and flow
  ['default', (d, ...given) => (given.length === 0 || empty(given[0]) ? d : given[0])],
  ['empty', (v) => empty(v)],
  ['coalesce', (...v) => v.find((x) => !empty(x)) ?? null],
  ['ternary', (a, b, c) => (isTrue(c) ? a : b)],
  ['required', (msg, v) => (v === null || v === undefined || v === '' ? fail(str(msg)) : v)],
  ['fail', (msg) => fail(str(msg))],
  // strings
  ['quote', (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => goQuote(str(x))).join(' ')],
  ['squote', (...a) => a.filter((x) => x !== null && x !== undefined).map((x) => `'${str(x)}'`).join(' ')],
  ['indent', indentLines],
  ['nindent', (n, s) => `\n${indentLines(n, s)}`],
  ['trim', (s) => str(s).trim()],
  ['trimAll', (cut, s) => { const c = [...str(cut)]; let t = str(s); while (t && c.includes(t[0])) t = t.slice(1); while (t && c.includes(t[t.length - 1])) t = t.slice(0, -1); return t; }],
  ['trimPrefix', (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s))],
  ['trimSuffix', (p, s) => (str(p) && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s))],
  ['trunc', trunc],
  ['lower', (s) => str(s).toLowerCase()],
  ['toLower', (s) => str(s).toLowerCase()],
  ['upper', (s) => str(s).toUpperCase()],
  ['toUpper', (s) => str(s).toUpperCase()],
  ['title', (s) => str(s).replace(/\b\p{L}/gu, (c) => c.toUpperCase())],
  ['replace', (o, n, s) => str(s).split(str(o)).join(str(n))],
  ['repeat', (n, s) => str(s).repeat(Math.max(0, Math.min(toInt(n), 1_000_000)))],
  ['contains', (sub, s) => str(s).includes(str(sub))],
  ['hasPrefix', (p, s) => str(s).startsWith(str(p))],
  ['hasSuffix', (p, s) => str(s).endsWith(str(p))],
  ['cat', (...a) => sprint(a.filter((x) => x !== null && x !== undefined)).trim()],
  ['nospace', (s) => str(s).replace(/\s/g, '')],
  ['substr', (a, b, s) => { const t = str(s); const st = toInt(a); const en = toInt(b); return st < 0 ? t.slice(0, en) : en < 0 || en > t.length ? t.slice(st) : t.slice(st, en); }],
  ['split', (sep, s) => Object.fromEntries(str(s).split(str(sep)).map((p, i) => [`_${i}`, p]))],
  ['splitList', (sep, s) => str(s).split(str(sep))],
  ['join', (sep, v) => (Array.isArray(v) ? v.map(str).join(str(sep)) : str(v))],
  ['toString', (v) => str(v)],
  ['toStrings', (v) => toList(v).map(str)],
  ['b64enc', (s) => Buffer.from(str(s), 'utf8').toString('base64')],
  ['b64dec', (s) => Buffer.from(str(s), 'base64').toString('utf8')],
  ['sha256sum', (s) => createHash('sha256').update(str(s)).digest('hex')],
  ['regexMatch', (re, s) => new RegExp(str(re)).test(str(s))],
  ['regexReplaceAll', (re, s, r) => str(s).replace(new RegExp(str(re), 'g'), str(r).replace(/\$\{?(\d+)\}?/g, '$$$1'))],
  // conversions
  ['int', toInt],
  ['int64', toInt],
  ['float64', toNumber],
  ['atoi', (s) => { const n = parseInt(str(s), 10); return Number.isFinite(n) ? n : 0; }],
  ['toJson', (v) => { try { return goJson(v); } catch { return ''; } }],
  ['toRawJson', (v) => goJson(v, true)],
  ['toPrettyJson', (v) => { try { return goJson(v, false, '  '); } catch { return ''; } }],
  ['fromJson', fromJson],
  ['toYaml', (v) => { try { return goYaml(v).replace(/\n$/, ''); } catch { return ''; } }],
  ['fromYaml', fromYaml],
  // math
  ['add', (...a) => a.reduce<number>((s, x) => s + toInt(x), 0)],
  ['add1', (a) => toInt(a) + 1],
  ['sub', (a, b) => toInt(a) - toInt(b)],
  ['mul', (...a) => a.reduce<number>((s, x) => s * toInt(x), 1)],
  ['div', (a, b) => (toInt(b) === 0 ? fail('runtime error: integer divide by zero') : Math.trunc(toInt(a) / toInt(b)))],
  ['mod', (a, b) => (toInt(b) === 0 ? fail('runtime error: integer divide by zero') : toInt(a) % toInt(b))],
  ['max', (...a) => Math.max(...a.map(toInt))],
  ['min', (...a) => Math.min(...a.map(toInt))],
  ['until', (n) => Array.from({ length: Math.max(0, Math.min(toInt(n), 1_000_000)) }, (_, i) => i)],
  // lists
  ['list', (...a) => a],
  ['append', (l, v) => [...toList(l), v]],
  ['prepend', (l, v) => [v, ...toList(l)]],
  ['first', (l) => toList(l)[0] ?? null],
  ['last', (l) => { const x = toList(l); return x.length ? x[x.length - 1] : null; }],
  ['rest', (l) => toList(l).slice(1)],
  ['initial', (l) => toList(l).slice(0, -1)],
  ['has', (v, l) => toList(l).some((x) => x === v)],
  ['uniq', (l) => toList(l).filter((x, i, a) => a.indexOf(x) === i)],
  ['compact', (l) => toList(l).filter((x) => !empty(x))],
  ['concat', (...ls) => ls.flatMap(toList)],
  // dicts
  ['dict', dict],
  ['get', (m, k) => { const d = asMap(m, 'get'); return Object.prototype.hasOwnProperty.call(d, str(k)) ? d[str(k)] : ''; }],
  ['set', (m, k, v) => { const d = asMap(m, 'set'); d[str(k)] = v; return d; }],
  ['unset', (m, k) => { const d = asMap(m, 'unset'); delete d[str(k)]; return d; }],
  ['hasKey', (m, k) => Object.prototype.hasOwnProperty.call(asMap(m, 'hasKey'), str(k))],
  ['keys', (...ms) => ms.flatMap((m) => Object.keys(asMap(m, 'keys')))],
  ['values', (m) => Object.values(asMap(m, 'values'))],
  ['pick', (m, ...ks) => { const d = asMap(m, 'pick'); const names = ks.map(str); return Object.fromEntries(Object.entries(d).filter(([k]) => names.includes(k))); }],
  ['omit', (m, ...ks) => { const d = asMap(m, 'omit'); const names = ks.map(str); return Object.fromEntries(Object.entries(d).filter(([k]) => !names.includes(k))); }],
  ['merge', (dst, ...srcs) => { const d = asMap(dst, 'merge'); for (const s of srcs) mergeInto(d, asMap(s, 'merge'), false); return d; }],
  ['mergeOverwrite', (dst, ...srcs) => { const d = asMap(dst, 'mergeOverwrite'); for (const s of srcs) mergeInto(d, asMap(s, 'mergeOverwrite'), true); return d; }],
  ['deepCopy', (v) => deepCopy(v)],
  ['omitNil', (v) => omitNil(v)],
  // reflection
  ['kindOf', (v) => (v === null || v === undefined ? 'invalid' : Array.isArray(v) ? 'slice' : isMap(v) ? 'map' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float64') : typeof v === 'boolean' ? 'bool' : typeof v === 'string' ? 'string' : 'struct')],
  ['typeOf', (v) => goTypeName(v)],
  ['kindIs', (k, v) => SPRIG_KIND(v) === str(k)],
]);

function SPRIG_KIND(v: unknown): string {
  return (SPRIG_FUNCS.get('kindOf') as GoFunc)(v) as string;
}
