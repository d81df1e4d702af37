// The cluster the extension's background sources and commands talk to: the Mesh view's connected context (its reader is
// shared), else the chosen (`istioWorkbench.context`) or current context of the kubeconfig, with a reader of its own.
import * as os from 'node:os';
import { kubeconfigPaths } from './cluster/kubeconfig';
import { KubeClusterReader, loadKubeConfig } from './cluster/kubeReader';
import type { ClusterReader } from './cluster/reader';
import type { Ctx } from './ctx';

export interface ClusterTarget {
  context: string;
  reader: ClusterReader;
  /** The context's namespace (kubectl's default for documents without one). */
  defaultNamespace: string;
  /** Closes the reader when it is not the Mesh view's. */
  dispose(): void;
}

/** Why there is no target; `noContext` when the kubeconfig names no context (not a failure for background sources). */
export interface NoClusterTarget {
  error: string;
  noContext?: true;
}

export function clusterTarget(ctx: Ctx): ClusterTarget | NoClusterTarget {
  const kc = ctx.meshTree.readKubeconfig();
  const session = ctx.meshTree.current;
  const name = session?.context ?? (ctx.config.context || (kc.ok ? kc.value.currentContext : null));
  if (!name) {
    return kc.ok ? { error: 'no Kubernetes context is chosen (Istio: Choose Kubernetes Context)', noContext: true } : { error: `cannot read the kubeconfig: ${kc.error}` };
  }
  const kctx = kc.ok ? kc.value.contexts.find((c) => c.name === name) : undefined;
  const defaultNamespace = kctx?.namespace ?? 'default';
  if (session) return { context: name, reader: session.reader, defaultNamespace, dispose: () => undefined };
  if (!kctx) return { error: `context "${name}" is not in the kubeconfig` };
  try {
    const files = kubeconfigPaths(ctx.config.kubeconfig, process.env, os.homedir(), process.platform === 'win32' ? ';' : ':');
    const reader = new KubeClusterReader(loadKubeConfig(files, name), ctx.log);
    return { context: name, reader, defaultNamespace, dispose: () => reader.dispose() };
  } catch (e) {
    return { error: `cannot use context ${name}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
