// Hover for Kubernetes and Istio YAML: the schema's description, type, allowed values, default, and a link to the
// Istio or Kubernetes reference page. Pure.
import { schemaAt, type SchemaStore } from '../schema';
import { DEFAULT_KUBERNETES_VERSION } from '../analysis/analyzer';
import { lookupRemovedApi, migrationTarget } from '../deprecation/apis';
import type { ParsedFile } from '../yaml/parse';
import { documentAt, nodeAt, type PathSeg } from './cursor';

export interface HoverInfo {
  markdown: string;
  start: number;
  end: number;
}

export function hover(parsed: ParsedFile, offset: number, store: SchemaStore): HoverInfo | undefined {
  const pd = documentAt(parsed, offset);
  if (!pd || offset < pd.start || offset > pd.end) return undefined;
  const at = nodeAt(pd, offset);
  const apiVersion = pd.resource?.apiVersion;
  const kind = pd.resource?.kind;
  if (!at || !apiVersion || !kind) return undefined;
  // A removed API version (the seed's extensions/v1beta1) has no schema of its own: describe it from its replacement,
  // which is what the migration quick fix moves it to, and say so.
  const removed = schemaAt(store, { apiVersion, kind }, []) ? undefined : lookupRemovedApi(apiVersion, kind);
  const target = removed ? migrationTarget(removed, DEFAULT_KUBERNETES_VERSION) : null;
  const gvk = target ? { apiVersion: target, kind } : { apiVersion, kind };
  const removedLine = target ? `\n\n_${apiVersion} was removed in Kubernetes ${removed!.removedIn}: described from ${target}._` : '';
  // A workspace or cluster CRD: say where the schema comes from instead of linking a reference page.
  const source = store.overlay?.sourceOf?.(apiVersion, kind);
  const link = source ? undefined : referenceUrl(gvk.apiVersion, kind);
  const linkLine = source ? `\n\nSchema: ${source}` : link ? `\n\n[${kind} reference](${link})` : '';
  const isRootId = at.path.length === 1 && (at.path[0] === 'kind' || at.path[0] === 'apiVersion');
  if (isRootId) {
    const root = schemaAt(store, gvk, []);
    if (!root) return undefined;
    return { markdown: `**${kind}** \`${apiVersion}\`\n\n${root.description ?? ''}${removedLine}${linkLine}`.trim(), start: at.start, end: at.end };
  }
  const info = schemaAt(store, gvk, at.path);
  if (!info) return undefined;
  const parent = schemaAt(store, gvk, at.path.slice(0, -1));
  const last = at.path[at.path.length - 1];
  const required = typeof last === 'string' && !!parent?.required.includes(last);
  const parts = [`**${formatPath(at.path)}**${info.type ? ` \`${info.type}${info.format ? `, ${info.format}` : ''}\`` : ''}${required ? ' (required)' : ''}`];
  if (info.description) parts.push(info.description);
  if (info.enum?.length) parts.push(`Allowed values: ${info.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (info.default !== undefined) parts.push(`Default: \`${JSON.stringify(info.default)}\``);
  return { markdown: parts.join('\n\n') + removedLine + linkLine, start: at.start, end: at.end };
}

export function formatPath(path: readonly PathSeg[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

const ISTIO_PAGES: Record<string, string> = {
  VirtualService: 'networking/virtual-service', DestinationRule: 'networking/destination-rule', Gateway: 'networking/gateway',
  ServiceEntry: 'networking/service-entry', Sidecar: 'networking/sidecar', EnvoyFilter: 'networking/envoy-filter',
  WorkloadEntry: 'networking/workload-entry', WorkloadGroup: 'networking/workload-group', ProxyConfig: 'networking/proxy-config',
  AuthorizationPolicy: 'security/authorization-policy', PeerAuthentication: 'security/peer_authentication',
  RequestAuthentication: 'security/request_authentication', Telemetry: 'telemetry', WasmPlugin: 'proxy_extensions/wasm-plugin',
};

/** The reference documentation page for a kind, when we know one. */
export function referenceUrl(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group.endsWith('.istio.io')) return ISTIO_PAGES[kind] ? `https://istio.io/latest/docs/reference/config/${ISTIO_PAGES[kind]}/` : undefined;
  if (group === 'gateway.networking.k8s.io') return `https://gateway-api.sigs.k8s.io/reference/spec/#${kind.toLowerCase()}`;
  if (group.endsWith('openshift.io')) return undefined;
  const groupShort = group === '' ? 'core' : group.replace(/\./g, '-');
  return `https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.35/#${kind.toLowerCase()}-${version}-${groupShort}`;
}
