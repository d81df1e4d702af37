// Bundles the extension, the language server and the CLI (and later the webview) with source maps.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { buildSchemas } from './server/schemas/build-schemas.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  sourcesContent: false,
  minify: production,
  logLevel: 'info',
  define: { __IWB_VERSION__: JSON.stringify(pkg.version) },
  // yaml's ES module build (its "browser" entry, the same code): bundled from CommonJS, every use of an import goes
  // through a getter, and the language server calls isMap/isScalar/new Scalar... for every YAML node it reads.
  alias: { yaml: './node_modules/yaml/browser/index.js' },
};

const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // dist/server.js is a small loader that runs dist/server-main.js with a V8 code cache (server/src/boot/codeCache.ts).
  { ...common, entryPoints: { server: 'server/src/boot/server.ts', 'server-main': 'server/src/server.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'server/src/boot/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: { 'cli-main': 'server/src/cli.ts' }, outdir: 'dist' },
  { ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: { graph: 'media/graph/main.ts' }, outdir: 'dist' },
];

// TextMate grammars: YAML source in syntaxes/ -> JSON in dist/syntaxes/.
mkdirSync('dist/syntaxes', { recursive: true });
for (const f of readdirSync('syntaxes').filter((n) => n.endsWith('.tmLanguage.yaml'))) {
  const grammar = parseYaml(readFileSync(`syntaxes/${f}`, 'utf8'));
  writeFileSync(`dist/syntaxes/${f.replace(/\.yaml$/, '.json')}`, JSON.stringify(grammar));
}

// Schemas: upstream OpenAPI/CRDs in server/schemas/upstream -> compact per group/version files in dist/schemas/.
buildSchemas();

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
