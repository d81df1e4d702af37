// Shared pod helpers of the injection pipeline (webhook.go: FindContainer, modifyContainers, prometheus annotations). Pure.
import type { Json } from './config';
import { isMap } from './template/values';

export const PROXY = 'istio-proxy';
export const INIT = 'istio-init';
export const VALIDATION = 'istio-validation';
export const CORE_DUMP = 'enable-core-dump';
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const OVERRIDES_ANNOTATION = 'proxy.istio.io/overrides';
export const IGNORED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'];

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const mapOf = (v: unknown): Json => (isMap(v) ? v : {});
export const containersOf = (spec: Json, key: 'containers' | 'initContainers'): Json[] => (Array.isArray(spec[key]) ? (spec[key] as Json[]) : []);

// ---- helpers from webhook.go ----

export function modifyContainers(cl: Json[], name: string, op: 'first' | 'last' | 'remove'): Json[] {
  const rest = cl.filter((c) => c.name !== name);
  const match = cl.filter((c) => c.name === name).pop();
  if (!match) return rest;
  if (op === 'first') return [match, ...rest];
  if (op === 'last') return [...rest, match];
  return rest;
}

export const findContainer = (name: string, cl: Json[]): Json | undefined => cl.find((c) => c.name === name);

export function findSidecar(pod: Json): Json | undefined {
  const spec = mapOf(pod.spec);
  return findContainer(PROXY, containersOf(spec, 'containers')) ?? findContainer(PROXY, containersOf(spec, 'initContainers'));
}

/** prometheus/strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes '_'. */
export const sanitize = (k: string) => k.replace(/[^a-zA-Z0-9_]/g, '_');

export function promAnnotation(annos: Json, which: 'scrape' | 'port' | 'path'): string | undefined {
  for (const [k, v] of Object.entries(annos)) if (sanitize(k) === `prometheus_io_${which}`) return str(v);
  return undefined;
}

export function clearPrometheusAnnotations(annos: Json): void {
  for (const k of Object.keys(annos)) if (['prometheus_io_scrape', 'prometheus_io_port', 'prometheus_io_path'].includes(sanitize(k))) delete annos[k];
}

export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

export function statusPortOf(mesh: Json): number {
  const dc = mapOf(mesh.defaultConfig);
  return typeof dc.statusPort === 'number' ? dc.statusPort : 15020;
}
