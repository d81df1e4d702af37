// The kubernetes.io/ingress.class annotation, deprecated since Kubernetes 1.18 in favour of spec.ingressClassName
// (and an IngressClass resource naming the controller; Istio's is istio.io/ingress-controller). Pure.
import { isPair, isScalar, type Node, type Pair } from 'yaml';
import type { Finding, Fix } from '../core/types';
import type { ParsedDocument, ParsedFile } from '../yaml/parse';
import { deletePairLines, insertLinesBefore, isBlockMap, keyColumn, pairOf, valueOf, type OffsetEdit } from './yamlEdit';

export const INGRESS_CLASS_ANNOTATION = 'IngressClassAnnotation';
const ANNOTATION = 'kubernetes.io/ingress.class';

export function ingressClassFinding(parsed: ParsedFile, d: ParsedDocument): Finding | undefined {
  const r = d.resource;
  if (r?.kind !== 'Ingress') return undefined;
  const root = d.doc.contents;
  const annotations = valueOf(valueOf(root, 'metadata'), 'annotations');
  const pair = pairOf(annotations, ANNOTATION);
  const key = pair?.key as Node | undefined;
  if (!pair || !key?.range) return undefined;
  const value = isScalar(pair.value) && pair.value.value !== null ? String(pair.value.value) : '';
  const spec = valueOf(root, 'spec');
  const hasField = pairOf(spec, 'ingressClassName') !== undefined;
  const istio = value === 'istio' ? ' For Istio, also apply an IngressClass named istio with controller istio.io/ingress-controller.' : '';
  const message = hasField
    ? `The ${ANNOTATION} annotation is deprecated since Kubernetes 1.18 and spec.ingressClassName is set: remove the annotation.`
    : `The ${ANNOTATION} annotation is deprecated since Kubernetes 1.18: use spec.ingressClassName${value ? `: ${value}` : ''} instead.${istio}`;
  const fix = d.doc.errors.length ? undefined : fixFor(parsed, root, pair, value, hasField);
  return {
    range: parsed.rangeOf(key.range[0], key.range[1]),
    severity: 'Warning',
    code: INGRESS_CLASS_ANNOTATION,
    message,
    source: 'istio-workbench',
    resource: r,
    ...(fix ? { fixes: [fix] } : {}),
  };
}

function fixFor(parsed: ParsedFile, root: unknown, pair: Pair, value: string, hasField: boolean): Fix | undefined {
  const text = parsed.text;
  const edits: OffsetEdit[] = [];
  // The annotation's line; the whole `annotations:` entry when it was the only one.
  const annotationsPair = pairOf(valueOf(root, 'metadata'), 'annotations');
  const annotations = annotationsPair?.value;
  const only = isBlockMap(annotations) && annotations.items.length === 1;
  const del = deletePairLines(text, only && annotationsPair ? annotationsPair : pair);
  if (!del) return undefined;
  edits.push(del);
  if (!hasField) {
    const spec = valueOf(root, 'spec');
    if (!value || !isBlockMap(spec) || !spec.items.length) return undefined;
    const col = keyColumn(text, spec);
    const first = spec.items[0];
    const ins = col === undefined || !isPair(first) ? undefined : insertLinesBefore(text, first, [`${' '.repeat(col)}ingressClassName: ${/^[a-z0-9.-]+$/.test(value) ? value : JSON.stringify(value)}`]);
    if (!ins) return undefined;
    edits.push(ins);
  }
  return {
    title: hasField ? `Remove the deprecated ${ANNOTATION} annotation` : `Use spec.ingressClassName: ${value}`,
    edits: edits.map((e) => ({ range: parsed.rangeOf(e.start, e.end), newText: e.text })),
    preferred: true,
  };
}
