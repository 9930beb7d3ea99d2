// Where a generated test file goes and what it looks like, learnt from the project's existing
// tests: their naming (foo.test.ts, foo.spec.ts, test_foo.py, foo_test.go, FooTest.java), their
// folder (beside the code, or a test/ tree) and the framework their imports name. Pure: no
// `vscode`, unit-tested.

export interface TestStyle {
  /** Workspace-relative path of the test file to write for the source file. */
  readonly testPath: string;
  /** An existing test this style was learnt from, shown to the model as the example to follow. */
  readonly example?: string;
  /** The framework its imports name (vitest, jest, mocha, node:test, pytest, unittest, …), if any. */
  readonly framework?: string;
}

interface Naming {
  readonly matches: (base: string) => string | undefined;
  readonly make: (stem: string, ext: string) => string;
}

const namings: Record<string, Naming> = {
  dotTest: { matches: (b) => /^(.+)\.test\.[^.]+$/.exec(b)?.[1], make: (s, e) => `${s}.test${e}` },
  dotSpec: { matches: (b) => /^(.+)\.spec\.[^.]+$/.exec(b)?.[1], make: (s, e) => `${s}.spec${e}` },
  underscoreTest: { matches: (b) => /^(.+)_test\.[^.]+$/.exec(b)?.[1], make: (s, e) => `${s}_test${e}` },
  testPrefix: { matches: (b) => /^test_(.+)\.[^.]+$/.exec(b)?.[1], make: (s, e) => `test_${s}${e}` },
  pascalTest: { matches: (b) => /^(.+[a-z0-9])Tests?\.[^.]+$/.exec(b)?.[1], make: (s, e) => `${s}Test${e}` },
};

/** Per language family, the naming its ecosystem uses when the project has no test yet. */
function defaultNaming(ext: string): keyof typeof namings {
  if (ext === '.py') return 'testPrefix';
  if (ext === '.go') return 'underscoreTest';
  if (['.java', '.kt', '.cs', '.scala'].includes(ext)) return 'pascalTest';
  return 'dotTest';
}

const testFolders = ['test', 'tests', '__tests__', 'spec', 'testing'];

/**
 * The style for `sourcePath` given the workspace's existing test files (workspace-relative, '/'),
 * preferring tests of the same extension and, among them, the nearest to the source.
 */
export function detectTestStyle(sourcePath: string, existingTests: readonly string[], exampleText?: (path: string) => string | undefined): TestStyle {
  const { dir, stem, ext } = parts(sourcePath);
  const candidates = existingTests.filter((path) => parts(path).ext === ext && namingOf(path));
  const example = candidates.sort((x, y) => distance(sourcePath, x) - distance(sourcePath, y))[0];
  if (!example) return { testPath: join(dir, namings[defaultNaming(ext)]!.make(stem, ext)) };

  const naming = namings[namingOf(example)!]!;
  const testPath = join(testDirFor(dir, parts(example).dir), naming.make(stem, ext));
  const text = exampleText?.(example);
  return { testPath, example, framework: text ? frameworkOf(text) : undefined };
}

/** The framework a test file's imports name. */
export function frameworkOf(text: string): string | undefined {
  const head = text.split(/\r?\n/).slice(0, 60).join('\n');
  const checks: Array<[RegExp, string]> = [
    [/from\s+['"]vitest['"]/, 'vitest'],
    [/from\s+['"]node:test['"]|require\(['"]node:test['"]\)/, 'node:test'],
    [/from\s+['"]@jest\/globals['"]|\bjest\.\w+\(/, 'jest'],
    [/from\s+['"](mocha|chai)['"]|require\(['"](mocha|chai)['"]\)|\bsuite\(|\bdescribe\(/, 'mocha'],
    [/^\s*import\s+pytest|^\s*from\s+pytest/m, 'pytest'],
    [/^\s*import\s+unittest|^\s*from\s+unittest/m, 'unittest'],
    [/"testing"/, 'go testing'],
    [/org\.junit\.jupiter/, 'JUnit 5'],
    [/org\.junit\./, 'JUnit 4'],
    [/#\[cfg\(test\)\]|#\[test\]/, 'rust #[test]'],
  ];
  return checks.find(([pattern]) => pattern.test(head))?.[1];
}

function namingOf(path: string): keyof typeof namings | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (Object.keys(namings) as Array<keyof typeof namings>).find((key) => namings[key]!.matches(base));
}

/** Tests kept in a tests folder go beside the example (tests/test_foo.py); else beside their code. */
function testDirFor(sourceDir: string, exampleDir: string): string {
  const segments = exampleDir ? exampleDir.split('/') : [];
  return segments.some((segment) => testFolders.includes(segment)) ? exampleDir : sourceDir;
}

function distance(from: string, to: string): number {
  const a = from.split('/').slice(0, -1);
  const b = to.split('/').slice(0, -1);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return a.length + b.length - 2 * common;
}

function parts(path: string): { dir: string; stem: string; ext: string } {
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const base = path.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? { dir, stem: base, ext: '' } : { dir, stem: base.slice(0, dot), ext: base.slice(dot) };
}

function join(dir: string, file: string): string {
  return dir ? `${dir.replace(/\/+$/, '')}/${file}` : file;
}
