// The cluster's injection ConfigMaps as the extension sends them to the language server (names and payload). Pure,
// and free of imports so the extension can use it without bundling the injection engine.

/** What the extension read from the cluster (sent to the server with ClusterInjectionConfigNotification). */
export interface ClusterInjectionData {
  /** Kubernetes context the ConfigMaps came from. */
  context: string;
  /** Namespace of the ConfigMaps (the Istio namespace). */
  namespace: string;
  revision: string;
  /** data.config, data.values of `istio-sidecar-injector[-<rev>]` and data.mesh of `istio[-<rev>]`; absent when missing. */
  config?: string;
  values?: string;
  mesh?: string;
  /** Why the ConfigMaps could not be read (no context, unreachable, 403, not found). */
  error?: string;
}

/** The injector ConfigMap of a revision ('' or "default": the default revision). */
export function injectorConfigMapName(revision: string): string {
  return revision && revision !== 'default' ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector';
}

/** The mesh ConfigMap of a revision. */
export function meshConfigMapName(revision: string): string {
  return revision && revision !== 'default' ? `istio-${revision}` : 'istio';
}
