// TypeScript/JavaScript module resolution, as TypeScript's `bundler`/`node16` resolution does it:
// relative paths with extensions and index files (`./x.js` may name `./x.ts`); the governing
// tsconfig/jsconfig's `paths` and `baseUrl`; package.json `imports` (`#internal`); packages from the
// nearest node_modules through package.json (`exports` with subpath patterns and conditions, types
// first; `typesVersions`; `types`/`typings`/`module`/`main`), else their `@types` package; and a
// referenced project's build output mapped back to its source.
import path from 'node:path';
import type { FsCache } from './fsCache';
import type { ResolveScope } from './scope';
import type { TsConfigs } from './tsconfig';

const typescriptFirst = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.d.mts', '.d.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** JavaScript means JavaScript files when it names one without an extension (`require('./x')`). */
const javascriptFirst = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.d.ts', '.mts', '.cts'];
const conditions = ['types', 'import', 'module', 'node', 'require', 'default'];

export interface JavaScriptContext {
  readonly fs: FsCache;
  readonly scope: ResolveScope;
  readonly tsconfigs: TsConfigs;
}

interface PackageJson {
  name?: string;
  types?: string;
  typings?: string;
  module?: string;
  main?: string;
  exports?: unknown;
  imports?: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
}

export function resolveJavaScript(context: JavaScriptContext, fromFile: string, specifier: string): string[] {
  const found = resolveSpecifier(context, fromFile, specifier);
  if (!found) return [];
  // A project reference's output (`../core/dist/index.d.ts`) stands for its source.
  const source = /[\\/]node_modules[\\/]/.test(found) ? undefined : context.tsconfigs.sourceOfOutput(found);
  return [source ?? found];
}

function resolveSpecifier(context: JavaScriptContext, fromFile: string, specifier: string): string | undefined {
  const { fs } = context;
  const typescript = /\.[cm]?tsx?$/.test(fromFile);
  const extensions = typescript ? typescriptFirst : javascriptFirst;
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = path.resolve(path.dirname(fromFile), specifier);
    // JavaScript importing a JavaScript file means that file; TypeScript's `./x.js` means its source.
    if (!typescript && /\.[cm]?jsx?$/.test(target) && fs.isFile(target)) return target;
    return resolvePath(fs, target, extensions);
  }
  if (specifier.startsWith('#')) return resolveSubpathImport(context, fromFile, specifier, extensions);
  const config = context.tsconfigs.forFile(fromFile);
  if (config) {
    for (const target of pathsTargets(config.paths, specifier)) {
      const found = resolvePath(fs, target, extensions);
      if (found) return found;
    }
    if (config.baseUrl) {
      const found = resolvePath(fs, path.join(config.baseUrl, specifier), extensions);
      if (found) return found;
    }
  }
  if (/^node:/.test(specifier)) return undefined;
  return resolvePackage(context, fromFile, specifier);
}

/** The substitutions of the best (longest-prefix) `paths` pattern that matches, in order. */
export function pathsTargets(paths: ReadonlyArray<readonly [string, readonly string[]]>, specifier: string): string[] {
  let best: { prefixLength: number; targets: string[] } | undefined;
  for (const [pattern, targets] of paths) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) return [...targets];
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix) || specifier.length < prefix.length + suffix.length) continue;
    if (best && best.prefixLength >= prefix.length) continue;
    const matched = specifier.slice(prefix.length, specifier.length - suffix.length);
    best = { prefixLength: prefix.length, targets: targets.map((target) => target.replace('*', matched)) };
  }
  return best?.targets ?? [];
}

function resolvePath(fs: FsCache, base: string, extensions: readonly string[] = typescriptFirst): string | undefined {
  if (fs.isFile(base) && /\.[cm]?[jt]sx?$/.test(base)) {
    // Prefer the source (or the declarations) a compiled `.js` path stands for, as TypeScript does.
    return sourceFor(fs, base) ?? base;
  }
  const stripped = base.replace(/\.([cm]?)js(x?)$/, '');
  if (stripped !== base) {
    for (const extension of ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.d.mts', '.d.cts']) if (fs.isFile(stripped + extension)) return stripped + extension;
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
  for (const extension of ['.ts', '.tsx', '.d.ts', `.d.${match[2]}ts`]) if (fs.isFile(match[1] + extension)) return match[1] + extension;
  return undefined;
}

/** `#name` through the nearest package.json's `imports`. */
function resolveSubpathImport(context: JavaScriptContext, fromFile: string, specifier: string, extensions: readonly string[]): string | undefined {
  for (let dir = path.dirname(fromFile); context.scope.reaches(fromFile, dir); dir = path.dirname(dir)) {
    const manifest = context.fs.readJson(path.join(dir, 'package.json')) as PackageJson | undefined;
    if (manifest) {
      const target = manifest.imports && pickCondition(matchSubpath(manifest.imports, specifier));
      return target && !target.startsWith('#')
        ? target.startsWith('.')
          ? resolvePath(context.fs, path.join(dir, target), extensions)
          : resolvePackage(context, fromFile, target)
        : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
  return undefined;
}

function resolvePackage(context: JavaScriptContext, fromFile: string, specifier: string): string | undefined {
  const { fs } = context;
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  // Node walks every folder up to the file system's root: node_modules is a dependency root.
  for (let dir = path.dirname(fromFile); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const root = path.join(dir, 'node_modules', name);
      if (fs.isDirectory(root)) {
        const found = resolveInPackage(fs, root, subpath);
        // JavaScript without declarations: the package's @types stand in, as TypeScript reads them.
        if (found && /\.d\.[cm]?ts$|\.[cm]?tsx?$/.test(found)) return found;
        return typesPackage(fs, dir, name, subpath) ?? found;
      }
      const types = typesPackage(fs, dir, name, subpath);
      if (types) return types;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function resolveInPackage(fs: FsCache, root: string, subpath: string): string | undefined {
  const manifest = (fs.readJson(path.join(root, 'package.json')) ?? {}) as PackageJson;
  const mapped = typesVersionsPath(manifest, subpath);
  if (mapped) {
    const found = resolvePath(fs, path.join(root, mapped));
    if (found) return found;
  }
  const entry = packageEntry(manifest, subpath);
  if (entry) {
    const found = resolvePath(fs, path.join(root, entry));
    if (found) return found;
  }
  // `exports` closes the package to everything it does not list.
  if (manifest.exports !== undefined && manifest.exports !== null) return undefined;
  return resolvePath(fs, path.join(root, subpath));
}

function typesPackage(fs: FsCache, dir: string, name: string, subpath: string): string | undefined {
  const typesName = name.startsWith('@') ? name.slice(1).replace('/', '__') : name;
  const root = path.join(dir, 'node_modules', '@types', typesName);
  return fs.isDirectory(root) ? resolveInPackage(fs, root, subpath) : undefined;
}

/** `typesVersions: { "*": { "*": ["ts4/*"] } }`: where declarations of a subpath live. */
function typesVersionsPath(manifest: PackageJson, subpath: string): string | undefined {
  const versions = manifest.typesVersions;
  if (!versions || typeof versions !== 'object') return undefined;
  const mapping = Object.values(versions)[0];
  if (!mapping || typeof mapping !== 'object') return undefined;
  const wanted = subpath === '.' ? (manifest.types ?? manifest.typings ?? 'index.d.ts').replace(/^\.\//, '') : subpath.slice(2);
  const targets = pathsTargets(
    Object.entries(mapping).filter((e): e is [string, string[]] => Array.isArray(e[1])),
    wanted,
  );
  return targets[0];
}

/** The file a package offers for a subpath: `exports` (types first), else the top-level fields. */
function packageEntry(manifest: PackageJson, subpath: string): string | undefined {
  if (manifest.exports !== undefined && manifest.exports !== null) {
    const exports = manifest.exports;
    const bySubpath = typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports as object).some((key) => key.startsWith('.'));
    const exported = bySubpath ? matchSubpath(exports as Record<string, unknown>, subpath) : subpath === '.' ? exports : undefined;
    const target = pickCondition(exported);
    if (target) return target;
  }
  if (subpath !== '.') return undefined;
  return manifest.types ?? manifest.typings ?? manifest.module ?? manifest.main;
}

/** An `exports`/`imports` map's entry for a subpath: exact, else the longest `*` pattern, with `*` filled in. */
function matchSubpath(map: Record<string, unknown>, subpath: string): unknown {
  if (subpath in map) return map[subpath];
  let best: { key: string; matched: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0) {
      // Old-style folder exports: "./features/": "./src/features/".
      if (key.endsWith('/') && subpath.startsWith(key) && (!best || key.length > best.key.length)) best = { key, matched: subpath.slice(key.length) };
      continue;
    }
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1 && (!best || prefix.length > best.key.indexOf('*'))) {
      best = { key, matched: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  if (!best) return undefined;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') return best!.key.includes('*') ? value.replaceAll('*', best!.matched) : value + best!.matched;
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(map[best.key]);
}

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
