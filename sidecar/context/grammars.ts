// Tree-sitter grammars, loaded lazily per language from grammars/ (copied there at build time by
// scripts/grammars.mjs and shipped in the .vsix). web-tree-sitter is loaded with require: its ESM
// build, once bundled, loses import.meta.url and cannot find its own wasm.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';

export type { Node as SyntaxNode, Tree } from 'web-tree-sitter';

interface Manifest {
  readonly [languageId: string]: { readonly wasm: string; readonly tags: string };
}

export interface Grammar {
  readonly languageId: string;
  readonly language: TreeSitter.Language;
  /** The tags query (definitions and references), compiled once. */
  readonly tags: TreeSitter.Query;
  /** A new parser for this language; the caller deletes it. */
  parser(): TreeSitter.Parser;
}

const require = createRequire(import.meta.url);
let runtime: Promise<typeof TreeSitter> | undefined;
const loaded = new Map<string, Promise<Grammar | undefined>>();

/** The grammars folder: next to the bundle (dist/../grammars) or the nearest one above this file. */
export function grammarsDir(): string {
  if (process.env.PYLOT_GRAMMARS_DIR) return process.env.PYLOT_GRAMMARS_DIR;
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = path.join(dir, 'grammars');
    if (existsSync(path.join(candidate, 'manifest.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("Pylot's tree-sitter grammars are missing (no grammars/manifest.json); rebuild or reinstall Pylot.");
    dir = parent;
  }
}

let manifest: Manifest | undefined;
function readManifest(): Manifest {
  manifest ??= JSON.parse(readFileSync(path.join(grammarsDir(), 'manifest.json'), 'utf8')) as Manifest;
  return manifest;
}

/** Languages with a grammar, by VS Code language id. */
export function supportedLanguages(): string[] {
  return Object.keys(readManifest());
}

/** The grammar for a VS Code language id, loaded on first use; undefined for languages without one. */
export function grammarFor(languageId: string): Promise<Grammar | undefined> {
  let grammar = loaded.get(languageId);
  if (!grammar) {
    grammar = load(languageId);
    loaded.set(languageId, grammar);
  }
  return grammar;
}

async function load(languageId: string): Promise<Grammar | undefined> {
  const entry = readManifest()[languageId];
  if (!entry) return undefined;
  const dir = grammarsDir();
  const ts = await treeSitter(dir);
  const language = await ts.Language.load(path.join(dir, entry.wasm));
  const tags = new ts.Query(language, readFileSync(path.join(dir, entry.tags), 'utf8'));
  return {
    languageId,
    language,
    tags,
    parser: () => {
      const parser = new ts.Parser();
      parser.setLanguage(language);
      return parser;
    },
  };
}

function treeSitter(dir: string): Promise<typeof TreeSitter> {
  runtime ??= (async () => {
    const ts = require('web-tree-sitter') as typeof TreeSitter;
    await ts.Parser.init({ locateFile: (file: string) => path.join(dir, file) });
    return ts;
  })();
  return runtime;
}
