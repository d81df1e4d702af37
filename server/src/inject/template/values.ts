// The value model the template engine runs on, and Go's fmt %v printing of it. Pure.
//
//   undefined        Go's invalid reflect.Value (a missing map key): prints "<no value>"
//   null             a nil interface / pointer / slice / map: prints "<nil>"
//   boolean, number, string
//   Array            a slice
//   plain object     a map[string]any (ranged in sorted key order)
//   GoStruct         a Go struct (or pointer to one) with Go field names and methods
//   function         a func value (for `call`)

export type FieldLookup = { found: true; value: unknown } | { found: false };

/** A Go struct: fields by Go name, optional methods, and the JSON form used when it is marshalled. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    private readonly lookup: (name: string) => FieldLookup,
    readonly methods: Readonly<Record<string, (...args: unknown[]) => unknown>> = {},
    /** What json.Marshal would produce for this struct. */
    readonly json: unknown = {},
    /** A nil pointer to this struct type: false in conditions, but its (proto getter) methods still work. */
    readonly isNil = false,
  ) {}

  field(name: string): FieldLookup {
    return this.lookup(name);
  }
}

/** A Go enum-like value (a named integer type with a String method), such as ProxyConfig.InterceptionMode. */
export class GoEnum {
  constructor(readonly typeName: string, readonly name: string, readonly num: number) {}
  toString(): string { return this.name; }
}

/** Zero values of typed maps: `index` on a missing key of map[string]string yields "". */
const typedZero = new WeakMap<object, unknown>();

export function typedMap<T extends object>(m: T, zero: unknown): T {
  typedZero.set(m, zero);
  return m;
}

export function mapZero(m: object): unknown {
  return typedZero.has(m) ? typedZero.get(m) : null;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoStruct) return v.typeName;
  if (v instanceof GoEnum) return v.typeName;
  if (typeof v === 'function') return 'func';
  if (isMap(v)) return typedZero.get(v) === '' ? 'map[string]string' : 'map[string]interface {}';
  return 'interface {}';
}

export type BasicKind = 'invalid' | 'bool' | 'int' | 'float' | 'string' | 'other';

export function basicKind(v: unknown): BasicKind {
  if (v === undefined || v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  if (v instanceof GoEnum) return 'int';
  return 'other';
}

/** Go's template truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (v instanceof GoEnum) return v.num !== 0;
  if (v instanceof GoStruct) return !v.isNil;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** strconv.FormatFloat(f, 'g', prec, 64); prec -1 is the shortest representation (fmt's %v). */
export function formatFloatG(f: number, prec = -1): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const shortest = prec < 0;
  const p = shortest ? undefined : Math.max(prec, 1) - 1;
  const [mant, e] = (p === undefined ? Math.abs(f).toExponential() : Math.abs(f).toExponential(p)).split('e');
  const digits = mant.replace('.', '');
  const exp = Number(e);
  let eprec = shortest ? 6 : Math.max(prec, 1);
  if (!shortest && eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= eprec) {
    const m = shortest ? mant : mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const d = shortest ? digits : digits.replace(/0+$/, '') || '0';
  let out: string;
  if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${d}`;
  else if (d.length <= exp + 1) out = d + '0'.repeat(exp + 1 - d.length);
  else out = `${d.slice(0, exp + 1)}.${d.slice(exp + 1)}`;
  return sign + out;
}

/** fmt.Sprint of one operand (%v). */
export function formatValue(v: unknown, depth = 0): string {
  if (depth > 100) return '...';
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloatG(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof GoEnum) return v.name;
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, depth + 1)).join(' ')}]`;
  if (v instanceof GoStruct) {
    const j = v.json;
    if (isMap(j)) return `{${Object.values(j).map((x) => formatValue(x, depth + 1)).join(' ')}}`;
    return '{}';
  }
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${formatValue(v[k], depth + 1)}`).join(' ')}]`;
  }
  if (typeof v === 'function') return '0x1';
  return String(v);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(args[i]);
  }
  return out;
}

/** Converts a value to plain JSON-able data (structs become their JSON form). */
export function toPlain(v: unknown, depth = 0): unknown {
  if (depth > 200) throw new Error('value nested too deeply');
  if (v === undefined) return null;
  if (v instanceof GoStruct) return v.json;
  if (v instanceof GoEnum) return v.name;
  if (Array.isArray(v)) return v.map((x) => toPlain(x, depth + 1));
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x, depth + 1);
    return out;
  }
  if (typeof v === 'function') return null;
  return v;
}
