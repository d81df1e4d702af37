// Istio's message catalogue (messages.yaml): codes, levels and Go-style templates.
import type { Severity } from '../core/types';
import { MESSAGES, type MessageType } from './data.gen';

const BY_CODE = new Map<string, MessageType>(MESSAGES.map((m) => [m.code, m]));

export function messageType(code: string): MessageType | undefined {
  return BY_CODE.get(code);
}

export function levelOf(code: string): Severity {
  return BY_CODE.get(code)?.level ?? 'Warning';
}

/** Go's fmt rendering of one argument for %v / %s. */
function goValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

/** fmt.Sprintf for the verbs Istio's templates use (%s %q %v %d %%). */
export function goSprintf(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%([+#]?)([sqvd%])/g, (_m, _flag: string, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    if (verb === 'q') return Array.isArray(a) ? `[${a.map((x) => JSON.stringify(String(x))).join(' ')}]` : JSON.stringify(goValue(a));
    return goValue(a);
  });
}

export function formatMessage(code: string, args: readonly unknown[]): string {
  const t = BY_CODE.get(code);
  return t ? goSprintf(t.template, args) : code;
}
