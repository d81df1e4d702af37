// Schema validation and queries over the compiled Kubernetes, Istio, Gateway API and OpenShift schemas. Pure.
export { SchemaStore, SchemaFile, defaultSchemaDir, type SchemaNode, type SchemaOverlay, type ValidationRule, type GroupVersionKind } from './store';
export { CustomSchemas, type CustomOrigin, type CustomUpdate } from './custom';
export { checkCrd, compileCrds, crdDocuments, crdOf, isCrdDocument, locate as locateInCrd, type CrdProblem, type DefinedKind } from './crd';
export { SchemaValidator, DOCUMENT_BUDGET, type SchemaIssue, type SchemaCode } from './validate';
export { schemaAt, knownKinds, type SchemaInfo, type PropertyInfo } from './query';
