// Which grammar a file gets, by extension: the VS Code language ids of grammars/manifest.json.
// Files with no grammar are still indexed, in line-based chunks.
import path from 'node:path';

const byExtension: Record<string, string> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
  '.py': 'python',
  '.pyi': 'python',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.hxx': 'cpp',
  '.cs': 'csharp',
  '.rb': 'ruby',
  '.php': 'php',
};

/** The language id of a file's grammar, or undefined when none ships. */
export function languageOf(filePath: string): string | undefined {
  return byExtension[path.extname(filePath).toLowerCase()];
}
