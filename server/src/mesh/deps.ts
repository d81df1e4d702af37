// What a mesh analysis read, as keys a change of a resource touches: the ground of the incremental analysis
// (incremental.ts). Every read of an analyzer goes through AnalysisContext, which records it as one of these keys; a
// change of a resource touches the keys of its old and its new definition (touchedKeys). A part of an analysis whose
// reads no change touches would find what it found before. Pure.
import type { MeshResource, Obj } from './model';

/** A read: the key a change touches, narrowed by a predicate on the changed resource (old or new definition). */
export interface Read {
  key: string;
  /** Only a resource this accepts can change what was read (a label selector query): a pure function of the resource. */
  pred?: (r: MeshResource) => boolean;
}

/** Keys of reads (see touchedKeys). */
export const readKey = {
  /** Every resource of a kind (ctx.forEach). */
  kind: (gk: string) => `k|${gk}`,
  /** The resources of a kind in one namespace (ctx.inNamespace). */
  namespace: (gk: string, ns: string) => `s|${gk}|${ns}`,
  /** The definitions of kind/namespace/name (ctx.get, ctx.getAll). */
  name: (gk: string, ns: string, name: string) => `n|${gk}|${ns}|${name}`,
  /** The entries of one key of a keyed index (ctx.lookup). */
  keyed: (index: string, key: string) => `x|${index}|${key}`,
  /** Definitions replaced later in their own file (ctx.shadowed): any change of any file touches it. */
  shadowed: 'shadowed',
};

/**
 * A derived index over some kinds: each resource files values under keys computed from that resource alone (and the
 * mesh config), e.g. a ServiceEntry under the hosts it defines. A lookup of one key depends on exactly the resources
 * that file something under it, which is what lets a change re-run only the lookups of the keys it touches.
 */
export interface KeyedIndex<T> {
  readonly name: string;
  /** Kinds whose resources file entries, in the order their entries are listed under a key. */
  readonly kinds: readonly string[];
  /** The entries of one resource (a pure function of it and the mesh config). */
  entries(r: MeshResource, mesh: Obj): Iterable<readonly [string, T]>;
}

const KEYED: KeyedIndex<unknown>[] = [];

/** Declares a keyed index (at module load: the incremental analysis knows every one, to compute the keys a change touches). */
export function keyedIndex<T>(name: string, kinds: readonly string[], entries: (r: MeshResource, mesh: Obj) => Iterable<readonly [string, T]>): KeyedIndex<T> {
  if (KEYED.some((k) => k.name === name)) throw new Error(`keyed index ${name} declared twice`);
  const def: KeyedIndex<T> = { name, kinds, entries };
  KEYED.push(def as KeyedIndex<unknown>);
  return def;
}

/** The keys a change of r (one definition: call it for the old and for the new) touches. */
export function touchedKeys(r: MeshResource, mesh: Obj): string[] {
  const out = [readKey.kind(r.gk), readKey.namespace(r.gk, r.namespace), readKey.name(r.gk, r.namespace, r.name)];
  for (const def of KEYED) {
    if (!def.kinds.includes(r.gk)) continue;
    for (const [key] of def.entries(r, mesh)) out.push(readKey.keyed(def.name, key));
  }
  return out;
}
