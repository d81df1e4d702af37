// yaml.SyntaxAnalyzer: YAML syntax errors and warnings with the exact range the parser reports.
import type { Finding } from '../core/types';
import type { FileAnalyzer, FileContext } from './analyzer';

export const syntaxAnalyzer: FileAnalyzer = {
  name: 'yaml.SyntaxAnalyzer',
  enabled: (s) => s.yamlSyntax,
  analyze(ctx: FileContext): Finding[] {
    const { parsed } = ctx;
    return parsed.problems.map((p) => ({
      range: parsed.rangeOf(p.start, p.end),
      severity: p.severity,
      code: p.code,
      message: p.message,
      source: 'yaml',
      resource: p.docIndex >= 0 ? parsed.docs[p.docIndex]?.resource ?? null : null,
    }));
  },
};
