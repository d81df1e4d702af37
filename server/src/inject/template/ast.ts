// AST of a Go text/template, close to Go's text/template/parse node set. Pure.

export interface Pos {
  /** Byte offset (UTF-16 code unit) of the node in the template text. */
  pos: number;
  /** The node's source text, for "at <...>" in error messages. */
  src: string;
}

export type Node =
  | TextNode
  | ActionNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | BreakNode
  | ContinueNode;

export interface TextNode extends Pos { type: 'text'; text: string }
export interface ActionNode extends Pos { type: 'action'; pipe: PipeNode }
export interface BranchBody { pipe: PipeNode; list: Node[]; elseList: Node[] | null }
export interface IfNode extends Pos, BranchBody { type: 'if' }
export interface WithNode extends Pos, BranchBody { type: 'with' }
export interface RangeNode extends Pos, BranchBody { type: 'range' }
export interface TemplateNode extends Pos { type: 'template'; name: string; pipe: PipeNode | null }
export interface BreakNode extends Pos { type: 'break' }
export interface ContinueNode extends Pos { type: 'continue' }

export interface PipeNode extends Pos {
  type: 'pipe';
  /** Declared or assigned variables ($x := / $x = / $i, $v :=). */
  decl: string[];
  isAssign: boolean;
  cmds: CommandNode[];
}

export interface CommandNode extends Pos { type: 'command'; args: Arg[] }

export type Arg =
  | { type: 'field'; idents: string[]; pos: number; src: string }
  | { type: 'variable'; idents: string[]; pos: number; src: string }
  | { type: 'chain'; node: Arg; fields: string[]; pos: number; src: string }
  | { type: 'identifier'; name: string; pos: number; src: string }
  | { type: 'dot'; pos: number; src: string }
  | { type: 'nil'; pos: number; src: string }
  | { type: 'bool'; value: boolean; pos: number; src: string }
  | { type: 'number'; value: number; isFloat: boolean; pos: number; src: string }
  | { type: 'string'; value: string; pos: number; src: string }
  | PipeNode;

/** A parsed template tree plus the templates it defines. */
export interface Tree {
  name: string;
  text: string;
  root: Node[];
}
