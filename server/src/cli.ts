// The second driver of the core: `istio-workbench analyze|inject` for CI pipelines. No LSP here.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { FILE_ANALYZERS, analyzeParsed } from './analysis/engine';
import { DEFAULT_KUBERNETES_VERSION, type AnalysisSettings } from './analysis/analyzer';
import { collectYamlFiles } from './analysis/files';
import { severityLevel, toAnalysisSettings } from './analysis/settings';
import { normalizeKubernetesVersion } from './deprecation/versions';
import { customSchemas } from './analysis/schema';
import { reaches } from './core/findings';
import { NEVER_CANCELLED, isSeverity, type Finding, type Severity } from './core/types';
import { VERSION } from './core/version';
import { INJECT_USAGE, runInject } from './inject/cli';
import { MESH_ANALYZER_NAMES, MESH_CLI_OPTIONS, MESH_USAGE, loadMeshCliSettings, runMeshCli } from './mesh/cli-options';
import { parseYaml, resourceLabel, type ParsedFile } from './yaml/parse';

export interface FileFinding extends Finding {
  file: string;
  /** Istio's friendly resource name, for mesh findings. */
  friendly?: string;
}

const USAGE = `Usage: istio-workbench <command> [options]

Commands:
  analyze [options] FILES_OR_DIRS...   Validate Kubernetes and Istio YAML ("-" reads stdin)
    --format json|text                 Output format (default: text)
    --failure-threshold Info|Warning|Error
                                       Exit 1 when a finding reaches this level (default: Error)
    --analyzers a.B,c.D                Run only these analyzers (${FILE_ANALYZERS.map((a) => a.name).join(', ')} and the mesh analyzers)
    --crds FILE_OR_DIR                 Validate custom resources against these CustomResourceDefinitions too (repeatable;
                                       they win over bundled schemas of the same group/version/kind)
    --disable NAME_OR_CODE[,...]       Switch checks off by analyzer name or finding code (repeatable), as the
                                       istioWorkbench.analysis.disabled setting does
    --severity CODE=LEVEL              A finding code's severity: Error, Warning, Info or Ignore (repeatable), as
                                       istioWorkbench.analysis.severityOverrides does
    --kubernetes-version 1.N           The cluster version the deprecated-API check compares against (default: ${DEFAULT_KUBERNETES_VERSION})
${MESH_USAGE}

${INJECT_USAGE}

Options:
  -h, --help      Show this help
  -v, --version   Print the version

Exit status: 0 no finding reached the threshold, 1 one did, 2 usage or input error.
inject: 0 injected, 1 injection failed, 2 usage or input error.`;

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => string;
}

class UsageError extends Error {}

export function runCli(argv: string[], io: CliIO): number {
  try {
    return dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`istio-workbench: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

function dispatch(argv: string[], io: CliIO): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout)(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command === 'analyze') return analyze(rest, io);
  if (command === 'inject') return runInject(rest, io);
  throw new UsageError(`unknown command "${command}"`);
}

function analyze(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'text' },
      'failure-threshold': { type: 'string', default: 'Error' },
      analyzers: { type: 'string' },
      crds: { type: 'string', multiple: true },
      disable: { type: 'string', multiple: true },
      severity: { type: 'string', multiple: true },
      'kubernetes-version': { type: 'string' },
      ...MESH_CLI_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const format = values.format;
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text, not "${format}"`);
  const threshold = values['failure-threshold'];
  if (!isSeverity(threshold)) throw new UsageError(`--failure-threshold must be Info, Warning or Error, not "${threshold}"`);
  let only: Set<string> | undefined;
  if (values.analyzers !== undefined) {
    only = new Set(values.analyzers.split(',').map((s) => s.trim()).filter(Boolean));
    const known = new Set([...FILE_ANALYZERS.map((a) => a.name), ...MESH_ANALYZER_NAMES]);
    const unknown = [...only].filter((n) => !known.has(n));
    if (unknown.length) throw new UsageError(`unknown analyzer(s): ${unknown.join(', ')}`);
  }
  if (positionals.length === 0) throw new UsageError('analyze needs at least one file or directory');
  const settings = analysisSettings(values);
  const mesh = loadMeshCliSettings(values);
  if (!mesh.ok) throw new UsageError(mesh.error);

  if (values.crds?.length) {
    const loaded = loadCrds(values.crds, io);
    if (loaded !== 0) return loaded;
  }

  const fileInputs = positionals.filter((p) => p !== '-');
  const files = collectYamlFiles(fileInputs);
  if (!files.ok) {
    io.stderr(`istio-workbench: ${files.error}\n`);
    return 2;
  }
  const sources: { file: string; read: () => string }[] = [];
  if (positionals.includes('-')) sources.push({ file: '<stdin>', read: io.readStdin });
  for (const f of files.value) sources.push({ file: f, read: () => fs.readFileSync(f, 'utf8') });

  const findings: FileFinding[] = [];
  const parsedFiles: { file: string; parsed: ParsedFile }[] = [];
  for (const { file, read } of sources) {
    let text: string;
    try {
      text = read();
    } catch (e) {
      io.stderr(`istio-workbench: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const parsed = parseYaml(text);
    parsedFiles.push({ file, parsed });
    const result = analyzeParsed(file, parsed, NEVER_CANCELLED, { only, settings }) ?? [];
    for (const f of result) findings.push({ file, ...f });
  }
  const meshResult = runMeshCli(parsedFiles, mesh.value, only, settings);
  for (const e of meshResult.errors) io.stderr(`istio-workbench: internal error in ${e}\n`);
  findings.push(...meshResult.findings);
  findings.sort((a, b) => (a.file === b.file ? a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character : 0));

  if (format === 'json') io.stdout(`${JSON.stringify(findings.map(toJson), null, 2)}\n`);
  else io.stdout(formatText(findings, sources.length));
  return findings.some((f) => reaches(f, threshold as Severity)) ? 1 : 0;
}

/** The editor's analysis settings from the CLI's flags (same conversion, same defaults); bad values are usage errors. */
function analysisSettings(values: { disable?: string[]; severity?: string[]; 'kubernetes-version'?: string }): AnalysisSettings {
  const disabled = (values.disable ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean);
  const severityOverrides: Record<string, string> = {};
  for (const s of values.severity ?? []) {
    const m = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(s);
    if (!m || !severityLevel(m[2])) throw new UsageError(`--severity must be CODE=Error|Warning|Info|Ignore, not "${s}"`);
    severityOverrides[m[1]] = m[2];
  }
  const version = values['kubernetes-version'];
  if (version !== undefined && !normalizeKubernetesVersion(version)) throw new UsageError(`--kubernetes-version must look like 1.N, not "${version}"`);
  return toAnalysisSettings({ kubernetesVersion: version, analysis: { disabled, severityOverrides } });
}

/** Registers the CustomResourceDefinitions of `inputs` (files or directories) as schemas; 2 when one cannot be read. */
function loadCrds(inputs: readonly string[], io: CliIO): number {
  const files = collectYamlFiles(inputs);
  if (!files.ok) {
    io.stderr(`istio-workbench: --crds: ${files.error}\n`);
    return 2;
  }
  for (const file of files.value) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      io.stderr(`istio-workbench: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const crds = parseYaml(text).docs
      .filter((d) => d.resource?.kind === 'CustomResourceDefinition' && !d.doc.errors.length)
      .map((d) => d.doc.toJS({ maxAliasCount: 100 }) as unknown);
    if (!crds.length) continue;
    const r = customSchemas.set(file, 'workspace', file, crds);
    for (const k of r.skipped) io.stderr(`istio-workbench: ${file}: CRD ${k.crd} not used: ${k.reason}\n`);
  }
  return 0;
}

function toJson(f: FileFinding) {
  return { file: f.file, range: f.range, severity: f.severity, code: f.code, message: f.message, source: f.source, resource: f.resource && f.friendly ? { ...f.resource, friendly: f.friendly } : f.resource };
}

function formatText(findings: FileFinding[], fileCount: number): string {
  const lines = findings.map((f) => {
    const where = `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    const res = f.resource ? ` (${resourceLabel(f.resource)})` : '';
    return `${where}: ${f.severity} ${f.code}: ${f.message}${res}`;
  });
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  lines.push(`${count('Error')} error(s), ${count('Warning')} warning(s), ${count('Info')} info in ${fileCount} file(s)`);
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const code = runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: () => fs.readFileSync(0, 'utf8'),
  });
  process.exitCode = code;
}
