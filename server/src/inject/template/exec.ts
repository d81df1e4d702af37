// Executor for Go text/template trees (after Go's text/template/exec.go). Pure.
import type { Arg, CommandNode, Node, PipeNode, Tree } from './ast';
import { GoEnum, GoStruct, formatValue, goTypeName, isMap, isTrue } from './values';

export type GoFunc = (...args: unknown[]) => unknown;

/** Bounds that keep hostile templates and data from hanging or exhausting memory. */
export interface ExecLimits {
  /** Maximum nesting of {{template}} calls (Go: 100000). */
  maxDepth: number;
  /** Maximum number of evaluated nodes and range iterations. */
  maxSteps: number;
  /** Maximum output size in characters. */
  maxOutput: number;
}

export const DEFAULT_LIMITS: ExecLimits = { maxDepth: 1000, maxSteps: 5_000_000, maxOutput: 32 * 1024 * 1024 };

/** An error raised while executing; `message` is formatted like Go's. */
export class TemplateError extends Error {}

class BreakSignal {}
class ContinueSignal {}

interface Var { name: string; value: unknown }

/** Thrown by functions to report an error the way Go functions return one. */
export class FuncError extends Error {}

export class Executor {
  private out: string[] = [];
  private outLen = 0;
  private steps = 0;
  private depth = 0;
  private vars: Var[] = [];
  private tree!: Tree;
  private node: { pos: number; src: string } | null = null;

  constructor(
    private readonly parseName: string,
    private readonly trees: ReadonlyMap<string, Tree>,
    private readonly funcs: ReadonlyMap<string, GoFunc>,
    private readonly limits: ExecLimits = DEFAULT_LIMITS,
  ) {}

  run(name: string, data: unknown): string {
    const tree = this.trees.get(name);
    if (!tree) throw new TemplateError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.parseName)}`);
    this.tree = tree;
    this.vars = [{ name: '$', value: data }];
    try {
      this.walkList(data, tree.root);
    } catch (e) {
      if (e instanceof BreakSignal || e instanceof ContinueSignal) this.fail('break or continue outside range');
      if (e instanceof RangeError && /call stack/i.test(e.message)) this.fail(`exceeded maximum template depth (${this.limits.maxDepth})`);
      throw e;
    }
    return this.out.join('');
  }

  // ---- errors ----

  private location(pos: number): string {
    const text = this.tree.text;
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? pos : pos - nl - 1;
    return `${this.parseName}:${line}:${col}`;
  }

  fail(msg: string): never {
    const n = this.node;
    if (!n) throw new TemplateError(`template: ${this.tree.name}: ${msg}`);
    throw new TemplateError(`template: ${this.location(n.pos)}: executing ${JSON.stringify(this.tree.name)} at <${n.src}>: ${msg}`);
  }

  private step(): void {
    if (++this.steps > this.limits.maxSteps) this.fail(`execution exceeded ${this.limits.maxSteps} steps`);
  }

  private write(s: string): void {
    this.outLen += s.length;
    if (this.outLen > this.limits.maxOutput) this.fail(`output exceeded ${this.limits.maxOutput} characters`);
    this.out.push(s);
  }

  // ---- control ----

  private walkList(dot: unknown, list: Node[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private walk(dot: unknown, n: Node): void {
    this.step();
    this.node = n;
    switch (n.type) {
      case 'text': this.write(n.text); return;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.write(this.printValue(n, v));
        return;
      }
      case 'if': case 'with': {
        const mark = this.vars.length;
        const v = this.evalPipeline(dot, n.pipe);
        if (isTrue(v)) this.walkList(n.type === 'with' ? v : dot, n.list);
        else if (n.elseList) this.walkList(dot, n.elseList);
        this.vars.length = mark;
        return;
      }
      case 'range': this.walkRange(dot, n); return;
      case 'template': this.walkTemplate(dot, n); return;
      case 'break': throw new BreakSignal();
      case 'continue': throw new ContinueSignal();
    }
  }

  private walkRange(dot: unknown, n: Extract<Node, { type: 'range' }>): void {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, { ...n.pipe, decl: [] });
    const one = (index: unknown, elem: unknown): boolean => {
      this.step();
      if (n.pipe.decl.length === 1) this.setOrPush(n.pipe.decl[0], elem, n.pipe.isAssign);
      else if (n.pipe.decl.length === 2) {
        this.setOrPush(n.pipe.decl[0], index, n.pipe.isAssign);
        this.setOrPush(n.pipe.decl[1], elem, n.pipe.isAssign);
      }
      const inner = this.vars.length;
      try {
        this.walkList(elem, n.list);
      } catch (e) {
        if (e instanceof BreakSignal) return false;
        if (!(e instanceof ContinueSignal)) throw e;
      } finally {
        this.vars.length = inner;
      }
      return true;
    };
    let iterated = false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        iterated = true;
        this.vars.length = mark;
        if (!one(i, v[i])) break;
      }
    } else if (isMap(v)) {
      for (const k of Object.keys(v).sort()) {
        iterated = true;
        this.vars.length = mark;
        if (!one(k, v[k])) break;
      }
    } else if (typeof v === 'number' && Number.isInteger(v)) {
      if (n.pipe.decl.length > 1) this.fail(`can't use ${v} to iterate over more than one variable`);
      for (let i = 0; i < v; i++) {
        iterated = true;
        this.vars.length = mark;
        if (!one(i, i)) break;
      }
    } else if (v !== undefined && v !== null) {
      this.fail(`range can't iterate over ${formatValue(v)}`);
    }
    this.vars.length = mark;
    if (!iterated && n.elseList) this.walkList(dot, n.elseList);
    this.vars.length = mark;
  }

  private walkTemplate(dot: unknown, n: Extract<Node, { type: 'template' }>): void {
    const tree = this.trees.get(n.name);
    if (!tree) this.fail(`template ${JSON.stringify(n.name)} not defined`);
    const newDot = n.pipe ? this.evalPipeline(dot, n.pipe) : undefined;
    if (++this.depth > this.limits.maxDepth) this.fail(`exceeded maximum template depth (${this.limits.maxDepth})`);
    const saved = { tree: this.tree, vars: this.vars };
    this.tree = tree;
    this.vars = [{ name: '$', value: newDot }];
    try {
      this.walkList(newDot, tree.root);
    } finally {
      this.tree = saved.tree;
      this.vars = saved.vars;
      this.depth--;
    }
  }

  // ---- variables ----

  private setOrPush(name: string, value: unknown, assign: boolean): void {
    if (!assign) { this.vars.push({ name, value }); return; }
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) { this.vars[i].value = value; return; }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.fail(`undefined variable: ${name}`);
  }

  // ---- pipelines ----

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    let value: unknown = NO_FINAL;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    if (value === NO_FINAL) value = undefined;
    for (const d of pipe.decl) this.setOrPush(d, value, pipe.isAssign);
    return value;
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: unknown): unknown {
    this.step();
    const first = cmd.args[0];
    this.node = first;
    switch (first.type) {
      case 'field': return this.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'chain': return this.evalChain(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first.name, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariable(dot, first, cmd.args, final);
    }
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return this.fail('nil is not a command');
      case 'number': return first.value;
      case 'string': return first.value;
    }
  }

  private notAFunction(args: Arg[], final: unknown): void {
    if (args.length > 1 || final !== NO_FINAL) this.fail(`can't give argument to non-function ${args[0].src}`);
  }

  private evalChain(dot: unknown, chain: Extract<Arg, { type: 'chain' }>, args: Arg[], final: unknown): unknown {
    const pipe = chain.node;
    const recv = this.evalArg(dot, pipe);
    return this.evalFieldChain(dot, recv, chain, chain.fields, args, final);
  }

  private evalVariable(dot: unknown, v: Extract<Arg, { type: 'variable' }>, args: Arg[], final: unknown): unknown {
    const value = this.varValue(v.idents[0]);
    if (v.idents.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.idents.slice(1), args, final);
  }

  private evalFieldChain(dot: unknown, receiver: unknown, node: { pos: number; src: string }, idents: string[], args: Arg[], final: unknown): unknown {
    let r = receiver;
    for (let i = 0; i < idents.length - 1; i++) r = this.evalField(dot, idents[i], node, [], NO_FINAL, r);
    return this.evalField(dot, idents[idents.length - 1], node, args, final, r);
  }

  private evalField(dot: unknown, name: string, node: { pos: number; src: string }, args: Arg[], final: unknown, receiver: unknown): unknown {
    if (receiver === undefined) return undefined;
    const hasArgs = args.length > 1 || final !== NO_FINAL;
    if (receiver === null) this.fail(`nil pointer evaluating interface {}.${name}`);
    if (receiver instanceof GoStruct) {
      const m = receiver.methods[name];
      if (m) return this.call(dot, m, name, node, args, final);
      const f = receiver.field(name);
      if (f.found) {
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return f.value;
      }
    } else if (receiver instanceof GoEnum) {
      if (name === 'String') return this.call(dot, () => receiver.name, name, node, args, final);
    } else if (isMap(receiver)) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      return Object.prototype.hasOwnProperty.call(receiver, name) ? receiver[name] : undefined;
    }
    this.fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  // ---- functions ----

  private evalFunction(dot: unknown, name: string, cmd: CommandNode, args: Arg[], final: unknown): unknown {
    this.node = cmd.args[0];
    if (name === 'and' || name === 'or') return this.evalAndOr(dot, name, args, final);
    const fn = this.funcs.get(name);
    if (!fn) this.fail(`${JSON.stringify(name)} is not a defined function`);
    return this.call(dot, fn, name, cmd, args, final);
  }

  private evalAndOr(dot: unknown, name: 'and' | 'or', args: Arg[], final: unknown): unknown {
    const operands: (() => unknown)[] = args.slice(1).map((a) => () => this.evalArg(dot, a));
    if (final !== NO_FINAL) operands.push(() => final);
    if (operands.length === 0) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
    let v: unknown;
    for (const op of operands) {
      v = op();
      if (isTrue(v) === (name === 'or')) return v;
    }
    return v;
  }

  private call(dot: unknown, fn: GoFunc, name: string, node: { pos: number; src: string }, args: Arg[], final: unknown): unknown {
    const argv = args.slice(1).map((a) => this.evalArg(dot, a));
    if (final !== NO_FINAL) argv.push(final);
    this.node = node;
    try {
      return fn(...argv);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
      this.fail(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private evalArg(dot: unknown, a: Arg): unknown {
    this.node = a;
    switch (a.type) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'field': return this.evalFieldChain(dot, dot, a, a.idents, [a], NO_FINAL);
      case 'variable': return this.evalVariable(dot, a, [a], NO_FINAL);
      case 'pipe': return this.evalPipeline(dot, a);
      case 'identifier': return this.evalFunction(dot, a.name, { type: 'command', args: [a], pos: a.pos, src: a.src }, [a], NO_FINAL);
      case 'chain': return this.evalChain(dot, a, [a], NO_FINAL);
      case 'bool': case 'number': case 'string': return a.value;
    }
  }

  // ---- printing ----

  private printValue(n: { pos: number; src: string }, v: unknown): string {
    this.node = n;
    if (v === undefined) return '<no value>';
    if (typeof v === 'function') this.fail(`can't print ${n.src} of type func`);
    return formatValue(v);
  }
}

const NO_FINAL: unique symbol = Symbol('no final value');
