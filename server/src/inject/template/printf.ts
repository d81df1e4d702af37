// fmt.Sprintf for the verbs templates use: %v %s %d %q %t %x %X %o %b %c %f %e %g %U %T %%. Pure.
import { goQuote } from './quote';
import { GoEnum, formatFloatG, formatValue, goTypeName, isMap } from './values';

interface Spec { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean; width?: number; prec?: number }

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c !== '%') { out += c; i++; continue; }
    i++;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === ' ') spec.space = true;
      else if (f === '0') spec.zero = true;
      else break;
    }
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'number' ? Math.trunc(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Math.min(Number(m[0]), 1_000_000);
    };
    spec.width = num();
    if (format[i] === '.') { i++; spec.prec = num() ?? 0; }
    if (i >= format.length) { out += '%!(NOVERB)'; break; }
    const verb = format[i++];
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += pad(formatOne(verb, args[argi++], spec), spec, verb);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args.slice(argi).map((a) => `${goTypeName(a)}=${formatValue(a)}`).join(', ')})`;
  }
  return out;
}

function pad(s: string, spec: Spec, verb: string): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const fill = spec.width - [...s].length;
  if (fill <= 0) return s;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && 'dxXobfeEgG'.includes(verb)) {
    const sign = /^[+-]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function signed(s: string, n: number, spec: Spec): string {
  if (n >= 0 && spec.plus) return `+${s}`;
  if (n >= 0 && spec.space) return ` ${s}`;
  return s;
}

function formatOne(verb: string, v: unknown, spec: Spec): string {
  if (v instanceof GoEnum && verb !== 'd') v = v.name;
  switch (verb) {
    case 'v':
      if (spec.sharp && typeof v === 'string') return goQuote(v);
      if (typeof v === 'number' && !Number.isInteger(v) && spec.prec !== undefined) return formatFloatG(v, spec.prec);
      return signed(formatValue(v), typeof v === 'number' ? v : 0, spec);
    case 'T': return goTypeName(v);
    case 's':
      if (typeof v === 'string') return spec.prec !== undefined ? [...v].slice(0, spec.prec).join('') : v;
      if (typeof v === 'number' || typeof v === 'boolean') return bad(verb, v);
      return formatValue(v);
    case 'q':
      if (typeof v === 'string') return spec.sharp && !v.includes('`') ? `\`${v}\`` : goQuote(v);
      if (typeof v === 'number' && Number.isInteger(v)) return goQuote(String.fromCodePoint(v), "'");
      if (Array.isArray(v)) return `[${v.map((x) => formatOne('q', x, spec)).join(' ')}]`;
      return bad(verb, v);
    case 't': return typeof v === 'boolean' ? String(v) : bad(verb, v);
    case 'd': case 'b': case 'o': case 'O': case 'x': case 'X': case 'c': case 'U':
      return formatInt(verb, v, spec);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
      if (typeof v !== 'number') return bad(verb, v);
      return signed(formatFloat(verb, v, spec.prec), v, spec);
  }
  return bad(verb, v);
}

function formatInt(verb: string, v: unknown, spec: Spec): string {
  if (v instanceof GoEnum) v = v.num;
  if ((verb === 'x' || verb === 'X') && typeof v === 'string') {
    const hex = Buffer.from(v, 'utf8').toString('hex');
    return verb === 'X' ? hex.toUpperCase() : hex;
  }
  if (Array.isArray(v)) return `[${v.map((x) => formatInt(verb, x, spec)).join(' ')}]`;
  if (isMap(v)) return formatValue(v);
  if (typeof v !== 'number') return bad(verb, v);
  if (!Number.isInteger(v)) {
    if (verb === 'x' || verb === 'X') return v.toString(16);
    return bad(verb, v);
  }
  const neg = v < 0;
  const a = Math.abs(v);
  let s: string;
  switch (verb) {
    case 'b': s = a.toString(2); break;
    case 'o': s = (spec.sharp ? '0' : '') + a.toString(8); break;
    case 'O': s = `0o${a.toString(8)}`; break;
    case 'x': s = (spec.sharp ? '0x' : '') + a.toString(16); break;
    case 'X': s = (spec.sharp ? '0X' : '') + a.toString(16).toUpperCase(); break;
    case 'c': return String.fromCodePoint(a);
    case 'U': return `U+${a.toString(16).toUpperCase().padStart(4, '0')}`;
    default: s = String(a);
  }
  if (spec.prec !== undefined) s = s.padStart(spec.prec, '0');
  return signed(neg ? `-${s}` : s, v, spec);
}

function formatFloat(verb: string, v: number, prec: number | undefined): string {
  const lower = verb.toLowerCase();
  if (lower === 'f') return v.toFixed(Math.min(prec ?? 6, 100));
  if (lower === 'e') {
    const s = v.toExponential(Math.min(prec ?? 6, 100));
    const [m, e] = s.split('e');
    const n = Number(e);
    const r = `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
    return verb === 'E' ? r.toUpperCase() : r;
  }
  const r = formatFloatG(v, prec ?? -1);
  return verb === 'G' ? r.toUpperCase() : r;
}
