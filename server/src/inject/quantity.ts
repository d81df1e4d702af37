// Kubernetes resource.Quantity canonical form ("2000m" -> "2", "1024Mi" -> "1Gi"), as decoding into a typed
// object and encoding again produces. Pure.
import { boundedMemo } from '../core/memo';

const DEC: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DEC_SUFFIX: Record<number, string> = Object.fromEntries(Object.entries(DEC).map(([k, v]) => [v, k]));
const BIN_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Returns the canonical string of a quantity, or the input unchanged when it is not a valid quantity (memoised). */
export const canonicalQuantity: (q: string) => string = boundedMemo((q) => canonical(q), 10_000);

function canonical(q: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/.exec(q.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return q;
  const [, sign, int, frac = '', suffix, expStr] = m;
  const neg = sign === '-';
  // value = digits * 10^e10 * 1024^e2
  let digits = BigInt(`${int || '0'}${frac}`);
  let e10 = -frac.length;
  let e2 = 0;
  let format: 'bin' | 'dec' | 'exp' = 'dec';
  if (suffix && suffix in BIN) { e2 = BIN[suffix]; format = 'bin'; }
  else if (suffix !== undefined) e10 += DEC[suffix];
  else if (expStr !== undefined) { e10 += Number(expStr); format = 'exp'; }
  if (e2) { digits *= 1024n ** BigInt(e2); e2 = 0; }
  if (digits === 0n) return '0';
  // Normalise to an integer times 10^e10 (drop trailing zeros of the fraction).
  while (e10 < 0 && digits % 10n === 0n) { digits /= 10n; e10++; }
  if (format === 'bin') {
    const isInt = e10 >= 0;
    const value = isInt ? digits * 10n ** BigInt(e10) : 0n;
    if (!isInt || value < 1024n) format = 'dec';
    else {
      let n = value;
      let i = 0;
      while (i < 6 && n % 1024n === 0n) { n /= 1024n; i++; }
      return `${neg ? '-' : ''}${n}${BIN_SUFFIX[i]}`;
    }
  }
  // Decimal: exponent a multiple of 3, at least -9 (nano); round up finer values like Kubernetes does.
  let n = digits;
  let e = e10;
  while (e % 3 !== 0) { if (e > 0) { n *= 10n; e--; } else { n *= 10n; e--; } }
  while (e < -9) { n = (n + 999n) / 1000n; e += 3; }
  while (e < 18 && n % 1000n === 0n) { n /= 1000n; e += 3; }
  while (e > 18) { n *= 1000n; e -= 3; }
  if (format === 'exp') return `${neg ? '-' : ''}${n}${e === 0 ? '' : `e${e}`}`;
  return `${neg ? '-' : ''}${n}${DEC_SUFFIX[e]}`;
}
