// Parser for Go text/template (after Go's text/template/parse/parse.go). Returns trees or a Go-style error value.
import type { Arg, CommandNode, Node, PipeNode, Tree } from './ast';
import { lex, type Item } from './lex';
import { unquoteChar, unquoteString } from './quote';

export interface ParseResult {
  ok: boolean;
  /** The main tree and every {{define}}/{{block}} tree, by name. */
  trees: Map<string, Tree>;
  error?: string;
}

class ParseError extends Error {}

const MAX_NESTING = 1000;

/**
 * Parses `text` as template `name`. `isFunc` tells whether a function name is defined (Go checks this at parse time).
 */
export function parseTemplate(name: string, text: string, isFunc: (n: string) => boolean): ParseResult {
  const trees = new Map<string, Tree>();
  const p = new Parser(name, text, lex(text), isFunc, trees);
  try {
    const root = p.parseRoot();
    // Go: an empty or whitespace-only main template does not replace an existing definition.
    if (!trees.has(name) || root.some((n) => n.type !== 'text' || n.text.trim() !== '')) trees.set(name, { name, text, root });
    return { ok: true, trees };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, trees, error: e.message };
    throw e;
  }
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private depth = 0;

  constructor(
    private readonly name: string,
    private readonly text: string,
    private readonly items: Item[],
    private readonly isFunc: (n: string) => boolean,
    private readonly trees: Map<string, Tree>,
  ) {}

  private peek(): Item { return this.items[Math.min(this.i, this.items.length - 1)]; }
  private next(): Item { return this.items[Math.min(this.i++, this.items.length - 1)]; }
  private backup(): void { this.i--; }
  private nextNonSpace(): Item {
    let it = this.next();
    while (it.type === 'space') it = this.next();
    return it;
  }
  private peekNonSpace(): Item {
    const it = this.nextNonSpace();
    this.backup();
    return it;
  }

  private fail(item: Item, msg: string): never {
    throw new ParseError(`template: ${this.name}:${item.line}: ${msg}`);
  }
  private unexpected(item: Item, context: string): never {
    if (item.type === 'error') this.fail(item, item.val);
    const desc = item.type === 'eof' ? 'EOF' : `"${item.val}"`;
    this.fail(item, `unexpected ${desc} in ${context}`);
  }
  private expect(type: Item['type'], context: string): Item {
    const it = this.nextNonSpace();
    if (it.type !== type) this.unexpected(it, context);
    return it;
  }

  parseRoot(): Node[] {
    const list: Node[] = [];
    for (;;) {
      const it = this.peek();
      if (it.type === 'eof') return list;
      if (it.type === 'left') {
        let j = this.i + 1;
        while (this.items[j]?.type === 'space') j++;
        if (this.items[j]?.type === 'keyword' && this.items[j].val === 'define') {
          this.i = j + 1;
          this.parseDefinition();
          continue;
        }
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.unexpected(n.item, 'input');
      list.push(n.node!);
    }
  }

  private parseDefinition(): void {
    const nameItem = this.nextNonSpace();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.unexpected(nameItem, 'define clause');
    const name = this.unquote(nameItem);
    this.expect('right', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const { list, end } = this.itemList();
    if (end.kind !== 'end') this.unexpected(end.item, 'define clause');
    this.vars = saved;
    this.addTree(name, list);
  }

  private addTree(name: string, root: Node[]): void {
    const prev = this.trees.get(name);
    const empty = root.every((n) => n.type === 'text' && n.text.trim() === '');
    if (prev && empty) return;
    this.trees.set(name, { name, text: this.text, root });
  }

  /** Parses nodes until {{end}} or {{else}}. */
  private itemList(): { list: Node[]; end: { kind: 'end' | 'else'; item: Item } } {
    if (++this.depth > MAX_NESTING) this.fail(this.peek(), `max nesting depth ${MAX_NESTING} exceeded`);
    const list: Node[] = [];
    for (;;) {
      const it = this.peek();
      if (it.type === 'eof') this.unexpected(it, 'input');
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') {
        this.depth--;
        return { list, end: { kind: n.kind, item: n.item } };
      }
      list.push(n.node!);
    }
  }

  private textOrAction(): { kind: 'node' | 'end' | 'else'; node?: Node; item: Item } {
    const it = this.next();
    if (it.type === 'text') return { kind: 'node', node: { type: 'text', text: it.val, pos: it.pos, src: it.val }, item: it };
    if (it.type === 'left') return this.action();
    if (it.type === 'error') this.fail(it, it.val);
    this.unexpected(it, 'input');
  }

  private action(): { kind: 'node' | 'end' | 'else'; node?: Node; item: Item } {
    const it = this.nextNonSpace();
    if (it.type === 'keyword') {
      switch (it.val) {
        case 'block': return { kind: 'node', node: this.blockControl(it), item: it };
        case 'break': case 'continue': {
          if (this.rangeDepth === 0) this.fail(it, `{{${it.val}}} outside {{range}}`);
          this.expect('right', it.val);
          return { kind: 'node', node: { type: it.val, pos: it.pos, src: it.val }, item: it };
        }
        case 'else': return { kind: 'else', item: it };
        case 'end': this.expect('right', 'end'); return { kind: 'end', item: it };
        case 'if': case 'range': case 'with': return { kind: 'node', node: this.branch(it), item: it };
        case 'template': return { kind: 'node', node: this.templateControl(it), item: it };
        case 'define': this.fail(it, 'unexpected <define> in command');
      }
    }
    this.backup();
    const pipe = this.pipeline('command', 'right');
    return { kind: 'node', node: { type: 'action', pipe, pos: it.pos, src: pipe.src }, item: it };
  }

  private branch(kw: Item): Node {
    const type = kw.val as 'if' | 'range' | 'with';
    const savedVars = this.vars.length;
    const pipe = this.pipeline(type, 'right');
    if (type === 'range') this.rangeDepth++;
    const body = this.itemList();
    if (type === 'range') this.rangeDepth--;
    let elseList: Node[] | null = null;
    if (body.end.kind === 'else') {
      // "else if" / "else with": treat as an else branch holding one nested branch ending at the same {{end}}.
      const nxt = this.peekNonSpace();
      if ((type === 'if' && nxt.type === 'keyword' && nxt.val === 'if') || (type === 'with' && nxt.type === 'keyword' && nxt.val === 'with')) {
        const kw2 = this.nextNonSpace();
        elseList = [this.branch(kw2)];
      } else {
        this.expect('right', 'else');
        const e = this.itemList();
        if (e.end.kind !== 'end') this.unexpected(e.end.item, type);
        elseList = e.list;
      }
    }
    this.vars.length = savedVars;
    return { type, pipe, list: body.list, elseList, pos: kw.pos, src: `${type} ${pipe.src}` };
  }

  private templateControl(kw: Item): Node {
    const nameItem = this.nextNonSpace();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.unexpected(nameItem, 'template clause');
    const name = this.unquote(nameItem);
    let pipe: PipeNode | null = null;
    if (this.peekNonSpace().type !== 'right') pipe = this.pipeline('template', 'right');
    else this.nextNonSpace();
    return { type: 'template', name, pipe, pos: kw.pos, src: `template "${name}"` };
  }

  private blockControl(kw: Item): Node {
    const nameItem = this.nextNonSpace();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.unexpected(nameItem, 'block clause');
    const name = this.unquote(nameItem);
    const pipe = this.pipeline('block', 'right');
    const saved = this.vars;
    this.vars = ['$'];
    const body = this.itemList();
    if (body.end.kind !== 'end') this.unexpected(body.end.item, 'block clause');
    this.vars = saved;
    this.addTree(name, body.list);
    return { type: 'template', name, pipe, pos: kw.pos, src: `template "${name}"` };
  }

  private pipeline(context: string, end: 'right' | 'rparen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', decl: [], isAssign: false, cmds: [], pos: start.pos, src: '' };
    // Declarations: $x := / $x = / $i, $v :=
    const save = this.i;
    const v = this.nextNonSpace();
    if (v.type === 'variable') {
      const op = this.nextNonSpace();
      if (op.type === 'declare' || op.type === 'assign') {
        pipe.decl.push(v.val);
        pipe.isAssign = op.type === 'assign';
      } else if (op.type === 'comma' && context === 'range') {
        const v2 = this.nextNonSpace();
        if (v2.type !== 'variable') this.unexpected(v2, 'range');
        const op2 = this.nextNonSpace();
        if (op2.type !== 'declare' && op2.type !== 'assign') this.unexpected(op2, 'range');
        pipe.decl.push(v.val, v2.val);
        pipe.isAssign = op2.type === 'assign';
      } else this.i = save;
    } else this.i = save;
    if (pipe.isAssign) for (const d of pipe.decl) this.useVar(d, v);
    for (;;) {
      const it = this.nextNonSpace();
      if (it.type === end) {
        if (pipe.cmds.length === 0) this.fail(it, `missing value for ${context}`);
        break;
      }
      if (it.type === 'error') this.fail(it, it.val);
      if (['bool', 'char', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'lparen'].includes(it.type)) {
        this.backup();
        pipe.cmds.push(this.command(end));
      } else this.unexpected(it, context);
    }
    if (!pipe.isAssign) for (const d of pipe.decl) this.vars.push(d);
    const last = this.items[this.i - 1];
    pipe.src = this.text.slice(start.pos, last.pos).trim().replace(/-$/, '').trim();
    return pipe;
  }

  private command(end: 'right' | 'rparen'): CommandNode {
    const first = this.peekNonSpace();
    const cmd: CommandNode = { type: 'command', args: [], pos: first.pos, src: '' };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const it = this.next();
      if (it.type === 'space') continue;
      if (it.type === 'right' || it.type === 'rparen') this.backup();
      else if (it.type === 'error') this.fail(it, it.val);
      else if (it.type !== 'pipe') this.unexpected(it, 'operand');
      break;
    }
    void end;
    if (cmd.args.length === 0) this.fail(first, 'empty command');
    const last = cmd.args[cmd.args.length - 1];
    cmd.src = this.text.slice(cmd.pos, last.pos + last.src.length);
    return cmd;
  }

  private operand(): Arg | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().type !== 'field') return node;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    const src = this.text.slice(node.pos, this.items[this.i - 1].pos + this.items[this.i - 1].val.length);
    if (node.type === 'field' || node.type === 'variable') return { ...node, idents: [...node.idents, ...fields], src };
    if (['bool', 'string', 'number', 'nil', 'dot'].includes(node.type)) this.fail(this.items[this.i - 1], `unexpected . after term "${node.src}"`);
    return { type: 'chain', node, fields, pos: node.pos, src };
  }

  private term(): Arg | null {
    const it = this.nextNonSpace();
    switch (it.type) {
      case 'identifier':
        if (!this.isFunc(it.val)) this.fail(it, `function "${it.val}" not defined`);
        return { type: 'identifier', name: it.val, pos: it.pos, src: it.val };
      case 'dot': return { type: 'dot', pos: it.pos, src: '.' };
      case 'nil': return { type: 'nil', pos: it.pos, src: 'nil' };
      case 'variable': return this.useVar(it.val, it);
      case 'field': return { type: 'field', idents: [it.val.slice(1)], pos: it.pos, src: it.val };
      case 'bool': return { type: 'bool', value: it.val === 'true', pos: it.pos, src: it.val };
      case 'char': {
        const s = unquoteChar(it.val);
        if (s === null) this.fail(it, `malformed character constant: ${it.val}`);
        return { type: 'number', value: s.codePointAt(0) ?? 0, isFloat: false, pos: it.pos, src: it.val };
      }
      case 'number': return this.number(it);
      case 'lparen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rparen');
        return { ...pipe, src: `(${pipe.src})` };
      }
      case 'string': case 'rawString':
        return { type: 'string', value: this.unquote(it), pos: it.pos, src: it.val };
    }
    this.backup();
    return null;
  }

  private number(it: Item): Arg {
    const raw = it.val.replace(/_/g, '');
    if (raw.endsWith('i')) this.fail(it, `complex numbers are not supported: ${it.val}`);
    let value: number;
    let isFloat = false;
    const neg = raw.startsWith('-');
    const body = raw.replace(/^[+-]/, '');
    if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
    else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
    else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
    else if (/^0[0-7]+$/.test(body)) value = parseInt(body.slice(1), 8);
    else if (/^\d+$/.test(body)) value = parseInt(body, 10);
    else {
      value = Number(body);
      isFloat = true;
      // Go: a float constant with an integral value is still usable as an int.
    }
    if (!Number.isFinite(value) || body === '' || body === '.') this.fail(it, `bad number syntax: "${it.val}"`);
    return { type: 'number', value: neg ? -value : value, isFloat, pos: it.pos, src: it.val };
  }

  private useVar(name: string, it: Item): Arg {
    const [head, ...rest] = name.split('.');
    if (!this.vars.includes(head)) this.fail(it, `undefined variable "${head}"`);
    return { type: 'variable', idents: [head, ...rest], pos: it.pos, src: name };
  }

  private unquote(it: Item): string {
    if (it.type === 'rawString') return it.val.slice(1, -1).replace(/\r/g, '');
    const s = unquoteString(it.val);
    if (s === null) this.fail(it, `invalid syntax: ${it.val}`);
    return s;
  }
}
