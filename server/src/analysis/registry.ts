// Every per-file analyzer, in the order they run. Add new analyzers here (one line each).
import type { FileAnalyzer } from './analyzer';
import { syntaxAnalyzer } from './syntax';

export const FILE_ANALYZERS: readonly FileAnalyzer[] = [
  syntaxAnalyzer,
];
