// Every per-file analyzer, in the order they run. Add new analyzers here (one line each).
import type { FileAnalyzer } from './analyzer';
import { syntaxAnalyzer } from './syntax';
import { schemaAnalyzer } from './schema';
import { crdAnalyzer } from './crd';
import { deprecatedApiAnalyzer } from '../deprecation/analyzer';
import { annotationsAnalyzer, labelsAnalyzer } from '../annotations/analyzer';
import { podSpecAnalyzer } from '../workload/analyzer';
import { webhookValidationAnalyzer } from '../validation/analyzer';

export const FILE_ANALYZERS: readonly FileAnalyzer[] = [
  syntaxAnalyzer,
  schemaAnalyzer,
  crdAnalyzer,
  deprecatedApiAnalyzer,
  annotationsAnalyzer,
  labelsAnalyzer,
  podSpecAnalyzer,
  webhookValidationAnalyzer,
];
