// Mechanical migrations from removed Kubernetes API versions to their replacements, as minimal text edits.
// Each migration rewrites apiVersion and adds or restructures what the new version requires, following the
// Kubernetes "Deprecated API Migration Guide" and the API conversion code (e.g. Ingress backends, workload selectors).
import { isMap, isScalar, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import {
  columnOf, deletePairLines, dig, eol, indentStep, insertLinesAfter, insertLinesBefore, isBlockMap, keyColumn,
  lineStart, nextLineStart, contentEnd, pairOf, replaceScalar, seqItems, sourceOf, startsLine, valueOf, type OffsetEdit,
} from './yamlEdit';

export interface Migration {
  title: string;
  edits: OffsetEdit[];
  /** False when part of the migration could not be done mechanically (the fix is then not marked preferred). */
  complete: boolean;
}

interface Ctx {
  text: string;
  root: YAMLMap;
  step: number;
  edits: OffsetEdit[];
  notes: string[];
  complete: boolean;
}

/** Kinds whose migration needs decisions a tool cannot make (no quick fix; the message explains what changes). */
const MANUAL = new Set(['CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'CertificateSigningRequest', 'Event', 'PodSecurityPolicy']);
const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet']);

/** The migration of one document to `target` (an apiVersion), or undefined when none is mechanical. */
export function migrate(text: string, root: unknown, kind: string, fromApiVersion: string, target: string): Migration | undefined {
  if (MANUAL.has(kind) || !isMap(root)) return undefined;
  const api = pairOf(root, 'apiVersion')?.value;
  if (!isScalar(api)) return undefined;
  const first = replaceScalar(api as Scalar, target);
  if (!first) return undefined;
  const c: Ctx = { text, root, step: indentStep(text, root), edits: [first], notes: [], complete: true };
  const spec = valueOf(root, 'spec');
  if (WORKLOADS.has(kind)) migrateWorkload(c, kind, spec);
  else if (kind === 'Ingress') migrateIngress(c, spec);
  else if (kind === 'PriorityLevelConfiguration' && /v1beta[12]$/.test(fromApiVersion)) renameKey(c, dig(spec, 'limited'), 'assuredConcurrencyShares', 'nominalConcurrencyShares');
  else if (kind === 'SubjectAccessReview' || kind === 'LocalSubjectAccessReview') renameKey(c, spec, 'group', 'groups');
  else if (kind === 'HorizontalPodAutoscaler' && fromApiVersion === 'autoscaling/v2beta1' && seqItems(valueOf(spec, 'metrics')).length) return undefined;
  else if (kind === 'EndpointSlice' && seqItems(valueOf(root, 'endpoints')).some((e) => valueOf(e, 'topology') !== undefined)) return undefined;
  const title = `Migrate to ${target}${c.notes.length ? ` (${c.notes.join(', ')})` : ''}`;
  return { title, edits: c.edits, complete: c.complete };
}

function renameKey(c: Ctx, map: unknown, from: string, to: string): void {
  const p = pairOf(map, from);
  if (!p || pairOf(map, to)) return;
  const e = replaceScalar(p.key, to);
  if (e) {
    c.edits.push(e);
    c.notes.push(`rename ${from} to ${to}`);
  }
}

function pad(n: number): string {
  return ' '.repeat(n);
}

// Deployment, DaemonSet, ReplicaSet, StatefulSet -> apps/v1: spec.selector is required (the old versions defaulted
// it to the template labels), and spec.rollbackTo (Deployment) and spec.templateGeneration (DaemonSet) are gone.
function migrateWorkload(c: Ctx, kind: string, spec: unknown): void {
  if (!isBlockMap(spec)) {
    c.complete = false;
    return;
  }
  const selector = pairOf(spec, 'selector');
  if (!selector || selector.value === null || (isScalar(selector.value) && selector.value.value === null)) addSelector(c, spec, selector);
  for (const gone of kind === 'Deployment' ? ['rollbackTo'] : kind === 'DaemonSet' ? ['templateGeneration'] : []) {
    const p = pairOf(spec, gone);
    const e = p && deletePairLines(c.text, p);
    if (e) {
      c.edits.push(e);
      c.notes.push(`drop spec.${gone}`);
    } else if (p) c.complete = false;
  }
}

function addSelector(c: Ctx, spec: YAMLMap, existing: Pair | undefined): void {
  const labels = dig(spec, 'template', 'metadata', 'labels');
  const col = keyColumn(c.text, spec);
  const pairs = isMap(labels) ? labels.items : [];
  const lines = pairs.map((p) => {
    const k = sourceOf(c.text, p.key);
    const v = isScalar(p.value) ? sourceOf(c.text, p.value) : undefined;
    return k !== undefined && v !== undefined && !v.includes('\n') ? `${k}: ${v}` : undefined;
  });
  if (col === undefined || !pairs.length || lines.some((l) => l === undefined)) {
    c.complete = false;
    return;
  }
  const block = [`${pad(col)}selector:`, `${pad(col + c.step)}matchLabels:`, ...lines.map((l) => `${pad(col + 2 * c.step)}${l}`)];
  const template = pairOf(spec, 'template');
  let e: OffsetEdit | undefined;
  if (existing) {
    const del = deletePairLines(c.text, existing);
    e = del && { ...del, text: `${block.join(eol(c.text))}${eol(c.text)}` };
  } else {
    e = (template && insertLinesBefore(c.text, template, block)) ?? insertLinesAfter(c.text, spec.items[spec.items.length - 1], block);
  }
  if (!e) {
    c.complete = false;
    return;
  }
  c.edits.push(e);
  c.notes.push('add spec.selector from the template labels');
}

// Ingress -> networking.k8s.io/v1: spec.backend is spec.defaultBackend; a backend's serviceName/servicePort become
// service.name and service.port.number (an integer) or service.port.name (a string); every path needs a pathType
// (ImplementationSpecific is what the old versions did).
function migrateIngress(c: Ctx, spec: unknown): void {
  if (!isMap(spec)) return;
  const backend = pairOf(spec, 'backend');
  if (backend && !pairOf(spec, 'defaultBackend')) {
    const e = replaceScalar(backend.key, 'defaultBackend');
    if (e) c.edits.push(e);
    convertBackend(c, backend.value);
    c.notes.push('spec.backend to spec.defaultBackend');
  }
  let paths = 0;
  let backends = 0;
  for (const rule of seqItems(valueOf(spec, 'rules'))) {
    for (const path of seqItems(dig(rule, 'http', 'paths'))) {
      if (convertBackend(c, valueOf(path, 'backend'))) backends++;
      if (isMap(path) && !pairOf(path, 'pathType') && addPathType(c, path)) paths++;
    }
  }
  if (backends) c.notes.push('backends to service.name/port');
  if (paths) c.notes.push('pathType: ImplementationSpecific');
}

/** serviceName/servicePort -> service: {name, port: {number|name}}; true when it changed something. */
function convertBackend(c: Ctx, backend: unknown): boolean {
  if (!isMap(backend)) return false;
  const name = pairOf(backend, 'serviceName');
  const port = pairOf(backend, 'servicePort');
  if ((!name && !port) || pairOf(backend, 'service')) return false;
  const nameText = name && isScalar(name.value) ? sourceOf(c.text, name.value) : undefined;
  const portVal = port?.value;
  let portLine: string | undefined;
  if (isScalar(portVal) && typeof portVal.value === 'number') portLine = `number: ${portVal.value}`;
  else if (isScalar(portVal) && typeof portVal.value === 'string') portLine = `name: ${sourceOf(c.text, portVal)}`;
  if ((name && nameText === undefined) || (port && portLine === undefined)) {
    c.complete = false;
    return false;
  }
  if (backend.flow) return convertFlowBackend(c, backend, nameText, portLine);
  const anchor = name ?? port!;
  const keyStart = (anchor.key as Node).range?.[0];
  if (keyStart === undefined || !startsLine(c.text, keyStart) || (name && port && !startsLine(c.text, (port.key as Node).range![0]))) {
    c.complete = false;
    return false;
  }
  const col = columnOf(c.text, keyStart);
  const lines = [`${pad(col)}service:`];
  if (nameText !== undefined) lines.push(`${pad(col + c.step)}name: ${nameText}`);
  if (portLine) lines.push(`${pad(col + c.step)}port:`, `${pad(col + 2 * c.step)}${portLine}`);
  const end = contentEnd(anchor) ?? keyStart;
  c.edits.push({ start: lineStart(c.text, keyStart), end: nextLineStart(c.text, end), text: `${lines.join(eol(c.text))}${eol(c.text)}` });
  if (name && port) {
    const del = deletePairLines(c.text, port);
    if (del) c.edits.push(del);
  }
  return true;
}

function convertFlowBackend(c: Ctx, backend: YAMLMap, nameText: string | undefined, portLine: string | undefined): boolean {
  const r = backend.range;
  if (!r) return false;
  const service = [nameText !== undefined ? `name: ${nameText}` : undefined, portLine ? `port: {${portLine}}` : undefined].filter(Boolean).join(', ');
  const rest = backend.items
    .filter((p) => !['serviceName', 'servicePort'].includes(String((p.key as Scalar | null)?.value)))
    .map((p) => `${sourceOf(c.text, p.key)}: ${sourceOf(c.text, p.value) ?? ''}`);
  c.edits.push({ start: r[0], end: r[1], text: `{${[`service: {${service}}`, ...rest].join(', ')}}` });
  return true;
}

function addPathType(c: Ctx, path: YAMLMap): boolean {
  if (path.flow) {
    const end = path.range?.[1];
    if (end === undefined || c.text[end - 1] !== '}') return false;
    const sep = path.items.length ? ', ' : '';
    c.edits.push({ start: end - 1, end: end - 1, text: `${sep}pathType: ImplementationSpecific` });
    return true;
  }
  const col = keyColumn(c.text, path);
  const after = pairOf(path, 'path') ?? path.items[path.items.length - 1];
  const e = col !== undefined && after ? insertLinesAfter(c.text, after, [`${pad(col)}pathType: ImplementationSpecific`]) : undefined;
  if (!e) {
    c.complete = false;
    return false;
  }
  c.edits.push(e);
  return true;
}
