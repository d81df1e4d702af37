// The custom protocol between the extension (src/) and the language server (server/): the one place it is defined.
// Both sides import this file; esbuild bundles it into each.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Range, ResourceRef } from './core/types';
import type { ClusterInjectionData } from './inject/clusterData';
import type { InjectionSourceKind } from './inject/sources';

export interface DocumentResource extends ResourceRef {
  /** Range of the whole YAML document that defines the resource. */
  range: Range;
}

export interface DocumentResourcesParams {
  uri: string;
}

export interface DocumentResourcesResult {
  /** Number of YAML documents in the file, resources or not. */
  documents: number;
  resources: DocumentResource[];
  errors: number;
  warnings: number;
}

/** The Kubernetes/Istio resources the server sees in an open document (language status item, later the graph overlay). */
export const DocumentResourcesRequest = new RequestType<DocumentResourcesParams, DocumentResourcesResult | null, void>(
  'istioWorkbench/documentResources',
);

/** Name of the settings section the server reads per resource with workspace/configuration. */
export const SETTINGS_SECTION = 'istioWorkbench';

export interface InjectionPreviewParams {
  uri: string;
  /** Index of the YAML document (workload) in the file. */
  documentIndex: number;
}

export interface InjectionPreviewResult {
  /** The whole file with that document replaced by its injected form (or a comment saying why it cannot be). */
  text: string;
  /** Set when the document cannot be injected (invalid annotations, YAML errors, not a workload). */
  error?: string;
}

/** Sidecar injection preview of one document, computed from the server's live copy of the file. */
export const InjectionPreviewRequest = new RequestType<InjectionPreviewParams, InjectionPreviewResult | null, void>(
  'istioWorkbench/injectionPreview',
);

/** Client command the injection CodeLens runs: (uri: string, documentIndex: number) opens the diff editor. */
export const PREVIEW_INJECTION_COMMAND = 'istioWorkbench.previewInjection';

export type { ClusterInjectionData, InjectionSourceKind };

/** Client -> server: the connected cluster's injector and mesh ConfigMaps (source "cluster"); null forgets them. */
export const ClusterInjectionConfigNotification = new NotificationType<ClusterInjectionData | null>('istioWorkbench/clusterInjectionConfig');

export interface InjectionConfigChangedParams {
  /** The source in effect (bundled after a fallback). */
  kind: InjectionSourceKind;
  /** The setting asked for this source. */
  requested: InjectionSourceKind;
  description: string;
  /** Why the requested source is not used. */
  error?: string;
  /** Source "cluster": the revision whose ConfigMaps the server wants. */
  revision: string;
  /** Source "cluster": the server has no ConfigMaps for that revision yet (the client should send them). */
  pending?: boolean;
}

/** Server -> client: the injection configuration changed (settings, a watched file, the cluster's ConfigMaps). */
export const InjectionConfigChangedNotification = new NotificationType<InjectionConfigChangedParams>('istioWorkbench/injectionConfigChanged');

export interface WorkloadPodParams {
  uri: string;
  documentIndex: number;
}

export type WorkloadPodResult =
  | { pod: Record<string, unknown>; namespace: string | null; kind: string; name: string }
  | { error: string };

/** The Pod a workload document's controller would create (for the webhook dry run), from the server's live copy. */
export const WorkloadPodRequest = new RequestType<WorkloadPodParams, WorkloadPodResult | null, void>('istioWorkbench/workloadPod');

export interface ClusterCrdsParams {
  /** The context the CRDs were listed from. */
  context: string;
  /** CustomResourceDefinition objects (apiextensions.k8s.io/v1) as the API server returns them. */
  crds: unknown[];
}

/** Client -> server: the connected cluster's CRDs as schemas (`istioWorkbench.schemas.fromCluster`); null forgets them. */
export const ClusterCrdsNotification = new NotificationType<ClusterCrdsParams | null>('istioWorkbench/clusterCrds');
