// ObjectMeta rules the API server enforces beyond the schema: name format per kind, namespace, label and annotation
// keys and values. Pure.
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { isDNS1123Label, isLabelValue, isQualifiedName, nameValidator } from './formats';
import type { SchemaIssue } from './validate';

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

/** A mapping's value under `key` as YAMLMap.get(key, true) finds it: the first pair whose key is `key` or a scalar of it. */
function valueOf(map: YAMLMap, key: string): Node | undefined {
  const items = map.items;
  for (let i = 0; i < items.length; i++) {
    const k = items[i].key as unknown;
    if (k === key || (isScalar(k) && k.value === key)) return (items[i].value as Node | null) ?? undefined;
  }
  return undefined;
}

function push(out: SchemaIssue[], node: Node | null | undefined, message: string): void {
  const r = node?.range;
  // Rules of the API server's Go validation, beyond the published schema: Warnings (schema violations are Errors).
  if (r) out.push({ start: r[0], end: r[1], severity: 'Warning', code: 'SchemaMetadata', message });
}

export function validateMetadata(root: YAMLMap, apiVersion: string, kind: string, _builtin: boolean, out: SchemaIssue[]): void {
  const meta = valueOf(root, 'metadata');
  if (!isMap(meta)) return;
  const name = valueOf(meta, 'name');
  const ns = valueOf(meta, 'namespace');
  const labels = valueOf(meta, 'labels');
  const annotations = valueOf(meta, 'annotations');
  if (isScalar(name) && typeof name.value === 'string') {
    const errs = nameValidator(apiVersion, kind)(name.value);
    if (errs.length) push(out, name, `metadata.name: Invalid value: ${JSON.stringify(name.value)}: ${errs.join(', ')}`);
  }
  if (isScalar(ns) && typeof ns.value === 'string' && ns.value !== '') {
    const errs = isDNS1123Label(ns.value);
    if (errs.length) push(out, ns, `metadata.namespace: Invalid value: ${JSON.stringify(ns.value)}: ${errs.join(', ')}`);
  }
  if (isMap(labels)) {
    for (const pair of labels.items) {
      const k = pair.key as Node;
      if (isScalar(k)) {
        const key = String(k.value);
        const errs = isQualifiedName(key);
        if (errs.length) push(out, k, `metadata.labels: Invalid value: ${JSON.stringify(key)}: ${errs.join(', ')}`);
      }
      const v = pair.value as Node | null;
      if (isScalar(v) && typeof v.value === 'string') {
        const errs = isLabelValue(v.value);
        if (errs.length) push(out, v, `metadata.labels: Invalid value: ${JSON.stringify(v.value)}: ${errs.join(', ')}`);
      }
    }
  }
  if (isMap(annotations)) {
    let total = 0;
    for (const pair of annotations.items) {
      const k = pair.key as Node;
      if (!isScalar(k)) continue;
      const key = String(k.value);
      const errs = isQualifiedName(key.toLowerCase());
      if (errs.length) push(out, k, `metadata.annotations: Invalid value: ${JSON.stringify(key)}: ${errs.join(', ')}`);
      const v = pair.value as Node | null;
      total += key.length + (isScalar(v) && typeof v.value === 'string' ? v.value.length : 0);
    }
    if (total > TOTAL_ANNOTATION_SIZE) {
      push(out, annotations.items[0]?.key as Node, `metadata.annotations: Too long: may not be more than ${TOTAL_ANNOTATION_SIZE} bytes`);
    }
  }
}
