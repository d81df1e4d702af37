// `istio-workbench inject`: istioctl kube-inject's flags over the pure injection core. No LSP here.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Result } from '../core/types';
import { bundledConfig, parseInjectorConfig, parseMeshConfig, parseValues, type InjectionConfig } from './config';
import { injectManifest } from './index';
import { applyIop, applySet } from './overrides';

export const INJECT_USAGE = `  inject -f FILE [options]             Inject the Istio sidecar like istioctl kube-inject ("-f -" reads stdin)
    -o, --output FILE                  Write the injected manifest here (default: stdout)
    --injectConfigFile FILE            Injector config (the istio-sidecar-injector ConfigMap or its data.config)
    --valuesFile FILE                  Injector values (the ConfigMap or its data.values)
    --meshConfigFile FILE              Mesh config (the istio ConfigMap or its data.mesh)
    --revision R                       Injector revision (istio.io/rev)
    --set PATH=VALUE                   IstioOperator-style override (values.*, meshConfig.*, components.cni.enabled)
    --iop FILE                         IstioOperator overlay file
    --env NAME=VALUE                   istiod feature flag (ENABLE_NATIVE_SIDECARS, PLATFORM, COMPLIANCE_POLICY, ...)
    --kubelet-version V                A node's kubelet version, for ENABLE_NATIVE_SIDECARS=auto (repeatable)`;

export interface InjectIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => string;
}

type Read = (file: string) => Result<string>;

const readFile: Read = (file) => {
  try {
    return { ok: true, value: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    return { ok: false, error: `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
};

interface Options {
  injectConfigFile?: string;
  valuesFile?: string;
  meshConfigFile?: string;
  revision?: string;
  set?: string[];
  iop?: string;
  env?: string[];
  'kubelet-version'?: string[];
}

/** Builds the injection configuration from the bundled defaults and the flags. */
export function configFromFlags(o: Options, read: Read = readFile): Result<InjectionConfig> {
  let cfg = bundledConfig();
  const load = <T>(file: string | undefined, parse: (t: string) => Result<T>, apply: (v: T) => void): string | null => {
    if (file === undefined) return null;
    const text = read(file);
    if (!text.ok) return text.error;
    const r = parse(text.value);
    if (!r.ok) return `${file}: ${r.error}`;
    apply(r.value);
    return null;
  };
  const err =
    load(o.injectConfigFile, parseInjectorConfig, (v) => { cfg = { ...cfg, injector: v }; }) ??
    load(o.valuesFile, parseValues, (v) => { cfg = { ...cfg, values: v }; }) ??
    load(o.meshConfigFile, parseMeshConfig, (v) => { cfg = { ...cfg, mesh: v }; });
  if (err) return { ok: false, error: err };
  if (o.iop !== undefined) {
    const text = read(o.iop);
    if (!text.ok) return text;
    const r = applyIop(cfg, text.value);
    if (!r.ok) return r;
    cfg = r.value;
  }
  for (const s of o.set ?? []) {
    const r = applySet(cfg, s);
    if (!r.ok) return r;
    cfg = r.value;
  }
  const env: Record<string, string> = {};
  for (const e of o.env ?? []) {
    const i = e.indexOf('=');
    if (i <= 0) return { ok: false, error: `--env needs NAME=VALUE, not "${e}"` };
    env[e.slice(0, i)] = e.slice(i + 1);
  }
  return { ok: true, value: { ...cfg, revision: o.revision ?? cfg.revision, env, kubeletVersions: o['kubelet-version'] ?? [] } };
}

/** Runs `inject`; returns the exit status (0 ok, 1 injection failed, 2 usage or input error). */
export function runInject(args: string[], io: InjectIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        filename: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        injectConfigFile: { type: 'string' },
        valuesFile: { type: 'string' },
        meshConfigFile: { type: 'string' },
        revision: { type: 'string' },
        set: { type: 'string', multiple: true },
        iop: { type: 'string' },
        env: { type: 'string', multiple: true },
        'kubelet-version': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr(`istio-workbench inject: ${e instanceof Error ? e.message : String(e)}\n\nUsage:\n${INJECT_USAGE}\n`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(`Usage:\n${INJECT_USAGE}\n`);
    return 0;
  }
  if (v.filename === undefined) {
    io.stderr(`istio-workbench inject: -f FILE is required\n\nUsage:\n${INJECT_USAGE}\n`);
    return 2;
  }
  const cfg = configFromFlags(v);
  if (!cfg.ok) {
    io.stderr(`istio-workbench inject: ${cfg.error}\n`);
    return 2;
  }
  let input: string;
  if (v.filename === '-') input = io.readStdin();
  else {
    const r = readFile(v.filename);
    if (!r.ok) {
      io.stderr(`istio-workbench inject: ${r.error}\n`);
      return 2;
    }
    input = r.value;
  }
  const result = injectManifest(input, cfg.value);
  for (const w of result.warnings) io.stderr(w.endsWith('\n') ? w : `${w}\n`);
  if (result.error !== undefined) {
    io.stderr(`Error: ${result.error}\n`);
    return 1;
  }
  if (v.output !== undefined) {
    try {
      fs.writeFileSync(v.output, result.output);
    } catch (e) {
      io.stderr(`istio-workbench inject: cannot write ${v.output}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  } else io.stdout(result.output);
  return 0;
}
