// Lexer for Go text/template (after Go's text/template/parse/lex.go). Pure, never throws: errors are 'error' items.

export type ItemType =
  | 'text' | 'left' | 'right' | 'space' | 'identifier' | 'field' | 'variable' | 'dot' | 'string' | 'rawString'
  | 'char' | 'number' | 'bool' | 'nil' | 'keyword' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign'
  | 'comma' | 'comment' | 'eof' | 'error';

export interface Item {
  type: ItemType;
  val: string;
  pos: number;
  line: number;
}

export const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'nil', 'template', 'with']);

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string) => /[\p{L}\p{Nd}_]/u.test(c);

/** Splits a template into items. Delimiters are Go's defaults, {{ and }}. */
export function lex(text: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let line = 1;
  const lineAt = (() => {
    let lastPos = 0;
    let lastLine = 1;
    return (p: number) => {
      if (p < lastPos) { lastPos = 0; lastLine = 1; }
      for (let i = lastPos; i < p; i++) if (text[i] === '\n') lastLine++;
      lastPos = p;
      return lastLine;
    };
  })();
  const emit = (type: ItemType, start: number, end: number, val?: string) => {
    items.push({ type, val: val ?? text.slice(start, end), pos: start, line: lineAt(start) });
  };
  const fail = (at: number, msg: string): Item[] => {
    items.push({ type: 'error', val: msg, pos: at, line: lineAt(at) });
    return items;
  };
  let trimNext = false;
  while (pos <= text.length) {
    // Text up to the next left delimiter.
    const open = text.indexOf('{{', pos);
    const end = open < 0 ? text.length : open;
    let textEnd = end;
    const trimLeft = open >= 0 && text[open + 2] === '-' && isSpace(text[open + 3] ?? '');
    if (trimLeft) while (textEnd > pos && isSpace(text[textEnd - 1])) textEnd--;
    let textStart = pos;
    if (trimNext) while (textStart < textEnd && isSpace(text[textStart])) textStart++;
    trimNext = false;
    if (textEnd > textStart) emit('text', textStart, textEnd);
    if (open < 0) break;
    line = lineAt(open);
    pos = open + 2 + (trimLeft ? 2 : 0);
    // Comment: {{/* ... */}} (with optional trim markers).
    if (text.startsWith('/*', pos)) {
      const close = text.indexOf('*/', pos + 2);
      if (close < 0) return fail(open, 'unclosed comment');
      let after = close + 2;
      let trimRight = false;
      if (isSpace(text[after] ?? '') && text[after + 1] === '-' && text.startsWith('}}', after + 2)) { trimRight = true; after += 2; }
      if (!text.startsWith('}}', after)) return fail(open, 'comment ends before closing delimiter');
      pos = after + 2;
      trimNext = trimRight;
      continue;
    }
    emit('left', open, open + 2);
    const r = lexInside(text, pos, emit);
    if (typeof r === 'string') return fail(pos, r);
    pos = r.pos;
    trimNext = r.trim;
    void line;
  }
  emit('eof', text.length, text.length, '');
  return items;
}

function lexInside(text: string, start: number, emit: (t: ItemType, s: number, e: number, v?: string) => void): { pos: number; trim: boolean } | string {
  let pos = start;
  let parenDepth = 0;
  for (;;) {
    // Right delimiter, possibly with a trim marker.
    if (isSpace(text[pos] ?? '') ) {
      let p = pos;
      while (isSpace(text[p] ?? '')) p++;
      if (text[p] === '-' && text.startsWith('}}', p + 1) && p > pos) {
        if (parenDepth) return 'unclosed left paren';
        emit('right', p + 1, p + 3);
        return { pos: p + 3, trim: true };
      }
      emit('space', pos, p);
      pos = p;
      continue;
    }
    if (text.startsWith('}}', pos)) {
      if (parenDepth) return 'unclosed left paren';
      emit('right', pos, pos + 2);
      return { pos: pos + 2, trim: false };
    }
    if (pos >= text.length) return 'unclosed action';
    const c = text[pos];
    if (c === '\n') return 'unclosed action';
    if (c === '=') { emit('assign', pos, pos + 1); pos++; continue; }
    if (c === ':') {
      if (text[pos + 1] !== '=') return 'expected :=';
      emit('declare', pos, pos + 2); pos += 2; continue;
    }
    if (c === '|') { emit('pipe', pos, pos + 1); pos++; continue; }
    if (c === ',') { emit('comma', pos, pos + 1); pos++; continue; }
    if (c === '(') { emit('lparen', pos, pos + 1); parenDepth++; pos++; continue; }
    if (c === ')') {
      parenDepth--;
      if (parenDepth < 0) return `unexpected right paren`;
      emit('rparen', pos, pos + 1); pos++; continue;
    }
    if (c === '"') {
      let p = pos + 1;
      while (p < text.length && text[p] !== '"') {
        if (text[p] === '\\') p++;
        if (text[p] === '\n' || p >= text.length) return 'unterminated quoted string';
        p++;
      }
      if (p >= text.length) return 'unterminated quoted string';
      emit('string', pos, p + 1); pos = p + 1; continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', pos + 1);
      if (close < 0) return 'unterminated raw quoted string';
      emit('rawString', pos, close + 1); pos = close + 1; continue;
    }
    if (c === "'") {
      let p = pos + 1;
      while (p < text.length && text[p] !== "'") {
        if (text[p] === '\\') p++;
        if (text[p] === '\n' || p >= text.length) return 'unterminated character constant';
        p++;
      }
      emit('char', pos, p + 1); pos = p + 1; continue;
    }
    if (c === '$') {
      let p = pos + 1;
      while (p < text.length && isAlnum(text[p])) p++;
      emit('variable', pos, p); pos = p; continue;
    }
    if (c === '.') {
      const n = text[pos + 1] ?? '';
      if (/[0-9]/.test(n)) { pos = lexNumber(text, pos, emit); continue; }
      let p = pos + 1;
      while (p < text.length && isAlnum(text[p])) p++;
      if (p === pos + 1) emit('dot', pos, p);
      else emit('field', pos, p);
      pos = p; continue;
    }
    if (c === '+' || c === '-' || /[0-9]/.test(c)) {
      if ((c === '+' || c === '-') && !/[0-9.]/.test(text[pos + 1] ?? '')) return `bad character ${JSON.stringify(c)}`;
      pos = lexNumber(text, pos, emit); continue;
    }
    if (isAlnum(c)) {
      let p = pos;
      while (p < text.length && isAlnum(text[p])) p++;
      const word = text.slice(pos, p);
      if (KEYWORDS.has(word)) emit(word === 'nil' ? 'nil' : 'keyword', pos, p);
      else if (word === 'true' || word === 'false') emit('bool', pos, p);
      else emit('identifier', pos, p);
      pos = p; continue;
    }
    return `bad character ${JSON.stringify(c)}`;
  }
}

function lexNumber(text: string, pos: number, emit: (t: ItemType, s: number, e: number) => void): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)i?/.exec(text.slice(pos, pos + 64));
  const len = m && m[0].length ? m[0].length : 1;
  emit('number', pos, pos + len);
  return pos + len;
}
