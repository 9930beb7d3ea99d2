// The architecture's rules, checked: `vscode` only under extension/, a contract that imports
// neither `vscode` nor Node, a webview with no Node, and no model code in the extension host.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '../../..');

function sources(dir: string): Array<{ file: string; imports: string[] }> {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name))
    .map((entry) => {
      const file = path.relative(root, path.join(entry.parentPath, entry.name));
      const text = readFileSync(path.join(root, file), 'utf8');
      const imports = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
        (m) => m[1] ?? m[2]!,
      );
      return { file, imports };
    });
}

const offenders = (dir: string, banned: (specifier: string) => boolean) =>
  sources(dir).flatMap(({ file, imports }) => imports.filter(banned).map((specifier) => `${file} imports ${specifier}`));

const isNode = (s: string) => s.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'crypto', 'vscode-jsonrpc/node'].includes(s);

describe('layering', () => {
  it('keeps every source file small and saying what it owns: under 400 lines, opening with a comment', () => {
    const files = ['extension', 'sidecar', 'protocol', 'webview-ui', 'node'].flatMap((dir) => sources(dir).map(({ file }) => file));
    assert.ok(files.length > 100, `found only ${files.length} source files`);
    const long = files.filter((file) => readFileSync(path.join(root, file), 'utf8').split('\n').length > 400);
    const silent = files.filter((file) => !/^\s*(\/\/|\/\*)/.test(readFileSync(path.join(root, file), 'utf8')));
    assert.deepEqual({ long, silent }, { long: [], silent: [] });
  });

  it('imports vscode only under extension/', () => {
    for (const dir of ['protocol', 'sidecar', 'webview-ui'])
      assert.deepEqual(
        offenders(dir, (s) => s === 'vscode'),
        [],
      );
  });

  it('keeps the contract pure: no vscode, no Node', () => {
    assert.deepEqual(
      offenders('protocol', (s) => s === 'vscode' || isNode(s)),
      [],
    );
  });

  it('keeps Node out of the webview', () => {
    assert.deepEqual(offenders('webview-ui', isNode), []);
  });

  it('never loads model code in the extension host', () => {
    const sidecarDir = path.join(root, 'sidecar') + path.sep;
    const reachesSidecar = ({ file, imports }: { file: string; imports: string[] }) =>
      imports.filter((s) => s.startsWith('node-llama-cpp') || (s.startsWith('.') && path.resolve(root, path.dirname(file), s).startsWith(sidecarDir)));
    assert.deepEqual(sources('extension').flatMap(reachesSidecar), []);
  });

  it("lets node-llama-cpp read a model file only where Pylot's GGUF gate ran first", () => {
    // Its header reader trusts the counts a header states; sidecar/models/gguf/ checks them.
    const unguarded = sources('sidecar').flatMap(({ file }) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      const reads = /\.readGgufFileInfo\(|\.loadModel\(/.test(text);
      return reads && !/\b(checkModelFile|inspectModel)\(/.test(text) ? [file] : [];
    });
    assert.deepEqual(unguarded, []);
  });

  it('registers one content provider per document scheme, in the file that owns the scheme', () => {
    // Two providers for one scheme answer each other's URIs: a diff once showed an empty file.
    const registrations = sources('extension').flatMap(({ file }) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      return [...text.matchAll(/registerTextDocumentContentProvider\(/g)].map(() => file);
    });
    assert.deepEqual(registrations, ['extension/proposedDocuments.ts']);
  });
});
