// Copies the tree-sitter grammars (.wasm and tags.scm) from the per-language npm packages into
// grammars/, where the sidecar loads them and the .vsix ships them, and writes grammars/manifest.json.
// TypeScript's tags query only covers what it adds to JavaScript, so JavaScript's is prepended.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const modules = path.join(root, 'node_modules');
const out = path.join(root, 'grammars');

/** VS Code language id → grammar package, wasm file inside it, tags queries to concatenate. */
export const grammars = {
  typescript: {
    wasm: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
    tags: ['tree-sitter-javascript/queries/tags.scm', 'tree-sitter-typescript/queries/tags.scm'],
  },
  typescriptreact: {
    wasm: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
    tags: ['tree-sitter-javascript/queries/tags.scm', 'tree-sitter-typescript/queries/tags.scm'],
  },
  javascript: { wasm: 'tree-sitter-javascript/tree-sitter-javascript.wasm', tags: ['tree-sitter-javascript/queries/tags.scm'] },
  javascriptreact: { wasm: 'tree-sitter-javascript/tree-sitter-javascript.wasm', tags: ['tree-sitter-javascript/queries/tags.scm'] },
  python: { wasm: 'tree-sitter-python/tree-sitter-python.wasm', tags: ['tree-sitter-python/queries/tags.scm'] },
  go: { wasm: 'tree-sitter-go/tree-sitter-go.wasm', tags: ['tree-sitter-go/queries/tags.scm'] },
  rust: { wasm: 'tree-sitter-rust/tree-sitter-rust.wasm', tags: ['tree-sitter-rust/queries/tags.scm'] },
  java: { wasm: 'tree-sitter-java/tree-sitter-java.wasm', tags: ['tree-sitter-java/queries/tags.scm'] },
  c: { wasm: 'tree-sitter-c/tree-sitter-c.wasm', tags: ['tree-sitter-c/queries/tags.scm'] },
  cpp: { wasm: 'tree-sitter-cpp/tree-sitter-cpp.wasm', tags: ['tree-sitter-cpp/queries/tags.scm'] },
  csharp: { wasm: 'tree-sitter-c-sharp/tree-sitter-c_sharp.wasm', tags: ['tree-sitter-c-sharp/queries/tags.scm'] },
  ruby: { wasm: 'tree-sitter-ruby/tree-sitter-ruby.wasm', tags: ['tree-sitter-ruby/queries/tags.scm'] },
  php: { wasm: 'tree-sitter-php/tree-sitter-php.wasm', tags: ['tree-sitter-php/queries/tags.scm'] },
};

export function copyGrammars() {
  mkdirSync(out, { recursive: true });
  const manifest = {};
  for (const [languageId, { wasm, tags }] of Object.entries(grammars)) {
    const wasmFile = path.basename(wasm);
    if (!existsSync(path.join(out, wasmFile))) copyFileSync(path.join(modules, wasm), path.join(out, wasmFile));
    const tagsFile = `${languageId}.tags.scm`;
    writeFileSync(path.join(out, tagsFile), tags.map((file) => readFileSync(path.join(modules, file), 'utf8')).join('\n'));
    manifest[languageId] = { wasm: wasmFile, tags: tagsFile };
  }
  // web-tree-sitter's own runtime wasm, next to the grammars.
  copyFileSync(path.join(modules, 'web-tree-sitter/web-tree-sitter.wasm'), path.join(out, 'web-tree-sitter.wasm'));
  writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) copyGrammars();
