// Builds Pylot's three bundles — the extension (CommonJS, `vscode` external), the sidecar (ESM,
// node-llama-cpp external: it is ESM-only and loads native binaries by path) and the webview app
// and chat panel apps (browser), and copies the tree-sitter grammars into grammars/ and VS Code's codicon font into dist/
// (the webviews' icons) — plus, with --tests, the test files.
// Type-checking is `npm run typecheck`.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { copyGrammars } from './scripts/grammars.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  define: { PYLOT_VERSION: JSON.stringify(version) },
};
const node = { ...common, platform: 'node', target: 'node20' };
// CommonJS dependencies bundled into an ES module still call require().
const esmRequire = { js: "import { createRequire as __pylotRequire } from 'node:module'; const require = __pylotRequire(import.meta.url);" };

const builds = [
  // The banner times the bundle's own evaluation (reported as part of activation).
  {
    ...node,
    entryPoints: ['extension/main.ts'],
    outfile: 'dist/extension.js',
    format: 'cjs',
    // dist/mcp.js: the MCP SDK (150–400 ms to load here) is required only once an MCP server is configured.
    external: ['vscode', './mcp.js'],
    banner: { js: 'const __pylotLoadStart = performance.now();' },
  },
  { ...node, entryPoints: ['extension/mcp/mcpHub.ts'], outfile: 'dist/mcp.js', format: 'cjs' },
  {
    ...node,
    entryPoints: ['sidecar/main.ts'],
    outfile: 'dist/sidecar.mjs',
    format: 'esm',
    external: ['node-llama-cpp', 'web-tree-sitter', 'usearch'],
    banner: esmRequire,
  },
  { ...common, entryPoints: ['webview-ui/main.ts'], outfile: 'dist/webview.js', format: 'iife', platform: 'browser', target: 'es2022' },
  { ...common, entryPoints: ['webview-ui/chat/main.ts'], outfile: 'dist/chat.js', format: 'iife', platform: 'browser', target: 'es2022' },
];

if (withTests) {
  const suite = 'test/integration/suite';
  const tests = filesUnder('test').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  builds.push(
    // Runs inside the VS Code extension host, which loads CommonJS.
    {
      ...node,
      entryPoints: tests.filter((f) => f.startsWith(suite)),
      outdir: 'out/test/integration/suite',
      outbase: suite,
      format: 'cjs',
      external: ['vscode', 'mocha'],
    },
    {
      ...node,
      entryPoints: tests.filter((f) => !f.startsWith(suite)),
      outdir: 'out/test',
      outbase: 'test',
      format: 'esm',
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      banner: esmRequire,
    },
  );
}

if (!watch) rmSync('dist', { recursive: true, force: true });
copyGrammars();
mkdirSync('dist', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/${file}`);
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name).split(path.sep).join('/'));
}
