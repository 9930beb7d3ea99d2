// Import resolution per language, as golden cases: each file in golden/resolve/ is a small project
// shaped like a real one (its files after `-- path --` markers) and the resolutions it must give
// (`-- resolves --`: `from: kind module [name] => files`, paths relative to the project; `nothing`
// for none). Kinds: named, namespace, wildcard; `module` asks whether a named import names a module
// (=> the namespace it becomes); `same-package` lists what a Go or Java/Kotlin file sees without an
// import. `-- options --` may set `workspace <folder>` (the workspace folder inside the project) and
// `python-environment <folder>` (a configured virtualenv); `{root}` in a file stands for the
// project's folder on disk (compile databases hold absolute paths). Adding a case is adding a file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ImportBinding } from '../../sidecar/context/outline/outline';
import { languageOfFile, Resolver } from '../../sidecar/context/resolve/resolve';

const folder = path.resolve(import.meta.dirname, '../../../test/unit/golden/resolve');
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.txt'))
  .sort();

interface Golden {
  readonly description: string;
  readonly files: Map<string, string>;
  readonly resolves: string[];
  readonly options: Map<string, string>;
}

function parse(text: string): Golden {
  const sections = text.split(/^-- (.+?) --$/m);
  const golden: Golden = { description: sections[0]!.trim(), files: new Map(), resolves: [], options: new Map() };
  for (let i = 1; i < sections.length; i += 2) {
    const name = sections[i]!;
    const body = sections[i + 1]!.replace(/^\n/, '');
    if (name === 'resolves')
      golden.resolves.push(
        ...body
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#')),
      );
    else if (name === 'options')
      for (const line of body.split('\n').filter(Boolean)) golden.options.set(line.split(' ')[0]!, line.slice(line.indexOf(' ') + 1).trim());
    else golden.files.set(name, body);
  }
  return golden;
}

describe('import resolution (golden projects)', () => {
  const roots: string[] = [];
  after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  it('has a project for every language', () => {
    for (const language of ['python', 'typescript', 'javascript', 'go', 'rust', 'java', 'kotlin', 'c', 'cpp'])
      assert.ok(
        files.some((f) => f.startsWith(`${language}-`)),
        language,
      );
  });

  for (const file of files) {
    const golden = parse(readFileSync(path.join(folder, file), 'utf8'));
    describe(`${file.replace(/\.txt$/, '')}: ${golden.description.split('\n')[0]}`, () => {
      const root = mkdtempSync(path.join(tmpdir(), 'pylot-resolve-'));
      roots.push(root);
      for (const [name, text] of golden.files) {
        mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        writeFileSync(path.join(root, name), text.replaceAll('{root}', root));
      }
      const resolver = new Resolver();
      resolver.scope.setRoots([path.join(root, golden.options.get('workspace') ?? '')]);
      const environment = golden.options.get('python-environment');
      if (environment) resolver.pythonEnvironment = path.join(root, environment);
      const relative = (f: string) => path.relative(root, f).split(path.sep).join('/');
      for (const line of golden.resolves) {
        it(line, () => {
          const match = /^(\S+):\s+(named|namespace|wildcard|module|same-package)\s*(\S*)\s*(\S*)\s*=>\s*(.*)$/.exec(line);
          assert.ok(match, `a resolves line: ${line}`);
          const [, from, kind, module, name, expected] = match;
          const fromFile = path.join(root, from!);
          const languageId = languageOfFile(from!)!;
          const want = expected!.trim() === 'nothing' ? [] : expected!.split(',').map((e) => e.trim());
          if (kind === 'module') {
            const binding: ImportBinding = { local: name!, imported: name!, module: module!, kind: 'named' };
            const namespace = resolver.asModule(languageId, fromFile, binding);
            assert.deepEqual(namespace ? [namespace.module] : [], want);
            return;
          }
          const bindings =
            kind === 'same-package'
              ? resolver.implicitBindings(languageId)
              : [{ local: name || '', imported: name || '*', module: module!, kind: kind as ImportBinding['kind'] }];
          const got = bindings.flatMap((binding) => resolver.resolve(languageId, fromFile, binding)).map(relative);
          assert.deepEqual(got, want);
        });
      }
    });
  }
});

describe('the compile database off the keystroke path', () => {
  it('reads a big database in the background, and uses it from the next request on', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pylot-resolve-db-'));
    try {
      const entries = Array.from({ length: 12_000 }, (_, i) => ({
        directory: root,
        file: `src/gen${i}.c`,
        arguments: ['cc', '-Ithird/inc', '-DPADDING_TO_MAKE_IT_BIG=1', '-c', `src/gen${i}.c`],
      }));
      entries.push({ directory: root, file: 'src/main.c', arguments: ['cc', '-Ithird/inc', '-c', 'src/main.c'] });
      mkdirSync(path.join(root, 'src'), { recursive: true });
      mkdirSync(path.join(root, 'third/inc'), { recursive: true });
      writeFileSync(path.join(root, 'compile_commands.json'), JSON.stringify(entries));
      writeFileSync(path.join(root, 'src/main.c'), '#include "deep.h"\n');
      writeFileSync(path.join(root, 'third/inc/deep.h'), 'int deep(void);\n');
      const resolver = new Resolver();
      resolver.scope.setRoots([root]);
      const binding: ImportBinding = { local: '', imported: '*', module: 'deep.h', kind: 'wildcard' };
      assert.deepEqual(resolver.resolve('c', path.join(root, 'src/main.c'), binding), [], 'not yet: the database is being read');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(resolver.resolve('c', path.join(root, 'src/main.c'), binding), [path.join(root, 'third/inc/deep.h')]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
