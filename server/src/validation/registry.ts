// The kinds whose Istio webhook validation is ported, keyed by "<group>/<Kind>". Add new kinds here (one line each).
import type { KindValidator } from './types';

export const KIND_VALIDATORS: ReadonlyMap<string, KindValidator> = new Map<string, KindValidator>([
]);
