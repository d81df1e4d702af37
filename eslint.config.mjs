// Lint config: typescript-eslint's recommended rules plus a boundary rule: pure cores never import vscode or LSP packages.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LSP_AND_VSCODE = ['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'media/**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // Pure cores: importable from plain Node, the CLI and tests.
    files: ['server/src/core/**', 'server/src/schema/**', 'server/src/yaml/**', 'server/src/analysis/**', 'server/src/cli.ts', 'src/cluster/**', 'server/src/deprecation/**', 'server/src/annotations/**', 'server/src/inject/**', 'server/src/mesh/**', 'server/src/workload/**', 'server/src/validation/**'],
    rules: { 'no-restricted-imports': ['error', { paths: LSP_AND_VSCODE.filter((p) => !p.includes('*')), patterns: LSP_AND_VSCODE.filter((p) => p.includes('*')) }] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly', URL: 'readonly', Buffer: 'readonly', window: 'readonly', document: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
