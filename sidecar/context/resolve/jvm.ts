// Java and Kotlin: a package is a folder under a source root, as javac and kotlinc lay them out.
// The source root of a file is its folder minus its `package` path; the other roots of the build
// (src/main/java beside src/test/java, src/*/kotlin, the modules of a multi-module project) are
// searched too. `import a.b.C` is a/b/C.java — or, in Kotlin, whichever file of a/b declares C (a
// Kotlin file may hold many declarations and need not match its folder); `import a.b.*` is the
// folder; classes of the file's own package need no import at all.
import path from 'node:path';
import type { ImportBinding } from '../outline/outline';
import type { FsCache } from './fsCache';
import type { ResolveScope } from './scope';

export interface JvmContext {
  readonly fs: FsCache;
  readonly scope: ResolveScope;
}

const sourceExtensions = ['.java', '.kt', '.kts'];
const sourceSets = ['main', 'test', 'testFixtures', 'commonMain', 'jvmMain'];
/** Kotlin files of one package read to find which declares a name. */
const maxKotlinFiles = 64;

export function resolveJvm(context: JvmContext, fromFile: string, binding: ImportBinding): string[] {
  const parts = binding.module.split('.').filter(Boolean);
  for (const root of sourceRoots(context, fromFile)) {
    if (binding.kind === 'wildcard') {
      const files = sourcesIn(context.fs, path.join(root, ...parts));
      if (files.length) return files;
      continue;
    }
    // `import a.b.C` (module a.b, name C), `import static a.b.C.m` (module a.b.C), `import a.b.C.Inner`.
    const names = [...parts, binding.imported];
    for (let length = names.length; length >= 2; length--) {
      const dir = path.join(root, ...names.slice(0, length - 1));
      const found = declaringFile(context.fs, dir, names[length - 1]!);
      if (found) return [found];
    }
  }
  return [];
}

/** The other files of the file's package: their classes are in scope without an import. */
export function jvmSamePackage(context: JvmContext, fromFile: string): string[] {
  return sourcesIn(context.fs, path.dirname(fromFile)).filter((file) => file !== fromFile);
}

function sourcesIn(fs: FsCache, dir: string): string[] {
  return fs
    .list(dir)
    .filter((name) => sourceExtensions.some((e) => name.endsWith(e)))
    .sort()
    .map((name) => path.join(dir, name));
}

/** C.java or C.kt in the folder, else a Kotlin file there that declares C. */
function declaringFile(fs: FsCache, dir: string, name: string): string | undefined {
  for (const extension of ['.java', '.kt']) if (fs.isFile(path.join(dir, name + extension))) return path.join(dir, name + extension);
  const declaration = new RegExp(
    `^\\s*(?:(?:public|internal|private|sealed|data|enum|abstract|open|inline|value|annotation|fun)\\s+)*(?:class|interface|object|typealias|fun)\\s+(?:<[^>]*>\\s*)?(?:\\w+\\.)?${name}\\b`,
    'm',
  );
  // Bounded: resolution runs on the keystroke path (a package of more files is rare; they are cached after).
  for (const file of fs
    .list(dir)
    .filter((f) => f.endsWith('.kt'))
    .slice(0, maxKotlinFiles)) {
    const text = fs.readText(path.join(dir, file), 256_000);
    if (text !== undefined && declaration.test(text)) return path.join(dir, file);
  }
  return undefined;
}

/** The file's own source root first, then the build's other roots. */
export function sourceRoots(context: JvmContext, fromFile: string): string[] {
  const { fs, scope } = context;
  const roots: string[] = [];
  const add = (dir: string) => {
    if (!roots.includes(dir) && fs.isDirectory(dir) && scope.reaches(fromFile, dir)) roots.push(dir);
  };
  const own = ownRoot(fs, fromFile);
  add(own);
  // src/<set>/<language>: the sibling sets (main for test code) and languages of this module.
  const layout = /^(.*)[\\/]src[\\/][^\\/]+[\\/](java|kotlin)$/.exec(own);
  const moduleDir = layout?.[1];
  if (moduleDir) {
    for (const set of sourceSets) for (const language of ['java', 'kotlin']) add(path.join(moduleDir, 'src', set, language));
    // Sibling modules of a multi-module build: <parent>/<module>/src/main/<language>.
    const parent = path.dirname(moduleDir);
    if (scope.reaches(fromFile, parent)) {
      for (const name of fs.list(parent).slice(0, 200)) for (const language of ['java', 'kotlin']) add(path.join(parent, name, 'src', 'main', language));
    }
    for (const language of ['java', 'kotlin']) add(path.join(moduleDir, 'src', 'main', language));
  }
  return roots;
}

/** The folder the file's `package` path starts from; its own folder when the two do not match. */
function ownRoot(fs: FsCache, file: string): string {
  const dir = path.dirname(file);
  const head = fs.readText(file, 2_000_000)?.slice(0, 4_000) ?? '';
  const declared = /^\s*package\s+([\w.]+)\s*;?/m.exec(head)?.[1];
  if (!declared) return dir;
  const parts = declared.split('.');
  const dirParts = dir.split(path.sep);
  const matches = parts.every((part, i) => dirParts[dirParts.length - parts.length + i] === part);
  return matches ? dirParts.slice(0, dirParts.length - parts.length).join(path.sep) || path.sep : dir;
}
