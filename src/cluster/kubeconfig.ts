// Kubeconfig discovery and parsing (pure: no vscode). Only names, clusters and namespaces are read:
// credentials are never read into our model, so they can never be logged.
import { parse } from 'yaml';
import type { Result } from '../../server/src/core/types';

export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace: string | null;
  /** API server URL of the context's cluster, when the kubeconfig defines it. */
  server: string | null;
  /** The file that defined this context. */
  file: string;
}

export interface Kubeconfig {
  files: string[];
  currentContext: string | null;
  contexts: KubeContext[];
}

/** The kubeconfig files kubectl would read: the explicit setting, else $KUBECONFIG (path list), else ~/.kube/config. */
export function kubeconfigPaths(setting: string, env: Record<string, string | undefined>, home: string, delimiter = ':'): string[] {
  if (setting.trim()) return [expandHome(setting.trim(), home)];
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).map((s) => s.trim()).filter(Boolean);
  if (fromEnv.length) return fromEnv.map((p) => expandHome(p, home));
  return [`${home.replace(/\/$/, '')}/.kube/config`];
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? `${home.replace(/\/$/, '')}/${p.slice(2)}` : p;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];

/** Parses one kubeconfig file. Malformed content is an error value, never an exception. */
export function parseKubeconfig(text: string, file: string): Result<Kubeconfig> {
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false });
  } catch (e) {
    return { ok: false, error: `${file} is not valid YAML: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (doc === null || doc === undefined) return { ok: true, value: { files: [file], currentContext: null, contexts: [] } };
  if (typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: `${file} is not a kubeconfig (expected a mapping)` };
  const d = doc as Record<string, unknown>;
  const servers = new Map<string, string>();
  for (const c of list(d.clusters)) {
    const name = str(c.name);
    const server = c.cluster && typeof c.cluster === 'object' ? str((c.cluster as Record<string, unknown>).server) : null;
    if (name && server) servers.set(name, server);
  }
  const contexts: KubeContext[] = [];
  for (const c of list(d.contexts)) {
    const name = str(c.name);
    const ctx = (c.context && typeof c.context === 'object' ? c.context : {}) as Record<string, unknown>;
    if (!name) continue;
    const cluster = str(ctx.cluster) ?? '';
    contexts.push({ name, cluster, user: str(ctx.user) ?? '', namespace: str(ctx.namespace), server: servers.get(cluster) ?? null, file });
  }
  return { ok: true, value: { files: [file], currentContext: str(d['current-context']), contexts } };
}

/** Merges kubeconfig files the way kubectl does: the first file to set a value (or define a name) wins. */
export function mergeKubeconfigs(configs: Kubeconfig[]): Kubeconfig {
  const seen = new Set<string>();
  const out: Kubeconfig = { files: [], currentContext: null, contexts: [] };
  for (const c of configs) {
    out.files.push(...c.files);
    out.currentContext ??= c.currentContext;
    for (const ctx of c.contexts) {
      if (seen.has(ctx.name)) continue;
      seen.add(ctx.name);
      out.contexts.push(ctx);
    }
  }
  return out;
}

/** Reads and merges the given files; missing files are skipped (as kubectl does), unreadable or malformed ones are errors. */
export function loadKubeconfig(paths: string[], readFile: (p: string) => string | undefined): Result<Kubeconfig> {
  const parsed: Kubeconfig[] = [];
  for (const p of paths) {
    let text: string | undefined;
    try {
      text = readFile(p);
    } catch (e) {
      return { ok: false, error: `cannot read ${p}: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (text === undefined) continue;
    const r = parseKubeconfig(text, p);
    if (!r.ok) return r;
    parsed.push(r.value);
  }
  return { ok: true, value: mergeKubeconfigs(parsed) };
}
