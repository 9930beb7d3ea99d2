// Members of a module imported whole, ranked for what the cursor is about to use: `from pkg import
// module` is a namespace like `import a.b as c`, guesses come from what the module offers an
// importer (`__all__`, exports, `pub`, capitalised Go names) and what the code around the cursor
// says, and guesses never take more than their share of the budget.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitBudget, maxGuessShare } from '../../sidecar/context/assemble';
import type { Candidate } from '../../sidecar/context/candidate';
import { cursor, importedFirstLines, importedSnippets, suiteWorkspaces } from './contextFixture';

describe('members of imported modules', () => {
  const workspace = suiteWorkspaces();

  it('Python: `from pkg import module` offers the module members not used yet, best match first', async () => {
    const main = `from shop import pricing\n\ndef checkout(order):\n    subtotal = pricing.subtotal(order)\n    discount = ${cursor}\n`;
    const w = workspace({
      'pyproject.toml': '',
      'shop/__init__.py': '',
      'shop/pricing.py':
        'def subtotal(order):\n    return sum(order.items)\n\n\n\n\ndef tax(order):\n    return 0\n\n\n\n\ndef discount_for(order):\n    return 0.1\n\n\n\n\ndef _round(x):\n    return x\n',
      'shop/cart.py': main,
    });
    const { snippets } = await w.assembleAt('shop/cart.py', main, { timeBoxMs: 10_000, budgetChars: 4_000 });
    const lines = importedFirstLines(snippets);
    assert.ok(lines.includes('shop/pricing.py: def subtotal(order):'), lines.join('\n'));
    // Most relevant last: of the guesses, the one whose words the cursor's line shares.
    const discount = lines.indexOf('shop/pricing.py: def discount_for(order):');
    const tax = lines.indexOf('shop/pricing.py: def tax(order):');
    assert.ok(tax >= 0 && discount > tax, lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('_round')), 'a private name is never offered');
  });

  it("Python: a module named like its package gets the package's definitions, not its own", async () => {
    const main = `from pkg import models\n\n\ndef run():\n    user = models.User()\n    ${cursor}\n`;
    const w = workspace({
      'pyproject.toml': '',
      'pkg/__init__.py': '',
      'pkg/models.py': 'class User:\n    name = ""\n',
      'pkg/pkg.py': main,
    });
    const { snippets } = await w.assembleAt('pkg/pkg.py', main);
    assert.deepEqual(importedFirstLines(snippets), ['pkg/models.py: class User:']);
  });

  it('Python: a package guesses from its __all__ and what its __init__ re-exports', async () => {
    const main = `import toolkit\n\n\ndef load_config(path):\n    ${cursor}\n`;
    const w = workspace({
      'pyproject.toml': '',
      'toolkit/__init__.py': '__all__ = ["read_config", "Config"]\nfrom .io import read_config, write_config\nfrom .model import Config\n',
      'toolkit/io.py': 'def read_config(path):\n    return {}\n\n\n\n\ndef write_config(path, data):\n    pass\n',
      'toolkit/model.py': 'class Config:\n    pass\n',
      'app.py': main,
    });
    const { snippets } = await w.assembleAt('app.py', main);
    const lines = importedFirstLines(snippets);
    assert.ok(lines.includes('toolkit/io.py: def read_config(path):'), lines.join('\n'));
    assert.ok(lines.includes('toolkit/model.py: class Config:'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('write_config')), 'not in __all__: not offered');
  });

  it('Python: a module another file imports, taken from it (`from .base import gguf`), is a namespace', async () => {
    const main = `from .base import gguf\n\n\ndef write_header(writer):\n    arch = gguf.MODEL_ARCH\n    ${cursor}\n`;
    const w = workspace({
      'pyproject.toml': '',
      '.venv/pyvenv.cfg': '',
      '.venv/lib/python3.12/site-packages/gguf.pth': '../../../../libs/gguf-py\n',
      'libs/gguf-py/gguf/__init__.py': 'from .constants import *\nfrom .writer import *\n',
      'libs/gguf-py/gguf/constants.py': 'MODEL_ARCH = {}\n',
      'libs/gguf-py/gguf/writer.py': 'class HeaderWriter:\n    def write_header(self):\n        pass\n',
      'conversion/__init__.py': '',
      'conversion/base.py': 'import gguf\n\n\nclass ModelBase:\n    pass\n',
      'conversion/llama.py': main,
    });
    const { snippets } = await w.assembleAt('conversion/llama.py', main);
    const lines = importedFirstLines(snippets);
    assert.ok(lines.includes('libs/gguf-py/gguf/constants.py: MODEL_ARCH = {}'), lines.join('\n'));
    assert.ok(lines.includes('libs/gguf-py/gguf/writer.py: class HeaderWriter:'), `a guess through the package's star imports: ${lines.join('\n')}`);
  });

  it('TypeScript: a namespace import guesses only what the module exports', async () => {
    const main = `import * as geo from './geo';\n\nexport function area(points: number[]) {\n  ${cursor}\n}\n`;
    const w = workspace({
      'package.json': '{}',
      'geo.ts': 'function privateHelper() {\n  return 1;\n}\n\n\n\n\n\nexport function polygonArea(points: number[]): number {\n  return privateHelper();\n}\n',
      'main.ts': main,
    });
    const { snippets } = await w.assembleAt('main.ts', main);
    assert.deepEqual(importedFirstLines(snippets), ['geo.ts: export function polygonArea(points: number[]): number {']);
  });

  it('Rust: `use crate::store;` makes store a namespace: its used and next members', async () => {
    const main = `use crate::store;\n\npub fn save(key: &str) {\n    let db = store::open("x");\n    ${cursor}\n}\n`;
    const w = workspace({
      'Cargo.toml': '[package]\nname = "app"\n',
      'src/lib.rs': 'pub mod store;\npub mod api;\n',
      'src/store.rs': 'pub fn open(path: &str) -> Db {\n    Db\n}\n\n\n\n\npub fn save_key(db: &Db, key: &str) {}\n\n\n\n\nfn internal() {}\n',
      'src/api.rs': main,
    });
    const { snippets } = await w.assembleAt('src/api.rs', main);
    const lines = importedFirstLines(snippets);
    assert.ok(lines.includes('src/store.rs: pub fn open(path: &str) -> Db {'), lines.join('\n'));
    assert.ok(lines.includes('src/store.rs: pub fn save_key(db: &Db, key: &str) {}'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('internal')), 'not pub: not offered');
  });

  it("Go: names of the package's other files, used without an import", async () => {
    const main = `package store\n\nfunc Save(s *Store, key string) error {\n\tif err := validate(key); err != nil {\n\t\treturn err\n\t}\n\t${cursor}\n}\n`;
    const w = workspace({
      'go.mod': 'module example.com/app\n',
      'store/store.go': main,
      'store/validate.go': 'package store\n\nfunc validate(key string) error {\n\treturn nil\n}\n',
      'store/types.go': 'package store\n\ntype Store struct {\n\tpath string\n}\n',
    });
    const { snippets } = await w.assembleAt('store/store.go', main);
    assert.deepEqual(importedFirstLines(snippets).sort(), ['store/types.go: type Store struct {', 'store/validate.go: func validate(key string) error {']);
  });

  it('Java: a class of the same package, used without an import', async () => {
    const main = `package com.shop.web;\n\npublic class Controller {\n  String render(Order order) {\n    return Views.page(order);\n    ${cursor}\n  }\n}\n`;
    const w = workspace({
      'pom.xml': '<project/>',
      'src/main/java/com/shop/web/Views.java': 'package com.shop.web;\n\nclass Views {\n  static String page(Object o) { return ""; }\n}\n',
      'src/main/java/com/shop/web/Controller.java': main,
    });
    const { snippets } = await w.assembleAt('src/main/java/com/shop/web/Controller.java', main);
    assert.deepEqual(importedFirstLines(snippets), ['src/main/java/com/shop/web/Views.java: class Views {']);
  });

  it('Kotlin (no grammar): an imported class from a file declaring several things', async () => {
    const main = `package com.acme.app\n\nimport com.acme.data.UserRepository\n\nfun main() {\n    val repo = UserRepository(db)\n    ${cursor}\n}\n`;
    const w = workspace({
      'settings.gradle.kts': '',
      'src/main/kotlin/com/acme/data/Repositories.kt':
        'package com.acme.data\n\nclass UserRepository(private val db: Db) {\n    fun find(id: Long): User? = null\n}\n\nclass OrderRepository\n',
      'src/main/kotlin/com/acme/app/Main.kt': main,
    });
    const { snippets } = await w.assembleAt('src/main/kotlin/com/acme/app/Main.kt', main);
    assert.deepEqual(importedFirstLines(snippets), ['src/main/kotlin/com/acme/data/Repositories.kt: class UserRepository(private val db: Db) {']);
    assert.match(importedSnippets(snippets)[0]!.text, /^class UserRepository\(private val db: Db\) \{\n {4}fun find\(id: Long\): User\? = null\n\}/);
  });

  it('C: names from the headers an umbrella header includes, macros and prototypes with their types', async () => {
    const main = `#include "lib/all.h"\n\nint main(void) {\n  struct vec v = vec_new(CAPACITY);\n  ${cursor}\n}\n`;
    const w = workspace({
      'CMakeLists.txt': '',
      'include/lib/all.h': '#ifndef ALL_H\n#define ALL_H\n#include "lib/vec.h"\n#endif\n',
      'include/lib/vec.h':
        '#ifndef VEC_H\n#define VEC_H\n#define CAPACITY 16\nstruct vec { int *items; int len; };\n\n\n\nstruct vec vec_new(int capacity);\n#endif\n',
      'src/main.c': main,
    });
    const { snippets } = await w.assembleAt('src/main.c', main);
    const texts = importedSnippets(snippets)
      .map((s) => s.text)
      .join('\n---\n');
    assert.match(texts, /struct vec vec_new\(int capacity\);/);
    assert.match(texts, /#define CAPACITY 16/);
  });
});

describe('the budget share of guesses', () => {
  const candidate = (name: string, guess: boolean, length: number): Candidate => ({
    source: 'imported',
    file: name,
    filename: name,
    text: 'x'.repeat(length),
    score: 1,
    startLine: 0,
    endLine: 0,
    guess,
  });

  it('keeps guesses within their share, and what is really used beyond it', () => {
    const ranked = [candidate('g1', true, 400), candidate('g2', true, 400), candidate('u1', false, 300), candidate('g3', true, 100)];
    const fitted = fitBudget(ranked, 1_000, (c) => c.text.length);
    const guessed = fitted.filter((c) => c.guess).reduce((sum, c) => sum + c.text.length, 0);
    assert.ok(guessed <= 1_000 * maxGuessShare, `${guessed}`);
    assert.deepEqual(
      fitted.map((c) => c.file),
      ['g1', 'u1', 'g3'],
    );
  });
});
