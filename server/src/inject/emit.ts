// A small YAML emitter with sigs.k8s.io/yaml (go-yaml v2) output style, for JSON-like data: sorted keys,
// sequences not indented under their key, go-yaml's choice of plain / single / double quotes / literal blocks. Pure.
import { boundedMemo } from '../core/memo';
import { isMap } from './template/values';

const MAX_DEPTH = 200;

/** Whether go-yaml would read the plain scalar as something other than a string (so it double-quotes it). */
export function resolvesAsNonString(v: string): boolean {
  if (/^(true|false|yes|no|on|off|y|n|null|~)$/i.test(v)) return true;
  if (/^[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?$/.test(v) || /^[-+]?0x[0-9a-fA-F_]+$/.test(v) || /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(v)) return true;
  return /^[-+]?\d+(:[0-5]?\d)+(\.\d*)?$/.test(v) || /^\d{4}-\d\d?-\d\d?([Tt ].*)?$/.test(v);
}

/** Whether a string may be written as a plain scalar in block context. */
function plainAllowed(v: string): boolean {
  if (v === '' || /^\s|\s$/.test(v)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(v) && !/^[-?:][^\s]/.test(v)) return false;
  if (/^[?:]/.test(v) || v === '-' || v.startsWith('- ')) return false;
  if (v.includes(': ') || v.includes(' #') || v.endsWith(':')) return false;
  if (/^---|^\.\.\./.test(v)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(v)) return false;
  return true;
}

function doubleQuote(v: string): string {
  return JSON.stringify(v).replace(/[\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

/** Single-line scalars as written (the same names, images and ports recur in every injected pod). */
const written = boundedMemo((v) => singleLine(v), 50_000);

function scalar(v: string, indent: string): string {
  if (!v.includes('\n')) return written(v);
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(v)) return literal(v, indent);
  return singleLine(v);
}

function singleLine(v: string): string {
  if (v === '' || resolvesAsNonString(v)) return doubleQuote(v);
  if (plainAllowed(v)) return v;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(v)) return doubleQuote(v);
  return `'${v.replace(/'/g, "''")}'`;
}

function literal(v: string, indent: string): string {
  const body = v.endsWith('\n') ? v.slice(0, -1) : v;
  const chomp = v.endsWith('\n\n') ? '+' : v.endsWith('\n') ? '' : '-';
  const lines = (chomp === '+' ? v.slice(0, -1) : body).split('\n');
  const indicator = /^[ \t]/.test(lines[0] ?? '') ? '2' : '';
  const pad = `${indent}  `;
  return `|${indicator}${chomp}\n${lines.map((l) => (l === '' ? '' : pad + l)).join('\n')}`;
}

function key(k: string): string {
  return scalar(k, '').replace(/^\|.*/s, () => doubleQuote(k));
}

function value(v: unknown): string | null {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  return null;
}

function emitEntry(head: string, v: unknown, indent: string, depth: number, out: string[]): void {
  out.push(head);
  if (isMap(v)) {
    if (Object.keys(v).length === 0) { out.push(' {}\n'); return; }
    out.push('\n');
    emitMapBody(v, `${indent}  `, depth + 1, out);
  } else if (Array.isArray(v)) {
    if (v.length === 0) { out.push(' []\n'); return; }
    out.push('\n');
    for (const item of v) emitItem(item, indent, depth + 1, out);
  } else {
    out.push(` ${value(v) ?? scalar(String(v), indent)}\n`);
  }
}

function emitMapBody(m: Record<string, unknown>, indent: string, depth: number, out: string[]): void {
  for (const k of Object.keys(m).sort()) emitEntry(`${indent}${key(k)}:`, m[k], indent, depth, out);
}

function emitItem(item: unknown, indent: string, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) throw new Error('value nested too deeply to write as YAML');
  if (isMap(item) && Object.keys(item).length > 0) {
    const keys = Object.keys(item).sort();
    const inner = `${indent}  `;
    keys.forEach((k, i) => emitEntry(`${i === 0 ? `${indent}- ` : inner}${key(k)}:`, item[k], inner, depth + 1, out));
  } else if (Array.isArray(item) && item.length > 0) {
    out.push(`${indent}-`);
    out.push('\n');
    for (const x of item) emitItem(x, `${indent}  `, depth + 1, out);
  } else if (isMap(item)) out.push(`${indent}- {}\n`);
  else if (Array.isArray(item)) out.push(`${indent}- []\n`);
  else out.push(`${indent}- ${value(item) ?? scalar(String(item), indent)}\n`);
}

/** YAML for a JSON-like object (a mapping), ending with a newline. */
export function emitYaml(obj: Record<string, unknown>): string {
  if (Object.keys(obj).length === 0) return '{}\n';
  const out: string[] = [];
  emitMapBody(obj, '', 0, out);
  return out.join('');
}
