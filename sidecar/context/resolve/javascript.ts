// TypeScript/JavaScript module resolution, the way bundlers and `moduleResolution: bundler` do it:
// relative paths with extensions and index files (`./x.js` may name `./x.ts`), packages from the
// nearest node_modules through package.json (`types`, `exports`, `module`, `main`).
import path from 'node:path';
import type { FsCache } from './fsCache';

const typescriptFirst = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** JavaScript means JavaScript files when it names one without an extension (`require('./x')`). */
const javascriptFirst = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.d.ts', '.mts', '.cts'];

export function resolveJavaScript(fs: FsCache, fromFile: string, specifier: string): string[] {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = path.resolve(path.dirname(fromFile), specifier);
    // JavaScript importing a JavaScript file means that file; TypeScript's `./x.js` means its source.
    if (!/\.[cm]?tsx?$/.test(fromFile) && /\.[cm]?jsx?$/.test(target) && fs.isFile(target)) return [target];
    const found = resolvePath(fs, target, /\.[cm]?tsx?$/.test(fromFile) ? typescriptFirst : javascriptFirst);
    return found ? [found] : [];
  }
  const found = resolvePackage(fs, path.dirname(fromFile), specifier);
  return found ? [found] : [];
}

function resolvePath(fs: FsCache, base: string, extensions: readonly string[] = typescriptFirst): string | undefined {
  if (fs.isFile(base) && /\.[cm]?[jt]sx?$/.test(base)) {
    // Prefer the source a compiled `.js` path stands for, as TypeScript does.
    const source = sourceFor(fs, base);
    return source ?? base;
  }
  const stripped = base.replace(/\.([cm]?)js(x?)$/, '');
  if (stripped !== base) {
    for (const extension of ['.ts', '.tsx', '.mts', '.cts', '.d.ts']) if (fs.isFile(stripped + extension)) return stripped + extension;
  }
  for (const extension of extensions) if (fs.isFile(base + extension)) return base + extension;
  if (fs.isDirectory(base)) {
    const manifest = fs.readJson(path.join(base, 'package.json')) as PackageJson | undefined;
    const entry = manifest && packageEntry(manifest, '.');
    if (entry) {
      const found = resolvePath(fs, path.join(base, entry), extensions);
      if (found) return found;
    }
    for (const extension of extensions) if (fs.isFile(path.join(base, `index${extension}`))) return path.join(base, `index${extension}`);
  }
  return undefined;
}

function sourceFor(fs: FsCache, file: string): string | undefined {
  const match = /^(.*)\.([cm]?)js(x?)$/.exec(file);
  if (!match) return undefined;
  for (const extension of ['.ts', '.tsx', '.d.ts']) if (fs.isFile(match[1] + extension)) return match[1] + extension;
  return undefined;
}

interface PackageJson {
  types?: string;
  typings?: string;
  module?: string;
  main?: string;
  exports?: unknown;
}

function resolvePackage(fs: FsCache, fromDir: string, specifier: string): string | undefined {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const root = path.join(dir, 'node_modules', name);
    if (fs.isDirectory(root)) {
      const manifest = (fs.readJson(path.join(root, 'package.json')) ?? {}) as PackageJson;
      const entry = packageEntry(manifest, subpath);
      if (entry) {
        const found = resolvePath(fs, path.join(root, entry));
        if (found) return found;
      }
      return resolvePath(fs, path.join(root, subpath));
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The file a package offers for a subpath: `exports` (types first), else the top-level fields. */
function packageEntry(manifest: PackageJson, subpath: string): string | undefined {
  if (manifest.exports !== undefined) {
    const exported = typeof manifest.exports === 'string' || Array.isArray(manifest.exports) || !Object.keys(manifest.exports as object).some((key) => key.startsWith('.'))
      ? subpath === '.' ? manifest.exports : undefined
      : (manifest.exports as Record<string, unknown>)[subpath];
    const target = pickCondition(exported);
    if (target) return target;
  }
  if (subpath !== '.') return undefined;
  return manifest.types ?? manifest.typings ?? manifest.module ?? manifest.main;
}

const conditions = ['types', 'import', 'module', 'node', 'require', 'default'];

function pickCondition(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(pickCondition).find((v) => v !== undefined);
  if (value && typeof value === 'object') {
    for (const condition of conditions) {
      const picked = pickCondition((value as Record<string, unknown>)[condition]);
      if (picked) return picked;
    }
  }
  return undefined;
}
