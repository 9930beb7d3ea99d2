// Best-effort resolution beyond TS/JS and Python: Go packages through go.mod, Rust `crate::`/
// `super::`/`self::` paths to module files, Java imports to class files under the source root, and
// includes/requires relative to the file for everything else.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ImportBinding } from '../outline/outline';
import type { FsCache } from './fsCache';

const maxAncestors = 10;

export function resolveGo(fs: FsCache, fromFile: string, importPath: string): string[] {
  for (let dir = path.dirname(fromFile), i = 0; i < maxAncestors; i++, dir = path.dirname(dir)) {
    const goMod = path.join(dir, 'go.mod');
    if (fs.isFile(goMod)) {
      const module = goModule(goMod);
      let packageDir: string | undefined;
      if (module && (importPath === module || importPath.startsWith(`${module}/`))) packageDir = path.join(dir, importPath.slice(module.length));
      else if (fs.isDirectory(path.join(dir, 'vendor', importPath))) packageDir = path.join(dir, 'vendor', importPath);
      if (!packageDir) return [];
      return fs.list(packageDir).filter((name) => name.endsWith('.go') && !name.endsWith('_test.go')).map((name) => path.join(packageDir, name));
    }
    if (path.dirname(dir) === dir) break;
  }
  return [];
}

const goModules = new Map<string, string | undefined>();
function goModule(goMod: string): string | undefined {
  if (!goModules.has(goMod)) {
    try {
      goModules.set(goMod, /^module\s+(\S+)/m.exec(readFileSync(goMod, 'utf8'))?.[1]);
    } catch {
      goModules.set(goMod, undefined);
    }
  }
  return goModules.get(goMod);
}

export function resolveRust(fs: FsCache, fromFile: string, module: string): string[] {
  const segments = module.split('::').filter(Boolean);
  let base: string | undefined;
  if (segments[0] === 'crate') {
    for (let dir = path.dirname(fromFile), i = 0; i < maxAncestors && !base; i++, dir = path.dirname(dir)) {
      if (fs.isFile(path.join(dir, 'Cargo.toml'))) base = path.join(dir, 'src');
      if (path.dirname(dir) === dir) break;
    }
    segments.shift();
  } else {
    const dir = path.dirname(fromFile);
    const stem = path.basename(fromFile, '.rs');
    const ownDir = ['mod', 'lib', 'main'].includes(stem) ? dir : path.join(dir, stem);
    base = ownDir;
    while (segments[0] === 'self' || segments[0] === 'super') {
      if (segments.shift() === 'super') base = path.dirname(base);
    }
  }
  if (!base) return [];
  // The last segments may name items inside a module file rather than files: try shorter paths.
  for (let length = segments.length; length >= 1; length--) {
    const stem = path.join(base, ...segments.slice(0, length));
    for (const candidate of [`${stem}.rs`, path.join(stem, 'mod.rs')]) if (fs.isFile(candidate)) return [candidate];
  }
  return [];
}

export function resolveJava(fs: FsCache, fromFile: string, binding: ImportBinding): string[] {
  const parts = binding.module.split('.').filter(Boolean);
  for (let dir = path.dirname(fromFile), i = 0; i < maxAncestors; i++, dir = path.dirname(dir)) {
    if (binding.kind === 'wildcard') {
      const packageDir = path.join(dir, ...parts);
      if (fs.isDirectory(packageDir)) return fs.list(packageDir).filter((name) => name.endsWith('.java')).map((name) => path.join(packageDir, name));
    } else {
      // `import a.b.C` is a.b/C.java; `import static a.b.C.m` is a.b/C.java too.
      for (const candidate of [path.join(dir, ...parts, `${binding.imported}.java`), `${path.join(dir, ...parts)}.java`]) {
        if (fs.isFile(candidate)) return [candidate];
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  return [];
}

export function resolveRelative(fs: FsCache, fromFile: string, module: string): string[] {
  const candidate = path.resolve(path.dirname(fromFile), module);
  return fs.isFile(candidate) ? [candidate] : [];
}
