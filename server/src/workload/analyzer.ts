// workload.PodSpecAnalyzer (ours, no istioctl counterpart): what a reviewer says about a pod template that the schema
// cannot: a legacy Istio 0.x sidecar baked into the manifest, credentials written in plain text into env values,
// privileged containers, images without a pinned version. Pure.
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar } from 'yaml';
import type { Finding, ResourceRef, Severity } from '../core/types';
import type { FileAnalyzer, FileContext } from '../analysis/analyzer';
import { dig, pairOf, valueOf } from '../deprecation/yamlEdit';
import type { ParsedFile } from '../yaml/parse';

export const LEGACY_SIDECAR = 'LegacySidecar';
export const PLAINTEXT_SECRET = 'PlaintextSecret';
export const PRIVILEGED_CONTAINER = 'PrivilegedContainer';
export const UNPINNED_IMAGE = 'UnpinnedImage';

/** Where each workload kind keeps its pod spec's metadata and spec. */
const POD_PATH: Record<string, string[]> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  DeploymentConfig: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Names of variables and keys that hold credentials. */
const SECRET_NAME = /(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|private[-_]?key|credentials?)(\b|_|$)/i;
/** Values that are references or placeholders, not credentials. */
const NOT_A_SECRET = /^(\$\(.*\)|\$\{.*\}|true|false|yes|no|\d{1,5}|\/.*|[a-z][a-z0-9+.-]*:\/\/\S*)$/i;

type Emit = (node: Node | Pair, code: string, severity: Severity, message: string, at?: [number, number]) => void;

function text(n: unknown): string | undefined {
  return isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined;
}

/** Istio 0.x wrote `injected-version-<user>@<host>-<version>-<sha>`; Istio 1.x writes a JSON object. */
function legacyStatusVersion(status: string): string | undefined {
  if (status.trimStart().startsWith('{')) return undefined;
  const m = /-(\d+\.\d+\.\d+)-[0-9a-f]{7,}$/.exec(status);
  return m ? m[1] : status.startsWith('injected-version-') ? 'an Istio 0.x release' : undefined;
}

function checkLegacySidecar(meta: unknown, emit: Emit): void {
  const pair = pairOf(valueOf(meta, 'annotations'), 'sidecar.istio.io/status');
  const status = text(pair?.value);
  if (!pair || status === undefined) return;
  const version = legacyStatusVersion(status);
  if (!version) return;
  const release = /^\d/.test(version) ? `Istio ${version}` : version;
  emit(pair, LEGACY_SIDECAR, 'Warning',
    `This pod template carries a sidecar injected by ${release}: its istio-proxy, istio-init and certificate volumes ` +
    'target a control plane that no longer exists (istio-pilot, istio-mixer, per-namespace istio.* secrets) and no ' +
    'current Istio accepts this status. Remove the old sidecar and inject again (quick fix "Re-inject with the current ' +
    'template", or kubectl apply without it and let the injection webhook add today\'s sidecar).');
}

/** Offsets of `"key"` inside a scalar's source, when its text is JSON with that key (block scalars keep columns). */
function keyOffset(parsed: ParsedFile, node: Scalar, key: string, from: number): [number, number] | undefined {
  if (!node.range) return undefined;
  const src = parsed.text.slice(node.range[0], node.range[1]);
  const quoted = JSON.stringify(key);
  const i = src.indexOf(quoted, from);
  return i < 0 ? undefined : [node.range[0] + i, node.range[0] + i + quoted.length];
}

/** Credential-looking string leaves of a JSON document held in an env value: their key paths. */
function jsonSecrets(value: string): string[][] {
  const t = value.trim();
  if (!t.startsWith('{') || t.length > 1_000_000) return [];
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return [];
  }
  const out: string[][] = [];
  const walk = (v: unknown, path: string[], underSecret: boolean, depth: number) => {
    if (depth > 50 || out.length > 20) return;
    if (typeof v === 'string') {
      if (underSecret && v !== '' && !NOT_A_SECRET.test(v)) out.push(path);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) walk(x, [...path, k], underSecret || SECRET_NAME.test(k), depth + 1);
  };
  walk(obj, [], false, 0);
  return out;
}

function checkEnv(parsed: ParsedFile, container: unknown, cname: string, emit: Emit): void {
  const env = valueOf(container, 'env');
  if (!isSeq(env)) return;
  for (const item of env.items) {
    const name = text(valueOf(item, 'name'));
    const valuePair = pairOf(item, 'value');
    const value = valuePair && isScalar(valuePair.value) ? valuePair.value : undefined;
    const v = text(value);
    if (!name || !value || v === undefined || v === '') continue;
    if (SECRET_NAME.test(name) && !NOT_A_SECRET.test(v)) {
      emit(value, PLAINTEXT_SECRET, 'Warning',
        `Environment variable ${name} of container "${cname}" holds a credential in plain text: anyone who can read this ` +
        'manifest (or the Deployment in the cluster) can read it. Keep it in a Secret and reference it with ' +
        'valueFrom.secretKeyRef.');
      continue;
    }
    let from = 0;
    for (const path of jsonSecrets(v)) {
      const at = keyOffset(parsed, value, path[path.length - 1], from);
      if (at) from = at[1] - value.range![0];
      emit(valuePair!, PLAINTEXT_SECRET, 'Warning',
        `Environment variable ${name} of container "${cname}" embeds a credential in plain text (${path.join('.')}): ` +
        'keep it in a Secret (mount it as a file, or reference it with valueFrom.secretKeyRef) instead of the manifest.', at);
    }
  }
}

/** An image reference without a tag or digest, or with `latest`. */
function unpinned(image: string): boolean {
  if (image.includes('@')) return false;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest';
}

const ISTIO_CONTAINERS = new Set(['istio-proxy', 'istio-init', 'istio-validation', 'enable-core-dump']);

function checkContainer(parsed: ParsedFile, container: unknown, emit: Emit): void {
  if (!isMap(container)) return;
  const cname = text(valueOf(container, 'name')) ?? '(unnamed)';
  const imagePair = pairOf(container, 'image');
  const image = text(imagePair?.value);
  if (imagePair && image && !image.includes('{{') && unpinned(image)) {
    emit(imagePair.value as Node, UNPINNED_IMAGE, 'Info',
      `Image "${image}" is not pinned: ${image.endsWith(':latest') ? 'the "latest" tag' : 'without a tag the node pulls "latest", which'} ` +
      'changes under you and defaults imagePullPolicy to Always. Pin a version tag or a digest for reproducible rollouts.');
  }
  const privileged = pairOf(dig(container, 'securityContext'), 'privileged');
  if (privileged && isScalar(privileged.value) && privileged.value.value === true) {
    const istio = ISTIO_CONTAINERS.has(cname)
      ? ' Current Istio sidecars run unprivileged: istio-init needs only the NET_ADMIN and NET_RAW capabilities (none with Istio CNI).'
      : '';
    emit(privileged, PRIVILEGED_CONTAINER, 'Warning',
      `Container "${cname}" runs privileged: it has every capability and access to the node's devices.${istio}`);
  }
  checkEnv(parsed, container, cname, emit);
}

function emitter(parsed: ParsedFile, resource: ResourceRef, out: Finding[]): Emit {
  return (node, code, severity, message, at) => {
    const r = at ?? ('key' in node ? (node.key as Node).range : node.range);
    if (!r) return;
    out.push({ range: parsed.rangeOf(r[0], r[1]), severity, code, message, source: 'istio-workbench', resource });
  };
}

export const podSpecAnalyzer: FileAnalyzer = {
  name: 'workload.PodSpecAnalyzer',
  enabled: () => true,
  analyze(ctx: FileContext, token): Finding[] {
    const out: Finding[] = [];
    for (const d of ctx.parsed.docs) {
      if (token.isCancellationRequested) break;
      const r = d.resource;
      const path = r?.kind ? POD_PATH[r.kind] : undefined;
      if (!r || !path) continue;
      const pod = path.length ? dig(d.doc.contents, ...path) : d.doc.contents;
      if (!isMap(pod)) continue;
      const emit = emitter(ctx.parsed, r, out);
      checkLegacySidecar(valueOf(pod, 'metadata'), emit);
      const spec = valueOf(pod, 'spec');
      for (const list of ['initContainers', 'containers']) {
        const cs = valueOf(spec, list);
        if (isSeq(cs)) for (const c of cs.items) checkContainer(ctx.parsed, c, emit);
      }
    }
    return out;
  },
};
