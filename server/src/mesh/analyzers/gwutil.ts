// Helpers shared by the gateway analyzers.
import { specSelector, type MeshResource } from '../model';

/** klabels.SelectorFromSet(m).String(): "k1=v1,k2=v2", keys sorted. */
export function selectorString(sel: Record<string, string>): string {
  return Object.keys(sel).sort().map((k) => `${k}=${sel[k]}`).join(',');
}

/** A key that tells selectors apart (selectorString does not always: keys and values may hold "," and "="). */
export function selectorKey(sel: Record<string, string>): string {
  return JSON.stringify(Object.keys(sel).sort().map((k) => [k, sel[k]]));
}

/** The gateway's selector (shared and frozen: several analyzers ask for it per gateway). */
export function gatewaySelector(gw: MeshResource): Readonly<Record<string, string>> {
  return specSelector(gw);
}

/** Path of the selector's first label (util.GatewaySelector with ExtractLabelFromSelectorString). */
export function selectorPath(sel: Record<string, string>): (string | number)[] {
  const first = Object.keys(sel).sort()[0];
  return first === undefined ? ['spec', 'selector'] : ['spec', 'selector', first];
}
