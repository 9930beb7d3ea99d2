// The real code the retrieval bench reads, all of it already on this machine (nothing downloads):
//  - node_modules: TypeScript and JavaScript packages (the bench's first corpus);
//  - llama.cpp, from the git bundle node-llama-cpp ships (node_modules/node-llama-cpp/llama/
//    gitRelease.bundle), checked out once into out/bench-corpus/: Python (the model converters and
//    gguf-py), C (ggml) and C++ (llama, common). It is set up as its users set it up: a virtualenv
//    holding gguf-py as an editable install (the project depends on `gguf @ ./gguf-py`), and a
//    compile database from `cmake -DCMAKE_EXPORT_COMPILE_COMMANDS=ON` when cmake is installed;
//  - numkong (inside usearch's package): Rust (a crate whose [lib] path is rust/numkong.rs) and C.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sourceFiles } from './retrievalCorpus';
import type { Layout } from './retrievalTruth';

export interface Corpus {
  readonly name: string;
  /** The workspace folder the engine is given. */
  readonly root: string;
  /** What the Jaccard baseline's snippet names are relative to. */
  readonly displayRoot: string;
  readonly layout: Layout;
  /** Candidate files per language, and how many cases to take from each. */
  readonly languages: ReadonlyArray<{ readonly languageId: string; readonly files: string[]; readonly cases: number }>;
  readonly perFile: number;
  readonly perPackage: number;
  /** What a file is grouped by for perPackage (its package or top folder). */
  packageOf(file: string): string;
  /** How the corpus was set up, for the report. */
  readonly note: string;
}

export function nodeModulesCorpus(repoRoot: string, cases: number): Corpus {
  const root = realpathSync(process.env.PYLOT_BENCH_CORPUS ?? path.join(repoRoot, 'node_modules'));
  // The same walk as the bench has always made, so its TypeScript/JavaScript figures stay comparable.
  const files = sourceFiles(root, /\.(ts|mts|cts|js|mjs|cjs|py)$/, ['.bin', '.cache', 'test', 'tests', '__tests__', 'min', 'umd', 'browser']);
  return {
    name: 'node_modules',
    root: path.dirname(root),
    displayRoot: root,
    layout: { pythonRoots: [], includeDirs: [] },
    languages: [{ languageId: 'typescript/javascript', files, cases }],
    perFile: 2,
    perPackage: 30,
    packageOf: (file) => {
      const parts = path.relative(root, file).split(path.sep);
      return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    },
    note: `${root}`,
  };
}

export function llamaCorpus(repoRoot: string, cases: { python: number; c: number; cpp: number }): Corpus | undefined {
  const bundle = path.join(repoRoot, 'node_modules/node-llama-cpp/llama/gitRelease.bundle');
  if (!existsSync(bundle)) return undefined;
  const root = path.join(repoRoot, 'out/bench-corpus/llama.cpp');
  if (!existsSync(path.join(root, 'CMakeLists.txt'))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const git = path.join(root, '.bundle.git');
    execFileSync('git', ['init', '-q', '--bare', git]);
    execFileSync('git', ['--git-dir', git, 'fetch', '-q', bundle, 'HEAD']);
    execFileSync('bash', ['-c', `git --git-dir "${git}" archive FETCH_HEAD | tar -x -C "${root}"`]);
    rmSync(git, { recursive: true, force: true });
  }
  // The virtualenv `pip install -e ./gguf-py` (or the project's own dependency on it) leaves.
  const sitePackages = path.join(root, '.venv/lib/python3.12/site-packages');
  mkdirSync(sitePackages, { recursive: true });
  writeFileSync(path.join(root, '.venv/pyvenv.cfg'), 'home = /usr/bin\nversion = 3.12.0\n');
  writeFileSync(path.join(sitePackages, '__editable__.gguf.pth'), `${path.join(root, 'gguf-py')}\n`);
  let database = 'no compile database (cmake not found): include folders guessed';
  if (!existsSync(path.join(root, 'build/compile_commands.json'))) {
    const configured = spawnSync(
      'cmake',
      [
        '-S',
        root,
        '-B',
        path.join(root, 'build'),
        '-DCMAKE_EXPORT_COMPILE_COMMANDS=ON',
        '-DLLAMA_CURL=OFF',
        '-DLLAMA_OPENSSL=OFF',
        '-DLLAMA_BUILD_TESTS=OFF',
        '-DGGML_NATIVE=OFF',
        '-DLLAMA_USE_PREBUILT_UI=OFF',
        '-DLLAMA_BUILD_UI=OFF',
      ],
      { encoding: 'utf8' },
    );
    if (configured.status !== 0 && configured.error === undefined) rmSync(path.join(root, 'build'), { recursive: true, force: true });
  }
  if (existsSync(path.join(root, 'build/compile_commands.json'))) database = 'compile database from cmake (build/compile_commands.json)';
  const skip = ['.git', '.venv', 'build', 'tests', 'test', 'vendor', 'node_modules', 'webui', 'ui', 'app'];
  return {
    name: 'llama.cpp',
    root,
    displayRoot: root,
    layout: {
      pythonRoots: [root, path.join(root, 'gguf-py')],
      includeDirs: ['include', 'ggml/include', 'ggml/src', 'ggml/src/ggml-cpu', 'common', 'src', 'vendor', 'tools/mtmd'].map((dir) => path.join(root, dir)),
    },
    languages: [
      { languageId: 'python', files: sourceFiles(root, /\.py$/, skip), cases: cases.python },
      { languageId: 'c', files: sourceFiles(path.join(root, 'ggml/src'), /\.c$/, skip), cases: cases.c },
      {
        languageId: 'cpp',
        files: ['src', 'common', 'tools', 'ggml/src/ggml-cpu'].flatMap((dir) => sourceFiles(path.join(root, dir), /\.cpp$/, skip)),
        cases: cases.cpp,
      },
    ],
    perFile: 2,
    perPackage: 40,
    packageOf: (file) => path.relative(root, file).split(path.sep).slice(0, 2).join('/'),
    note: `llama.cpp from node-llama-cpp's bundle; Python through a virtualenv with gguf-py installed editable; ${database}`,
  };
}

export function numkongCorpus(repoRoot: string, cases: { rust: number; c: number }): Corpus | undefined {
  const dir = path.join(repoRoot, 'node_modules/usearch/numkong');
  if (!existsSync(path.join(dir, 'Cargo.toml'))) return undefined;
  const root = realpathSync(dir);
  return {
    name: 'numkong',
    root,
    displayRoot: root,
    layout: { pythonRoots: [], includeDirs: [path.join(root, 'include'), path.join(root, 'c')], rustRoot: path.join(root, 'rust/numkong.rs') },
    languages: [
      { languageId: 'rust', files: sourceFiles(path.join(root, 'rust'), /\.rs$/), cases: cases.rust },
      { languageId: 'c', files: sourceFiles(path.join(root, 'c'), /\.c$/), cases: cases.c },
    ],
    // One crate of 17 files: more cases per file than elsewhere, or Rust would have a few dozen.
    perFile: 8,
    perPackage: 1_000,
    packageOf: (file) => path.relative(root, file),
    note: 'numkong (usearch/numkong in node_modules): its Cargo.toml, no compile database',
  };
}
