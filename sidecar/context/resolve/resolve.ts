// Where an import's definitions live: the files a binding's module resolves to, per language.
import type { ImportBinding } from '../outline/outline';
import type { FsCache } from './fsCache';
import { resolveJavaScript } from './javascript';
import { resolveGo, resolveJava, resolveRelative, resolveRust } from './others';
import { resolvePython } from './python';

export function resolveImport(fs: FsCache, languageId: string, fromFile: string, binding: ImportBinding): string[] {
  switch (languageId) {
    case 'typescript':
    case 'typescriptreact':
    case 'javascript':
    case 'javascriptreact':
      return resolveJavaScript(fs, fromFile, binding.module);
    case 'python':
      return resolvePython(fs, fromFile, binding.module);
    case 'go':
      return resolveGo(fs, fromFile, binding.module);
    case 'rust':
      return resolveRust(fs, fromFile, binding.module);
    case 'java':
      return resolveJava(fs, fromFile, binding);
    default:
      return resolveRelative(fs, fromFile, binding.module);
  }
}

/** The VS Code language id a file's extension implies, for files read from disk. */
export function languageOfFile(file: string): string | undefined {
  const extension = /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase();
  switch (extension) {
    case 'ts': case 'mts': case 'cts': return 'typescript';
    case 'tsx': return 'typescriptreact';
    case 'js': case 'mjs': case 'cjs': return 'javascript';
    case 'jsx': return 'javascriptreact';
    case 'py': case 'pyi': return 'python';
    case 'go': return 'go';
    case 'rs': return 'rust';
    case 'java': return 'java';
    case 'c': case 'h': return 'c';
    case 'cc': case 'cpp': case 'cxx': case 'hpp': case 'hh': case 'hxx': return 'cpp';
    case 'cs': return 'csharp';
    case 'rb': return 'ruby';
    case 'php': return 'php';
    default: return undefined;
  }
}
