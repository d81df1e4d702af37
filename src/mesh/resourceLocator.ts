// Finds a Kubernetes resource (kind, namespace, name) among the documents of a YAML file (pure). Documents without a
// namespace belong to `defaultNamespace` (what `kubectl apply` would do with the context's namespace, usually "default").
import { parseAllDocuments } from 'yaml';

export interface LocatedResource {
  /** Offsets of the whole document and of its metadata.name value. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
}

export function locateResource(text: string, kind: string, namespace: string, name: string, defaultNamespace = 'default'): LocatedResource | null {
  if (!text.includes(name)) return null;
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return null;
  }
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const js = doc.toJS({ maxAliasCount: 50 }) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (!js || typeof js !== 'object' || js.kind !== kind || js.metadata?.name !== name) continue;
    const ns = typeof js.metadata.namespace === 'string' ? js.metadata.namespace : defaultNamespace;
    if (ns !== namespace) continue;
    const nameNode = doc.getIn(['metadata', 'name'], true) as { range?: [number, number, number] } | undefined;
    const range = doc.range;
    return { start: range[0], end: range[1], nameStart: nameNode?.range?.[0] ?? range[0], nameEnd: nameNode?.range?.[1] ?? range[0] };
  }
  return null;
}
