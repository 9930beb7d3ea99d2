// `npm run lint`, part of `npm test`: typescript-eslint's recommended rules, formatting left to
// Prettier, and the layers the architecture depends on (DESIGN.md §1): `vscode` only in the
// extension, a contract and a webview free of Node, no model code in the extension host, no
// extension code in the sidecar, and the extension's platform-free folders free of `vscode`.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const node = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'url', 'util', 'worker_threads', 'vscode-jsonrpc/node'];
const layer = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', 'grammars/', '.pylot-dev/', 'test/fixtures/gguf/data/', 'media/demo.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // The loggers are tags: log.warn`failed on ${code(text)}` (protocol/logLine.ts).
      '@typescript-eslint/no-unused-expressions': ['error', { allowTaggedTemplates: true }],
    },
  },
  // One logger per process, so one rule decides what a log may hold (no user code unless pylot.trace).
  {
    files: ['extension/**/*.ts', 'sidecar/**/*.ts'],
    ignores: ['extension/log.ts', 'sidecar/log.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='console']", message: 'Log through extension/log.ts or sidecar/log.ts.' },
        { selector: "MemberExpression[property.name='createOutputChannel']", message: 'Log through extension/log.ts (the one Pylot output channel).' },
        { selector: "MemberExpression[object.name='process'][property.name=/^(stderr|stdout)$/]", message: 'Log through sidecar/log.ts.' },
      ],
    },
  },
  { files: ['protocol/**/*.ts'], rules: layer(['vscode', ...node], 'protocol/ is the platform-free contract: no vscode, no Node.') },
  { files: ['webview-ui/**/*.ts'], rules: layer(['vscode', ...node], 'The webview runs in a browser: no vscode, no Node.') },
  { files: ['sidecar/**/*.ts'], rules: layer(['vscode', '**/extension/**'], 'The sidecar talks to the extension through protocol/ only.') },
  {
    files: ['node/**/*.ts'],
    rules: layer(
      ['vscode', 'node-llama-cpp', '**/extension/**', '**/sidecar/**'],
      'node/ is what both Node processes import: no vscode, no model code, neither side.',
    ),
  },
  // Imports of the sidecar's folder are caught by test/unit/layering.test.ts, which resolves paths
  // (extension/sidecar/ is the extension's own supervisor).
  {
    files: ['extension/**/*.ts'],
    rules: layer(['node-llama-cpp', 'node-llama-cpp/*'], 'The extension host never loads model code; it talks to the sidecar through protocol/.'),
  },
  {
    files: ['extension/agent/policy/**/*.ts', 'extension/agent/tools/**/*.ts', 'extension/chat/placeCode.ts', 'extension/models/modelManager.ts'],
    rules: layer(['vscode', 'node-llama-cpp'], 'Platform-free: tested with node --test, so no vscode.'),
  },
);
