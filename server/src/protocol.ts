// The custom protocol between the extension (src/) and the language server (server/): the one place it is defined.
// Both sides import this file; esbuild bundles it into each.
import { RequestType } from 'vscode-languageserver-protocol';
import type { Range, ResourceRef } from './core/types';

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
