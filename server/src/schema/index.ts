// Schema validation and queries over the compiled Kubernetes, Istio, Gateway API and OpenShift schemas. Pure.
export { SchemaStore, SchemaFile, defaultSchemaDir, type SchemaNode, type ValidationRule, type GroupVersionKind } from './store';
export { SchemaValidator, DOCUMENT_BUDGET, type SchemaIssue, type SchemaCode } from './validate';
export { schemaAt, knownKinds, type SchemaInfo, type PropertyInfo } from './query';
