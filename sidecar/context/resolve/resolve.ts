// Where an import's definitions live: the files a binding's module resolves to, per language, the
// way that language's own tooling finds them (see each resolver). Results are remembered for a few
// seconds — resolution runs on the keystroke path — and never leave the workspace except for the
// dependency roots ResolveScope allows.
import type { ImportBinding } from '../outline/outline';
import { compileDatabasePending, resolveInclude } from './cfamily';
import { FsCache } from './fsCache';
import { goSamePackage, resolveGo } from './go';
import { resolveJavaScript } from './javascript';
import { jvmSamePackage, resolveJvm } from './jvm';
import { pythonSubmodule, resolvePython } from './python';
import { resolveRust, rustSubmodule } from './rust';
import { ResolveScope } from './scope';
import { TsConfigs } from './tsconfig';
import path from 'node:path';

/** The module of the implicit binding to the other files of a Go or Java/Kotlin package. */
export const samePackage = ':same-package';

const ttlMs = 5_000;
const maxEntries = 20_000;

export class Resolver {
  readonly scope: ResolveScope;
  private readonly tsconfigs: TsConfigs;
  private readonly memo = new Map<string, { at: number; files: string[] }>();
  /** A configured Python interpreter or virtualenv (python.defaultInterpreterPath). */
  pythonEnvironment: string | undefined;

  constructor(
    readonly fs: FsCache = new FsCache(),
    scope?: ResolveScope,
    private readonly now: () => number = Date.now,
  ) {
    this.scope = scope ?? new ResolveScope(fs);
    this.tsconfigs = new TsConfigs(fs, this.scope);
  }

  /** The files `binding` names, seen from `fromFile` (never `fromFile` itself). */
  resolve(languageId: string, fromFile: string, binding: ImportBinding): string[] {
    const key = `${languageId}\0${fromFile}\0${binding.kind}\0${binding.module}\0${binding.kind === 'wildcard' ? '' : binding.imported}`;
    const cached = this.memo.get(key);
    if (cached && this.now() - cached.at < ttlMs) return cached.files;
    const files = this.uncached(languageId, fromFile, binding).filter((file) => file !== fromFile && this.scope.allows(fromFile, file));
    if (this.memo.size >= maxEntries) this.memo.clear();
    // An include not found may be found once a big compile database is read (in the background).
    if (files.length || (languageId !== 'c' && languageId !== 'cpp') || !compileDatabasePending(this.fs)) this.memo.set(key, { at: this.now(), files });
    return files;
  }

  /**
   * A named import that names a module rather than a member of one — Python's `from pkg import
   * module`, Rust's `use crate::store;` — as the namespace binding it is, so its members are used,
   * and guessed, as `module.member`.
   */
  asModule(languageId: string, fromFile: string, binding: ImportBinding): ImportBinding | undefined {
    if (binding.kind !== 'named' || (languageId !== 'python' && languageId !== 'rust')) return undefined;
    const key = `module\0${languageId}\0${fromFile}\0${binding.module}\0${binding.imported}`;
    let cached = this.memo.get(key);
    if (!cached || this.now() - cached.at >= ttlMs) {
      const module =
        languageId === 'python'
          ? pythonSubmodule(this.python(), fromFile, binding.module, binding.imported)
          : rustSubmodule(this.context(), fromFile, binding.module, binding.imported);
      cached = { at: this.now(), files: module === undefined ? [] : [module] };
      this.memo.set(key, cached);
    }
    const module = cached.files[0];
    return module === undefined ? undefined : { ...binding, imported: '*', module, kind: 'namespace' };
  }

  /** What a file sees without importing it: the other files of its Go package or Java/Kotlin package. */
  implicitBindings(languageId: string): ImportBinding[] {
    return ['go', 'java', 'kotlin'].includes(languageId) ? [{ local: '', imported: '*', module: samePackage, kind: 'wildcard' }] : [];
  }

  private uncached(languageId: string, fromFile: string, binding: ImportBinding): string[] {
    const context = this.context();
    switch (languageId) {
      case 'typescript':
      case 'typescriptreact':
      case 'javascript':
      case 'javascriptreact':
        return resolveJavaScript({ ...context, tsconfigs: this.tsconfigs }, fromFile, binding.module);
      case 'python':
        return resolvePython(this.python(), fromFile, binding.module);
      case 'go':
        return binding.module === samePackage ? goSamePackage(context, fromFile) : resolveGo(context, fromFile, binding.module);
      case 'rust':
        return resolveRust(context, fromFile, binding.module);
      case 'java':
      case 'kotlin':
        return binding.module === samePackage ? jvmSamePackage(context, fromFile) : resolveJvm(context, fromFile, binding);
      case 'c':
      case 'cpp':
        return resolveInclude(context, fromFile, binding.module);
      default: {
        const candidate = path.resolve(path.dirname(fromFile), binding.module);
        return this.fs.isFile(candidate) ? [candidate] : [];
      }
    }
  }

  private context() {
    return { fs: this.fs, scope: this.scope };
  }

  private python() {
    return { fs: this.fs, scope: this.scope, configuredEnvironment: this.pythonEnvironment };
  }
}

/** The VS Code language id a file's extension implies, for files read from disk. */
export function languageOfFile(file: string): string | undefined {
  const extension = /\.([^./]+)$/.exec(file)?.[1]?.toLowerCase();
  switch (extension) {
    case 'ts':
    case 'mts':
    case 'cts':
      return 'typescript';
    case 'tsx':
      return 'typescriptreact';
    case 'js':
    case 'mjs':
    case 'cjs':
      return 'javascript';
    case 'jsx':
      return 'javascriptreact';
    case 'py':
    case 'pyi':
      return 'python';
    case 'go':
      return 'go';
    case 'rs':
      return 'rust';
    case 'java':
      return 'java';
    case 'kt':
    case 'kts':
      return 'kotlin';
    case 'c':
      return 'c';
    // A header may be C or C++; VS Code calls .h C++, and the C++ grammar reads C headers well.
    case 'h':
    case 'cc':
    case 'cpp':
    case 'cxx':
    case 'hpp':
    case 'hh':
    case 'hxx':
    case 'ipp':
    case 'tpp':
      return 'cpp';
    case 'cs':
      return 'csharp';
    case 'rb':
      return 'ruby';
    case 'php':
      return 'php';
    default:
      return undefined;
  }
}
