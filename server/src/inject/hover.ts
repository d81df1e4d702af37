// Hover on `sidecar.istio.io/*` and `proxy.istio.io/*` annotations and labels: what the key does (Istio's
// annotation/label reference) and, on a workload, why a sidecar would or would not be injected. Pure.
import { isMap as isYamlMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { ANNOTATIONS, LABELS, type IstioMetaKey } from '../annotations/data.gen';
import type { ParsedFile } from '../yaml/parse';
import { workloadOf, NAMESPACE_LABEL, type Workload } from './actions';
import type { InjectorConfig } from './config';
import { IGNORED_NAMESPACES, injectRequired } from './inject';
import { isMap } from './template/values';

const KEY = /^(sidecar|proxy)\.istio\.io\//;

/** The injection configuration in effect, for the decision (policy, selectors) and to name its source. */
export interface InjectionHoverSource {
  injector: Pick<InjectorConfig, 'policy' | 'neverInjectSelector' | 'alwaysInjectSelector'>;
  /** Where the configuration came from ("bundled defaults", "files ...", "cluster context ..."). */
  description: string;
}

export interface InjectionHover {
  markdown: string;
  /** Offsets of the hovered key. */
  start: number;
  end: number;
}

/** The pair whose key is under `offset`, with the keys leading to it. */
function pairAt(node: unknown, offset: number, path: string[] = []): { pair: Pair; path: string[] } | undefined {
  if (isYamlMap(node)) {
    for (const it of node.items) {
      if (!isPair(it)) continue;
      const k = it.key as Node | null;
      if (k?.range && offset >= k.range[0] && offset <= k.range[1] && isScalar(k)) return { pair: it, path };
      const v = it.value as Node | null;
      if (v?.range && offset >= v.range[0] && offset <= v.range[2]) return pairAt(v, offset, [...path, isScalar(k) ? String(k.value) : '?']);
    }
  } else if (isSeq(node)) {
    for (const it of node.items) {
      const r = (it as Node | null)?.range;
      if (r && offset >= r[0] && offset <= r[2]) return pairAt(it, offset, [...path, '#']);
    }
  }
  return undefined;
}

function describe(meta: IstioMetaKey | undefined, key: string, kind: 'annotation' | 'label'): string {
  if (!meta) return `**${key}** (${kind}): not a ${kind} Istio documents.`;
  const status = [meta.featureStatus, meta.deprecated ? 'deprecated' : ''].filter(Boolean).join(', ');
  const doc = meta.description.replace(/\]\(\/docs\//g, '](https://istio.io/latest/docs/');
  return `**${key}** (Istio ${kind}${status ? `, ${status}` : ''})\n\n${doc}`;
}

const truthy = (v: unknown) => typeof v === 'string' && ['y', 'yes', 'true', 'on'].includes(v.toLowerCase());

/** Why the injector would (or would not) add a sidecar to this workload: the decision and its reason. */
export function injectionDecision(parsed: ParsedFile, w: Workload, injector?: InjectionHoverSource['injector']): string {
  const tmpl = w.templatePath.reduce<unknown>((cur, k) => (isMap(cur) ? cur[k] : undefined), w.value);
  const meta = isMap(tmpl) && isMap(tmpl.metadata) ? tmpl.metadata : {};
  const spec = isMap(tmpl) && isMap(tmpl.spec) ? tmpl.spec : {};
  const labels = isMap(meta.labels) ? meta.labels : {};
  const annos = isMap(meta.annotations) ? meta.annotations : {};
  const name = `${w.kind} ${w.name}`;
  if (w.state === 'injected') return `${name} **already has a sidecar** (its \`sidecar.istio.io/status\` annotation); re-injection replaces it.`;
  if (w.state === 'legacy') return `${name} carries a **legacy Istio 0.x sidecar**: remove it or re-inject with the current template.`;
  if (spec.hostNetwork === true) return `${name} would **not** be injected: it uses \`hostNetwork: true\`.`;
  if (IGNORED_NAMESPACES.includes(w.namespace)) return `${name} would **not** be injected: namespace \`${w.namespace}\` is never injected.`;
  if ('sidecar.istio.io/inject' in labels) {
    const on = truthy(labels['sidecar.istio.io/inject']);
    return `${name} would ${on ? '' : '**not** '}be injected${on ? ' (**yes**)' : ''}: label \`sidecar.istio.io/inject: "${String(labels['sidecar.istio.io/inject'])}"\` on the pod template (it overrides the namespace).`;
  }
  if ('sidecar.istio.io/inject' in annos) {
    const on = truthy(annos['sidecar.istio.io/inject']);
    return `${name} would ${on ? '' : '**not** '}be injected${on ? ' (**yes**)' : ''}: annotation \`sidecar.istio.io/inject\` (deprecated; prefer the label).`;
  }
  if (injector) {
    // No explicit label: the injector's selectors, then its policy, decide (injectRequired).
    const m = { labels, annotations: {} };
    if (!injectRequired('enabled', injector.neverInjectSelector, [], spec, m)) return `${name} would **not** be injected: its labels match the injector's \`neverInjectSelector\`.`;
    if (injectRequired('disabled', [], injector.alwaysInjectSelector, spec, m)) return `${name} would be injected (**yes**): its labels match the injector's \`alwaysInjectSelector\`.`;
    if (injector.policy !== 'enabled') return `${name} would **not** be injected: the injector's policy is \`${injector.policy || 'unset'}\`, so only pods labelled \`sidecar.istio.io/inject: "true"\` are.`;
  }
  const nsDoc = parsed.docs.find((d) => d.resource?.kind === 'Namespace' && d.resource.name === w.namespace);
  let nsLabels: Record<string, unknown> = {};
  try {
    const v = nsDoc?.doc.toJS() as unknown;
    if (isMap(v) && isMap(v.metadata) && isMap(v.metadata.labels)) nsLabels = v.metadata.labels;
  } catch { /* ignore */ }
  if (nsDoc) {
    if (nsLabels[NAMESPACE_LABEL] === 'enabled' || typeof nsLabels['istio.io/rev'] === 'string') return `${name} would be injected (**yes**): namespace \`${w.namespace}\` has \`${NAMESPACE_LABEL}=enabled\` or \`istio.io/rev\`.`;
    return `${name} would **not** be injected by the webhook: namespace \`${w.namespace}\` has no \`${NAMESPACE_LABEL}=enabled\` label (kube-inject would inject it).`;
  }
  return `${name}: no \`sidecar.istio.io/inject\` label, so the namespace decides (\`${NAMESPACE_LABEL}=enabled\` or \`istio.io/rev\`, not in this file); \`istioctl kube-inject\` would inject it.`;
}

/** Hover for the annotation or label key under `offset`, or undefined. */
export function injectionHover(parsed: ParsedFile, offset: number, sourceOf?: () => InjectionHoverSource): InjectionHover | undefined {
  const pd = parsed.docs.find((d) => offset >= d.start && offset <= d.end);
  if (!pd) return undefined;
  const hit = pairAt(pd.doc.contents, offset);
  if (!hit) return undefined;
  const k = hit.pair.key as Node & { value: unknown };
  const key = String(k.value);
  const where = hit.path[hit.path.length - 1];
  if (!KEY.test(key) || (where !== 'labels' && where !== 'annotations')) return undefined;
  const kind = where === 'labels' ? 'label' : 'annotation';
  const meta = (kind === 'label' ? LABELS : ANNOTATIONS).find((m) => m.name === key);
  const parts = [describe(meta, key, kind)];
  const w = workloadOf(parsed, pd.index);
  const source = w ? sourceOf?.() : undefined;
  if (w) parts.push(`**Sidecar injection:** ${injectionDecision(parsed, w, source?.injector)}`);
  if (w && source) parts.push(`Injection configuration: ${source.description.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`)}.`);
  return { markdown: parts.join('\n\n'), start: k.range![0], end: k.range![1] };
}
