// annotations.K8sAnalyzer: Istio annotations (`*.istio.io/*` keys and kubernetes.io/ingress.class) that are unknown
// (IST0108), on the wrong kind of resource (IST0107), deprecated (IST0135) or with an invalid value (IST0125), as
// istio/istio pkg/config/analysis/analyzers/annotations does for Namespaces, Services, Pods and Deployments.
// In addition to istioctl, the pod templates of workloads are checked as Pods (the injector reads them there).
// annotations.LabelAnalyzer (ours, no Istio counterpart): unknown and deprecated `*.istio.io/*` labels.
import { isMap, isScalar, type Pair } from 'yaml';
import type { Finding, ResourceRef } from '../core/types';
import type { FileAnalyzer, FileContext } from '../analysis/analyzer';
import { formatMessage, levelOf } from '../mesh/messages';
import type { ParsedFile } from '../yaml/parse';
import { dig, pairOf, valueOf } from '../deprecation/yamlEdit';
import { ANNOTATIONS, LABELS, type IstioMetaKey } from './data.gen';
import { ANNOTATION_VALIDATION } from './validate';

const ANNOTATION_BY_NAME = new Map(ANNOTATIONS.map((a) => [a.name, a]));
const LABEL_BY_NAME = new Map(LABELS.map((a) => [a.name, a]));

/** Set by istiod, the gateway controller or the injector, never by users: not reported (Istio's AlwaysIgnoredAnnotations). */
export const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);
const SIDECAR_INJECT = 'sidecar.istio.io/inject';
const DEPRECATION_EXTRA: Record<string, string> = { [SIDECAR_INJECT]: ` in favor of the "${SIDECAR_INJECT}" label` };

/** The resources istioctl's annotation analyzer reads: core Namespace, Service, Pod and apps Deployment. */
function analyzedKind(r: ResourceRef): string | undefined {
  if (r.apiVersion === 'v1' && (r.kind === 'Namespace' || r.kind === 'Service' || r.kind === 'Pod')) return r.kind;
  if (r.kind === 'Deployment' && /^(apps|extensions)\/v1/.test(r.apiVersion ?? '')) return r.kind;
  return undefined;
}

/** Pod template metadata of a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController, CronJob). */
function podTemplateMetadata(root: unknown, kind: string | null): unknown {
  if (kind === 'CronJob') return dig(root, 'spec', 'jobTemplate', 'spec', 'template', 'metadata');
  if (kind && ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'].includes(kind)) return dig(root, 'spec', 'template', 'metadata');
  return undefined;
}

/** True for annotations in Istio's namespace (Istio's istioAnnotation): the key's prefix ends in istio.io. */
export function isIstioKey(key: string): boolean {
  if (key === 'kubernetes.io/ingress.class') return true;
  // The part before the first "/" (split would allocate an array for every label and annotation of every document).
  const slash = key.indexOf('/');
  return (slash < 0 ? key : key.slice(0, slash)).endsWith('istio.io');
}

function scalarText(v: unknown): string {
  if (isScalar(v)) return v.value === null || v.value === undefined ? '' : String(v.value);
  return '';
}

function keyedPairs(map: unknown): { key: string; pair: Pair }[] {
  const out: { key: string; pair: Pair }[] = [];
  if (!isMap(map)) return out;
  for (const p of map.items) if (isScalar(p.key) && typeof p.key.value === 'string' && p.key.range) out.push({ key: p.key.value, pair: p as Pair });
  return out;
}

interface Emit {
  (pair: Pair, code: string, message: string): void;
}

function checkAnnotations(metadata: unknown, kind: string, emit: Emit): void {
  const labels = valueOf(metadata, 'labels');
  for (const { key: ann, pair } of keyedPairs(valueOf(metadata, 'annotations'))) {
    if (!isIstioKey(ann) || ALWAYS_IGNORED.has(ann)) continue;
    const def = ANNOTATION_BY_NAME.get(ann);
    if (!def) {
      emit(pair, 'IST0108', formatMessage('IST0108', [ann]));
      continue;
    }
    if (def.deprecated && !(ann === SIDECAR_INJECT && pairOf(labels, SIDECAR_INJECT))) {
      emit(pair, 'IST0135', formatMessage('IST0135', [ann, DEPRECATION_EXTRA[ann] ?? '']));
    }
    if (def.resources.includes('Any')) continue;
    const attachesTo = def.resources.filter((r) => r !== 'Unknown');
    if (!attachesTo.includes(kind)) {
      emit(pair, 'IST0107', formatMessage('IST0107', [ann, attachesTo.join(', ')]));
      continue;
    }
    const problem = ANNOTATION_VALIDATION[ann]?.(scalarText(pair.value));
    if (problem) emit(pair, 'IST0125', formatMessage('IST0125', [ann, problem]));
  }
}

function emitter(parsed: ParsedFile, resource: ResourceRef | null, out: Finding[], levels: (code: string) => Finding['severity']): Emit {
  return (pair, code, message) => {
    const r = (pair.key as { range: [number, number, number] }).range;
    out.push({ range: parsed.rangeOf(r[0], r[1]), severity: levels(code), code, message, source: 'istio-workbench', resource });
  };
}

export const annotationsAnalyzer: FileAnalyzer = {
  name: 'annotations.K8sAnalyzer',
  enabled: () => true,
  analyze(ctx: FileContext, token): Finding[] {
    const out: Finding[] = [];
    for (const d of ctx.parsed.docs) {
      if (token.isCancellationRequested) break;
      const r = d.resource;
      if (!r) continue;
      const emit = emitter(ctx.parsed, r, out, levelOf);
      const root = d.doc.contents;
      const kind = analyzedKind(r);
      if (kind) checkAnnotations(valueOf(root, 'metadata'), kind, emit);
      const template = podTemplateMetadata(root, r.kind);
      if (template) checkAnnotations(template, 'Pod', emit);
    }
    return out;
  },
};

/** Set by Istio's installers (Helm charts, operator), not part of the labels catalogue. */
const INSTALLER_LABELS = new Set(['install.operator.istio.io/owning-resource', 'install.operator.istio.io/owning-resource-namespace']);

export const UNKNOWN_LABEL = 'UnknownLabel';
export const DEPRECATED_LABEL = 'DeprecatedLabel';

function checkLabels(metadata: unknown, emit: Emit): void {
  for (const { key, pair } of keyedPairs(valueOf(metadata, 'labels'))) {
    if (!isIstioKey(key) || key === 'kubernetes.io/ingress.class' || INSTALLER_LABELS.has(key)) continue;
    const def: IstioMetaKey | undefined = LABEL_BY_NAME.get(key);
    if (!def) emit(pair, UNKNOWN_LABEL, `Unknown label: ${key} is not an Istio label`);
    // Hidden labels are set by the injector (e.g. security.istio.io/tlsMode), not written by users.
    else if (def.deprecated && !def.hidden) emit(pair, DEPRECATED_LABEL, `Label "${key}" has been deprecated and may not work in future Istio versions.`);
  }
}

export const labelsAnalyzer: FileAnalyzer = {
  name: 'annotations.LabelAnalyzer',
  enabled: () => true,
  analyze(ctx: FileContext, token): Finding[] {
    const out: Finding[] = [];
    for (const d of ctx.parsed.docs) {
      if (token.isCancellationRequested) break;
      if (!d.resource?.kind) continue;
      const emit = emitter(ctx.parsed, d.resource, out, () => 'Info');
      checkLabels(valueOf(d.doc.contents, 'metadata'), emit);
      const template = podTemplateMetadata(d.doc.contents, d.resource.kind);
      if (template) checkLabels(template, emit);
    }
    return out;
  },
};
