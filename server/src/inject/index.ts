// Sidecar injection of whole manifests (istioctl kube-inject: IntoResourceFile / IntoObject). Pure.
import { parseAllDocuments } from 'yaml';
import { emitYaml } from './emit';
import { readRenderedYaml } from './fastYaml';
import type { InjectionConfig, Json } from './config';
import { applyProxyConfigAnnotation, IGNORED_NAMESPACES, injectPod, injectRequired } from './inject';
import { deepClone, normalizePod } from './merge';
import { isMap } from './template/values';
import { addTypedDefaults, isInjectableKind, isKnownKind, kindKey, podTemplateOf } from './workload';

export { bundledConfig, parseInjectorConfig, parseMeshConfig, parseValues, type InjectionConfig } from './config';

export interface InjectResult {
  /** The output manifest: every input document, injected where Istio would, as multi-document YAML. */
  output: string;
  /** The documents of the output as objects (null for documents passed through as text). */
  objects: (Json | null)[];
  warnings: string[];
  /** Set when injection failed; `output` is then empty, like istioctl. */
  error?: string;
}

/** Keeps documents and values from hostile input small enough to process. */
const MAX_DOCS = 10_000;

/** Injects every workload of a YAML stream like `istioctl kube-inject`. Never throws. */
export function injectManifest(text: string, cfg: InjectionConfig): InjectResult {
  const warnings: string[] = [];
  const objects: (Json | null)[] = [];
  let output = '';
  const docs = readStream(text);
  if (docs.length > MAX_DOCS) return { output: '', objects: [], warnings, error: `too many documents (${docs.length} > ${MAX_DOCS})` };
  for (const doc of docs) {
    if (doc.error) return { output: '', objects: [], warnings, error: doc.error };
    const value = doc.value;
    const raw = doc.raw;
    if (value === null || value === undefined) continue;
    if (!isMap(value) || !isKnownKind(value)) {
      output += `${raw.replace(/\s*$/, '')}\n---\n`;
      objects.push(null);
      continue;
    }
    let r: Json | string;
    try {
      r = intoObject(deepClone(value), cfg, warnings);
      if (typeof r !== 'string') output += `${toYaml(r)}---\n`;
    } catch (e) {
      // Hostile input (say, nesting deeper than the stack): report it instead of crashing.
      r = `cannot inject this document: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (typeof r === 'string') return { output: '', objects: [], warnings, error: r };
    objects.push(r);
  }
  return { output, objects, warnings };
}

/** sigs.k8s.io/yaml (go-yaml v2) output style: sorted keys, unindented sequences, go-yaml's quoting. */
export function toYaml(obj: Json): string {
  return emitYaml(obj);
}

/** IntoObject: injects one decoded object (recursing into Lists). Returns the object or an error message. */
export function intoObject(obj: Json, cfg: InjectionConfig, warnings: string[]): Json | string {
  if (kindKey(obj) === 'v1/List') {
    const items = Array.isArray(obj.items) ? obj.items : [];
    for (let i = 0; i < items.length; i++) {
      if (!isMap(items[i]) || !isInjectableKind(items[i] as Json)) continue;
      const r = intoObject(items[i] as Json, cfg, warnings);
      if (typeof r === 'string') return r;
      items[i] = r;
    }
    if (!isMap(obj.metadata)) obj.metadata = {};
    return obj;
  }
  if (!isInjectableKind(obj)) {
    return obj;
  }
  const ref = podTemplateOf(obj)!;
  const meta = isMap(ref.holder[ref.metaKey]) ? (ref.holder[ref.metaKey] as Json) : {};
  const spec = isMap(ref.holder[ref.specKey]) ? (ref.holder[ref.specKey] as Json) : {};
  const kind = String(obj.kind ?? '');
  const objMeta = isMap(obj.metadata) ? obj.metadata : {};
  const isPod = kindKey(obj) === 'v1/Pod';
  const name = String(meta.name ?? '') || String(objMeta.name ?? '');
  const namespace = String(meta.namespace ?? '') || String(objMeta.namespace ?? '');
  const fullName = objMeta.namespace ? `${String(objMeta.namespace)}/${name}` : name;
  if (spec.hostNetwork === true) {
    warnings.push(`===> Skipping injection because ${kind ? `${kind} ` : ''}"${fullName}" has host networking enabled\n`);
    keepPod(ref, meta, spec);
    addTypedDefaults(obj);
    return obj;
  }
  if (injectionState(meta, spec) === 'legacy') {
    // Not Istio's behaviour (it would inject a second sidecar): a pre-status sidecar must be removed first.
    warnings.push(`===> Skipping injection because ${kind ? `${kind} ` : ''}"${fullName}" already has a legacy (Istio 0.x) sidecar: its sidecar.istio.io/status is not Istio's JSON status; remove the old sidecar and inject again\n`);
    return obj;
  }
  const mesh = applyProxyConfigAnnotation(cfg.mesh, isMap(meta.annotations) ? meta.annotations : {});
  if (!mesh.ok) return mesh.error;
  if (!injectRequired('enabled', [], [], spec, meta)) {
    warnings.push(`===> Skipping injection because ${kind ? `${kind} ` : ''}"${fullName}" has sidecar injection disabled\n`);
    keepPod(ref, meta, spec);
    addTypedDefaults(obj);
    return obj;
  }
  const deployMeta = isPod ? { name: String(objMeta.name ?? ''), namespace: String(objMeta.namespace ?? '') } : { name: String(objMeta.name ?? ''), namespace: String(objMeta.namespace ?? '') };
  const typeMeta = isPod ? { kind: 'Pod', apiVersion: 'v1' } : { kind, apiVersion: String(obj.apiVersion ?? '') };
  const r = injectPod({ metadata: meta, spec, typeMeta, deployMeta, namespace }, cfg, mesh.value);
  if (!r.ok) return r.error;
  ref.holder[ref.metaKey] = r.value.metadata;
  ref.holder[ref.specKey] = r.value.spec;
  addTypedDefaults(obj);
  return obj;
}

/** An uninjected pod still goes through Go's typed encoding. */
function keepPod(ref: NonNullable<ReturnType<typeof podTemplateOf>>, meta: Json, spec: Json): void {
  const pod = normalizePod({ metadata: meta, spec });
  ref.holder[ref.metaKey] = pod.metadata ?? {};
  ref.holder[ref.specKey] = pod.spec;
}

export type InjectionState = 'none' | 'injected' | 'legacy';

/**
 * Whether a pod template already carries a sidecar: 'injected' for Istio's JSON status annotation, 'legacy' for
 * sidecars injected before it (0.2.x wrote sidecar.istio.io/status: "injected-version-...", and pre-1.6 Kubernetes
 * init containers lived in the pod.beta.kubernetes.io/init-containers annotation).
 */
export function injectionState(podMeta: Json, podSpec: Json): InjectionState {
  const annos = isMap(podMeta.annotations) ? podMeta.annotations : {};
  const status = annos['sidecar.istio.io/status'];
  if (typeof status === 'string' && status.trim().startsWith('{')) return 'injected';
  if (typeof status === 'string' && status !== '') return 'legacy';
  // An istio-proxy container alone is not an injection: it is Istio's documented way to customise the sidecar.
  void podSpec;
  if (Object.keys(annos).some((k) => k.startsWith('pod.beta.kubernetes.io/init-containers') && String(annos[k]).includes('istio'))) return 'legacy';
  return 'none';
}

export { IGNORED_NAMESPACES };

/** One document of the input stream: its value and its text as `istioctl kube-inject` passes it through. */
interface StreamDoc {
  value: unknown;
  raw: string;
  error?: string;
}

const PARSE_OPTIONS = { version: '1.1', uniqueKeys: false, prettyErrors: false } as const;

/**
 * The documents of a YAML stream. Plain streams (`---` separators, no directives or `...` markers) are split by line
 * and each document is read by the fast block-YAML reader, falling back to the `yaml` package for any document outside
 * its subset; anything else goes through the `yaml` package whole. Both give the same values and texts (a unit test
 * compares them on every YAML file of Istio's reference data).
 */
export function readStream(text: string): StreamDoc[] {
  const chunks = splitStream(text);
  if (!chunks) return readStreamSlow(text);
  const out: StreamDoc[] = [];
  for (const c of chunks) {
    let value: unknown;
    try {
      value = readRenderedYaml(c.body);
    } catch {
      const slow = readStreamSlow(c.text);
      if (slow.length !== 1) return readStreamSlow(text);
      value = slow[0].value;
      if (slow[0].error) {
        out.push({ value, raw: c.raw, error: slow[0].error });
        continue;
      }
    }
    out.push({ value, raw: c.raw });
  }
  return out;
}

/** The `yaml` package's reading of a stream: values, each document's source range, its first error. */
export function readStreamSlow(text: string): StreamDoc[] {
  let docs;
  try {
    docs = parseAllDocuments(text, PARSE_OPTIONS);
  } catch (e) {
    return [{ value: null, raw: '', error: String(e) }];
  }
  if (!Array.isArray(docs)) docs = [docs];
  return docs.map((doc): StreamDoc => {
    const raw = text.slice(doc.range[0], doc.range[1]);
    if (doc.errors.length) return { value: null, raw, error: doc.errors[0].message };
    try {
      return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, raw };
    } catch (e) {
      return { value: null, raw, error: e instanceof Error ? e.message : String(e) };
    }
  });
}

interface Chunk {
  /** The document's lines including its `---` marker line (what the `yaml` package would read). */
  text: string;
  /** Without the marker line. */
  body: string;
  /** The document's source range as the `yaml` package reports it. */
  raw: string;
}

const MARKER = /^---(?:[ \t]|$)/;
const blankOrTopComment = (l: string) => l.trim() === '' || l.startsWith('#');

/** Splits a plain stream at its `---` lines; undefined when the stream needs the full parser to find its documents. */
function splitStream(text: string): Chunk[] | undefined {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = text.split('\n');
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const c = l.charCodeAt(0);
    if (c === 37 /* % */) return undefined;
    if (c === 46 /* . */ && /^\.\.\.(?:[ \t]|$)/.test(l)) return undefined;
    if (c === 45 /* - */ && MARKER.test(l)) {
      const after = l.slice(3).trim();
      if (after !== '' && !after.startsWith('#')) return undefined; // content on the marker line
      starts.push(i);
    }
  }
  const chunks: Chunk[] = [];
  const add = (from: number, to: number, marker: boolean) => {
    let a = from;
    let b = to;
    if (!marker) {
      while (a < b && blankOrTopComment(lines[a])) a++;
      if (a === b) return; // only comments before the first marker: no document
    }
    while (b > a + (marker ? 1 : 0) && blankOrTopComment(lines[b - 1])) b--;
    const body = lines.slice(marker ? from + 1 : from, to).join('\n');
    const textOf = lines.slice(from, to).join('\n');
    chunks.push({ text: textOf, body: to < lines.length ? `${body}\n` : body, raw: lines.slice(a, b).join('\n') });
  };
  let prev = 0;
  let marker = false;
  for (const s of starts) {
    if (s > prev || marker) add(prev, s, marker);
    prev = s;
    marker = true;
  }
  add(prev, lines.length, marker);
  return chunks;
}
