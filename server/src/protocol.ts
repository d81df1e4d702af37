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
