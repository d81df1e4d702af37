// ObjectMeta rules the API server enforces beyond the schema: name format per kind, namespace, label and annotation
// keys and values. Pure.
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { isDNS1123Label, isLabelValue, isQualifiedName, nameValidator } from './formats';
import type { SchemaIssue } from './validate';

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

function span(node: Node | null | undefined): [number, number] | undefined {
  return node?.range ? [node.range[0], node.range[1]] : undefined;
}

export function validateMetadata(root: YAMLMap, apiVersion: string, kind: string, _builtin: boolean, out: SchemaIssue[]): void {
  const meta = root.get('metadata', true) as Node | undefined;
  if (!isMap(meta)) return;
  const push = (node: Node | null | undefined, message: string) => {
    const s = span(node);
    // Rules of the API server's Go validation, beyond the published schema: Warnings (schema violations are Errors).
    if (s) out.push({ start: s[0], end: s[1], severity: 'Warning', code: 'SchemaMetadata', message });
  };
  const str = (key: string): { node: Node; value: string } | undefined => {
    const n = meta.get(key, true) as Node | undefined;
    return isScalar(n) && typeof n.value === 'string' ? { node: n, value: n.value } : undefined;
  };
  const name = str('name');
  if (name) {
    const errs = nameValidator(apiVersion, kind)(name.value);
    if (errs.length) push(name.node, `metadata.name: Invalid value: ${JSON.stringify(name.value)}: ${errs.join(', ')}`);
  }
  const ns = str('namespace');
  if (ns && ns.value !== '') {
    const errs = isDNS1123Label(ns.value);
    if (errs.length) push(ns.node, `metadata.namespace: Invalid value: ${JSON.stringify(ns.value)}: ${errs.join(', ')}`);
  }
  const labels = meta.get('labels', true) as Node | undefined;
  if (isMap(labels)) {
    for (const pair of labels.items) {
      const k = pair.key as Node;
      if (isScalar(k)) {
        const key = String(k.value);
        const errs = isQualifiedName(key);
        if (errs.length) push(k, `metadata.labels: Invalid value: ${JSON.stringify(key)}: ${errs.join(', ')}`);
      }
      const v = pair.value as Node | null;
      if (isScalar(v) && typeof v.value === 'string') {
        const errs = isLabelValue(v.value);
        if (errs.length) push(v, `metadata.labels: Invalid value: ${JSON.stringify(v.value)}: ${errs.join(', ')}`);
      }
    }
  }
  const annotations = meta.get('annotations', true) as Node | undefined;
  if (isMap(annotations)) {
    let total = 0;
    for (const pair of annotations.items) {
      const k = pair.key as Node;
      if (!isScalar(k)) continue;
      const key = String(k.value);
      const errs = isQualifiedName(key.toLowerCase());
      if (errs.length) push(k, `metadata.annotations: Invalid value: ${JSON.stringify(key)}: ${errs.join(', ')}`);
      const v = pair.value as Node | null;
      total += key.length + (isScalar(v) && typeof v.value === 'string' ? v.value.length : 0);
    }
    if (total > TOTAL_ANNOTATION_SIZE) {
      push(annotations.items[0]?.key as Node, `metadata.annotations: Too long: may not be more than ${TOTAL_ANNOTATION_SIZE} bytes`);
    }
  }
}
