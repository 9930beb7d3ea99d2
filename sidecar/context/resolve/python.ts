// Python module resolution: relative imports (`.`, `..pkg.mod`) from the file's package, absolute
// ones from the nearest ancestor folder that holds them (the project root, a src/ layout), as a
// module file, a package's __init__.py or a stub.
import path from 'node:path';
import type { FsCache } from './fsCache';

const maxAncestors = 8;

export function resolvePython(fs: FsCache, fromFile: string, module: string): string[] {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).split('.').filter(Boolean);
  if (dots > 0) {
    let base = path.dirname(fromFile);
    for (let i = 1; i < dots; i++) base = path.dirname(base);
    const found = moduleFile(fs, path.join(base, ...rest));
    return found ? [found] : [];
  }
  let dir = path.dirname(fromFile);
  for (let i = 0; i < maxAncestors; i++) {
    const found = moduleFile(fs, path.join(dir, ...rest));
    if (found) return [found];
    for (const layout of ['src', 'lib']) {
      const nested = moduleFile(fs, path.join(dir, layout, ...rest));
      if (nested) return [nested];
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return [];
}

function moduleFile(fs: FsCache, base: string): string | undefined {
  for (const candidate of [`${base}.py`, path.join(base, '__init__.py'), `${base}.pyi`, path.join(base, '__init__.pyi')]) {
    if (fs.isFile(candidate)) return candidate;
  }
  return undefined;
}
