// The tsconfig.json (or jsconfig.json) that governs a file, as TypeScript reads it: JSON with
// comments and trailing commas, `extends` chains (relative files and packages), `compilerOptions`
// `paths` and `baseUrl`, and solution-style configs whose `references` name the project that owns
// the file. Also maps a referenced project's build output (outDir) back to its source (rootDir).
import path from 'node:path';
import type { FsCache } from './fsCache';
import { isWithin, type ResolveScope } from './scope';

export interface TsConfig {
  readonly file: string;
  /** Pattern → substitutions, already absolute. */
  readonly paths: ReadonlyArray<readonly [pattern: string, targets: readonly string[]]>;
  readonly baseUrl?: string;
  readonly outDir?: string;
  readonly rootDir?: string;
  readonly references: readonly string[];
  readonly include?: readonly string[];
  readonly files?: readonly string[];
}

interface RawConfig {
  extends?: string | string[];
  compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string; outDir?: string; rootDir?: string };
  references?: Array<{ path?: string }>;
  include?: string[];
  files?: string[];
}

const configNames = ['tsconfig.json', 'jsconfig.json'];
const maxExtends = 5;

export class TsConfigs {
  private readonly parsed = new Map<string, { key: string; config: TsConfig | undefined }>();

  constructor(
    private readonly fs: FsCache,
    private readonly scope: ResolveScope,
  ) {}

  /** The config that governs `file`: the nearest one above it, or the project its solution config references. */
  forFile(file: string): TsConfig | undefined {
    for (let dir = path.dirname(file); this.scope.reaches(file, dir); dir = path.dirname(dir)) {
      for (const name of configNames) {
        const config = this.load(path.join(dir, name));
        if (!config) continue;
        if (!config.references.length || covers(config, file)) return config;
        // A solution config (`files: []` and references): the referenced project that holds the file.
        for (const reference of config.references) {
          const project = this.load(reference);
          if (project && covers(project, file)) return project;
        }
        return config;
      }
      if (path.dirname(dir) === dir) break;
    }
    return undefined;
  }

  /**
   * A file in a referenced project's build output (outDir) stands for its source under rootDir:
   * `core/dist/index.d.ts` → `core/src/index.ts`. Undefined when there is no such source.
   */
  sourceOfOutput(file: string): string | undefined {
    const config = this.forFile(file);
    if (!config?.outDir || !isWithin(config.outDir, file)) return undefined;
    const root = config.rootDir ?? path.dirname(config.file);
    const relative = path.relative(config.outDir, file).replace(/(\.d)?\.[cm]?[jt]sx?$/, '');
    for (const extension of ['.ts', '.tsx', '.mts', '.cts']) {
      const source = path.join(root, relative + extension);
      if (this.fs.isFile(source)) return source;
    }
    return undefined;
  }

  load(file: string): TsConfig | undefined {
    const stat = this.fs.stat(file);
    if (stat?.isDirectory) return this.load(path.join(file, 'tsconfig.json'));
    if (!stat?.isFile) return undefined;
    const key = `${stat.mtimeMs}:${stat.size}`;
    const cached = this.parsed.get(file);
    if (cached?.key === key) return cached.config;
    const config = this.read(file, 0);
    this.parsed.set(file, { key, config });
    return config;
  }

  private read(file: string, depth: number): TsConfig | undefined {
    const raw = parseJsonc(this.fs.readText(file, 1_000_000)) as RawConfig | undefined;
    if (!raw || typeof raw !== 'object') return undefined;
    const dir = path.dirname(file);
    let base: TsConfig | undefined;
    for (const parent of [raw.extends ?? []].flat().slice(0, 3)) {
      const parentFile = depth < maxExtends ? this.extendsFile(dir, parent) : undefined;
      const loaded = parentFile && this.read(parentFile, depth + 1);
      // Later entries override earlier ones, as options merge.
      if (loaded) base = base ? { ...base, ...definedOf(loaded) } : loaded;
    }
    const options = raw.compilerOptions ?? {};
    const baseUrl = typeof options.baseUrl === 'string' ? path.resolve(dir, options.baseUrl) : base?.baseUrl;
    // `paths` are relative to baseUrl when there is one, else to the config that declares them.
    const pathsBase = baseUrl ?? dir;
    const paths =
      options.paths && typeof options.paths === 'object'
        ? Object.entries(options.paths)
            .filter((entry): entry is [string, string[]] => Array.isArray(entry[1]))
            .map(([pattern, targets]) => [pattern, targets.map((target) => path.resolve(pathsBase, target))] as const)
        : (base?.paths ?? []);
    return {
      file,
      paths,
      baseUrl,
      outDir: typeof options.outDir === 'string' ? path.resolve(dir, options.outDir) : base?.outDir,
      rootDir: typeof options.rootDir === 'string' ? path.resolve(dir, options.rootDir) : base?.rootDir,
      references: Array.isArray(raw.references) ? raw.references.flatMap((r) => (typeof r?.path === 'string' ? [path.resolve(dir, r.path)] : [])) : [],
      include: Array.isArray(raw.include) ? raw.include.map((p) => path.resolve(dir, p)) : base?.include,
      files: Array.isArray(raw.files) ? raw.files.map((p) => path.resolve(dir, p)) : undefined,
    };
  }

  /** `extends`: a relative path, or a package's config (`@tsconfig/node20/tsconfig.json`). */
  private extendsFile(dir: string, specifier: string): string | undefined {
    const withJson = (p: string) => (p.endsWith('.json') ? p : `${p}.json`);
    if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
      const file = path.resolve(dir, specifier);
      return this.fs.isFile(file) ? file : this.fs.isFile(withJson(file)) ? withJson(file) : undefined;
    }
    for (let at = dir; ; at = path.dirname(at)) {
      const candidate = path.join(at, 'node_modules', specifier);
      for (const file of [candidate, withJson(candidate), path.join(candidate, 'tsconfig.json')]) if (this.fs.isFile(file)) return file;
      if (path.dirname(at) === at) return undefined;
    }
  }
}

function definedOf(config: TsConfig): Partial<TsConfig> {
  return Object.fromEntries(
    Object.entries(config).filter(([key, value]) => value !== undefined && !(key === 'paths' && (value as unknown[]).length === 0) && key !== 'references'),
  );
}

/** Whether a project's `files` or `include` (their folders, globs cut at the first wildcard) hold `file`. */
function covers(config: TsConfig, file: string): boolean {
  if (config.files?.includes(file)) return true;
  const include = config.include ?? (config.files ? [] : [path.dirname(config.file)]);
  return include.some((pattern) => {
    const fixed = pattern.split(/[\\/]/).findIndex((part) => /[*?{[]/.test(part));
    const base = fixed < 0 ? pattern : pattern.split(/[\\/]/).slice(0, fixed).join(path.sep) || path.sep;
    return base === file || isWithin(base, file);
  });
}

/** JSON with comments and trailing commas, as tsconfig files are written; undefined when unreadable. */
export function parseJsonc(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}
