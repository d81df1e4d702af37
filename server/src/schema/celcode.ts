// CEL rules compiled at build time: a parsed expression (after macro expansion) in a compact JSON form, so a cold
// server plans the bundled rules without running the CEL parser (the parser's first calls are most of a cold
// validation's CEL cost). The build (server/schemas/build-schemas.mjs) encodes with encodeExpr; cel.ts decodes. Pure.
import type { parse } from '@bufbuild/cel';

/** cel.expr.Expr, as parse() returns it. */
type Expr = ReturnType<typeof parse>['expr'];

/**
 * One expression node: [id, tag, ...fields]. Tags: i ident [name]; c constant [kind, value]; s select [operand, field,
 * testOnly]; f call [function, target | 0, args]; l list [elements, optionalIndices]; m struct [messageName, entries];
 * x comprehension [iterVar, iterVar2, iterRange, accuVar, accuInit, loopCondition, loopStep, result]. 64-bit integers
 * are decimal strings, bytes base64.
 */
export type EncodedExpr = readonly unknown[];

/** A struct entry: [id, key kind (fieldKey | mapKey), key (field name or EncodedExpr), value, optional]. */
type EncodedEntry = [number, string, unknown, EncodedExpr, number];

/** The fields of cel.expr.Expr (and what it contains) that planning reads, as plain objects. */
export interface PlainExpr {
  id: bigint;
  exprKind: { case: string; value: Record<string, unknown> };
}

/** The compact form of a parsed expression; throws on a node kind it does not know. */
export function encodeExpr(e: Expr): EncodedExpr {
  const id = Number(e.id);
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr':
      return [id, 'i', k.value.name];
    case 'constExpr': {
      const c = k.value.constantKind;
      let v: unknown = c.value;
      if (typeof v === 'bigint') v = String(v);
      else if (v instanceof Uint8Array) v = Buffer.from(v).toString('base64');
      else if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite constant');
      return [id, 'c', c.case ?? null, v ?? null];
    }
    case 'selectExpr':
      return [id, 's', encodeExpr(need(k.value.operand)), k.value.field, k.value.testOnly ? 1 : 0];
    case 'callExpr':
      return [id, 'f', k.value.function, k.value.target ? encodeExpr(k.value.target) : 0, k.value.args.map(encodeExpr)];
    case 'listExpr':
      return [id, 'l', k.value.elements.map(encodeExpr), [...k.value.optionalIndices]];
    case 'structExpr':
      return [id, 'm', k.value.messageName, k.value.entries.map((en): EncodedEntry => {
        const key = en.keyKind.case === 'mapKey' ? encodeExpr(en.keyKind.value) : en.keyKind.value;
        return [Number(en.id), en.keyKind.case ?? '', key ?? null, encodeExpr(need(en.value)), en.optionalEntry ? 1 : 0];
      })];
    case 'comprehensionExpr': {
      const v = k.value;
      return [id, 'x', v.iterVar, v.iterVar2, encodeExpr(need(v.iterRange)), v.accuVar, encodeExpr(need(v.accuInit)),
        encodeExpr(need(v.loopCondition)), encodeExpr(need(v.loopStep)), encodeExpr(need(v.result))];
    }
    default:
      throw new Error(`unknown expression kind ${String((k as { case?: string }).case)}`);
  }
}

function need(e: Expr | undefined): Expr {
  if (!e) throw new Error('incomplete expression');
  return e;
}

/** The expression encodeExpr encoded, as the plain objects plan() reads; throws on malformed input. */
export function decodeExpr(a: EncodedExpr): PlainExpr {
  if (!Array.isArray(a) || typeof a[0] !== 'number') throw new Error('malformed expression');
  const id = BigInt(a[0]);
  switch (a[1]) {
    case 'i':
      return { id, exprKind: { case: 'identExpr', value: { name: str(a[2]) } } };
    case 'c': {
      const kind = a[2] === null ? undefined : str(a[2]);
      let v = a[3];
      if (kind === 'int64Value' || kind === 'uint64Value') v = BigInt(str(v));
      else if (kind === 'bytesValue') v = new Uint8Array(Buffer.from(str(v), 'base64'));
      return { id, exprKind: { case: 'constExpr', value: { constantKind: kind === undefined ? { case: undefined } : { case: kind, value: v } } } };
    }
    case 's':
      return { id, exprKind: { case: 'selectExpr', value: { operand: decodeExpr(arr(a[2])), field: str(a[3]), testOnly: a[4] === 1 } } };
    case 'f':
      return {
        id,
        exprKind: { case: 'callExpr', value: { function: str(a[2]), target: a[3] === 0 ? undefined : decodeExpr(arr(a[3])), args: arr(a[4]).map((x) => decodeExpr(arr(x))) } },
      };
    case 'l':
      return { id, exprKind: { case: 'listExpr', value: { elements: arr(a[2]).map((x) => decodeExpr(arr(x))), optionalIndices: arr(a[3]).map(Number) } } };
    case 'm':
      return {
        id,
        exprKind: {
          case: 'structExpr',
          value: {
            messageName: str(a[2]),
            entries: arr(a[3]).map((x) => {
              const en = arr(x);
              const keyCase = str(en[1]);
              return {
                id: BigInt(Number(en[0])), keyKind: { case: keyCase || undefined, value: keyCase === 'mapKey' ? decodeExpr(arr(en[2])) : en[2] },
                value: decodeExpr(arr(en[3])), optionalEntry: en[4] === 1,
              };
            }),
          },
        },
      };
    case 'x':
      return {
        id,
        exprKind: {
          case: 'comprehensionExpr',
          value: {
            iterVar: str(a[2]), iterVar2: str(a[3]), iterRange: decodeExpr(arr(a[4])), accuVar: str(a[5]), accuInit: decodeExpr(arr(a[6])),
            loopCondition: decodeExpr(arr(a[7])), loopStep: decodeExpr(arr(a[8])), result: decodeExpr(arr(a[9])),
          },
        },
      };
    default:
      throw new Error('malformed expression');
  }
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw new Error('malformed expression');
  return v;
}

function arr(v: unknown): readonly unknown[] {
  if (!Array.isArray(v)) throw new Error('malformed expression');
  return v;
}
