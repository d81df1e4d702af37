// Go string quoting and unquoting (strconv.Quote / strconv.Unquote subset). Pure.

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** Decodes the escapes of a Go interpreted string literal body; null when malformed. */
function unescape(body: string, quote: string): string | null {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === quote) return null;
    if (c !== '\\') { out += c; continue; }
    const e = body[++i];
    if (e === undefined) return null;
    if (e in SIMPLE) {
      if ((e === "'" || e === '"') && e !== quote) return null;
      out += SIMPLE[e];
      continue;
    }
    const hex = (n: number) => {
      const h = body.slice(i + 1, i + 1 + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) return null;
      i += n;
      return parseInt(h, 16);
    };
    if (e === 'x') { const v = hex(2); if (v === null) return null; out += String.fromCharCode(v); continue; }
    if (e === 'u') { const v = hex(4); if (v === null) return null; out += String.fromCodePoint(v); continue; }
    if (e === 'U') { const v = hex(8); if (v === null || v > 0x10ffff) return null; out += String.fromCodePoint(v); continue; }
    if (/[0-7]/.test(e)) {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) return null;
      i += 2;
      out += String.fromCharCode(parseInt(o, 8));
      continue;
    }
    return null;
  }
  return out;
}

export function unquoteString(lit: string): string | null {
  if (lit.length < 2 || lit[0] !== '"' || lit[lit.length - 1] !== '"') return null;
  return unescape(lit.slice(1, -1), '"');
}

export function unquoteChar(lit: string): string | null {
  if (lit.length < 3 || lit[0] !== "'" || lit[lit.length - 1] !== "'") return null;
  const s = unescape(lit.slice(1, -1), "'");
  return s !== null && [...s].length === 1 ? s : null;
}

/** strconv.Quote: a double-quoted Go string literal. */
export function goQuote(s: string, quote = '"'): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (ch !== " " && !/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) {
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + quote;
}
