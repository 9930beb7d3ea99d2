// Imported definitions reach the context: each language's imports resolve to the file that
// declares the symbol used at the cursor, through index files, packages and re-exports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cursor, importedFirstLines, suiteWorkspaces } from './contextFixture';

describe('imported definitions', () => {
  const workspace = suiteWorkspaces();

  it('TypeScript: relative paths, .js naming .ts, index files, packages with exports, re-exports', async () => {
    const main = `import { parseUrl } from './url.js';\nimport { Cache } from './cache';\nimport * as math from './math/index';\nimport { typed } from 'lib/sub';\nimport Logger from 'logger';\n\nexport function handle(raw: string) {\n  const url = parseUrl(raw);\n  const c = new Cache();\n  const n = math.clamp(1);\n  const t = typed();\n  new Logger();\n  ${cursor}\n}\n`;
    const w = workspace({
      'package.json': '{"name":"app"}',
      'src/url.ts': 'export function parseUrl(raw: string): URL {\n  return new URL(raw);\n}\n',
      'src/cache/index.ts': "export { Cache } from './lru';\n",
      'src/cache/lru.ts': 'export class Cache {\n  get(key: string) {}\n}\n',
      'src/math/index.ts': "export * from './clamp';\n",
      'src/math/clamp.ts': 'export const clamp = (n: number) => Math.max(0, n);\n',
      'node_modules/lib/package.json': '{"name":"lib","exports":{".":"./main.js","./sub":{"types":"./sub.d.ts","default":"./sub.js"}}}',
      'node_modules/lib/sub.d.ts': 'export declare function typed(): number;\n',
      'node_modules/logger/package.json': '{"name":"logger","main":"lib/index.js"}',
      'node_modules/logger/lib/index.js': 'class Logger {\n  log() {}\n}\nmodule.exports = Logger;\n',
      'src/main.ts': main,
    });
    const { snippets } = await w.assembleAt('src/main.ts', main);
    assert.deepEqual(importedFirstLines(snippets).sort(), [
      'node_modules/lib/sub.d.ts: export declare function typed(): number;',
      'node_modules/logger/lib/index.js: class Logger {',
      'src/cache/lru.ts: export class Cache {',
      'src/math/clamp.ts: export const clamp = (n: number) => Math.max(0, n);',
      'src/url.ts: export function parseUrl(raw: string): URL {',
    ]);
  });

  it('JavaScript: require with destructuring and CommonJS exports', async () => {
    const main = `const { slugify } = require('./text');\nconst db = require('./db');\n\nfunction save(title) {\n  db.insert(slugify(title));\n  ${cursor}\n}\n`;
    const w = workspace({
      'package.json': '{}',
      'text.js': 'exports.slugify = function (s) {\n  return s.toLowerCase();\n};\n',
      'db.js': 'function insert(row) {\n  rows.push(row);\n}\nmodule.exports = { insert };\n',
      'main.js': main,
    });
    const { snippets } = await w.assembleAt('main.js', main);
    assert.deepEqual(importedFirstLines(snippets).sort(), ['db.js: function insert(row) {', 'text.js: exports.slugify = function (s) {']);
  });

  it('Python: absolute and relative imports, packages through __init__.py, submodules', async () => {
    const main = `from shop.models import Order\nfrom . import pricing\nimport shop.tax as tax\n\ndef checkout(order: Order):\n    total = pricing.total(order)\n    rate = tax.rate_for(order)\n    ${cursor}\n`;
    const w = workspace({
      'pyproject.toml': '',
      'shop/__init__.py': '',
      'shop/models/__init__.py': 'from .order import Order\n',
      'shop/models/order.py': 'class Order:\n    def __init__(self, items):\n        self.items = items\n',
      'shop/tax.py': 'def rate_for(order):\n    return 0.2\n',
      'shop/pricing.py': 'def total(order):\n    return sum(order.items)\n',
      'shop/cart.py': main,
    });
    const { snippets } = await w.assembleAt('shop/cart.py', main);
    assert.deepEqual(importedFirstLines(snippets).sort(), [
      'shop/models/order.py: class Order:',
      'shop/pricing.py: def total(order):',
      'shop/tax.py: def rate_for(order):',
    ]);
  });

  it('Go: a package of the module through go.mod', async () => {
    const main = `package main\n\nimport (\n\t"fmt"\n\t"example.com/app/store"\n)\n\nfunc main() {\n\ts := store.Open("x")\n\tfmt.Println(s)\n\t${cursor}\n}\n`;
    const w = workspace({
      'go.mod': 'module example.com/app\n\ngo 1.22\n',
      'store/store.go': 'package store\n\ntype Store struct{ path string }\n\nfunc Open(path string) *Store {\n\treturn &Store{path}\n}\n',
      'store/store_test.go': 'package store\n\nfunc Open() {}\n',
      'main.go': main,
    });
    const { snippets } = await w.assembleAt('main.go', main);
    // The function used, with its close neighbour (the type it returns) in one snippet of the file's own text.
    assert.deepEqual(importedFirstLines(snippets), ['store/store.go: type Store struct{ path string }']);
    assert.equal(
      snippets.find((s) => s.source === 'imported')?.text,
      'type Store struct{ path string }\n\nfunc Open(path string) *Store {\n\treturn &Store{path}\n}',
    );
  });

  it('Rust: crate:: and super:: paths to module files', async () => {
    const main = `use crate::config::Config;\nuse super::util::helper;\n\npub fn run(c: Config) {\n    helper(&c);\n    ${cursor}\n}\n`;
    const w = workspace({
      'Cargo.toml': '[package]\nname = "app"\n',
      'src/config.rs': 'pub struct Config {\n    pub verbose: bool,\n}\n',
      'src/cli/util.rs': 'pub fn helper(c: &crate::config::Config) {}\n',
      'src/cli/run.rs': main,
    });
    const { snippets } = await w.assembleAt('src/cli/run.rs', main);
    assert.deepEqual(importedFirstLines(snippets).sort(), [
      'src/cli/util.rs: pub fn helper(c: &crate::config::Config) {}',
      'src/config.rs: pub struct Config {',
    ]);
  });

  it('Java: class imports under the source root', async () => {
    const main = `package com.shop.web;\n\nimport com.shop.model.Order;\n\npublic class Controller {\n  void post(Order order) {\n    ${cursor}\n  }\n}\n`;
    const w = workspace({
      'pom.xml': '<project/>',
      'src/main/java/com/shop/model/Order.java': 'package com.shop.model;\n\npublic class Order {\n  public int total;\n}\n',
      'src/main/java/com/shop/web/Controller.java': main,
    });
    const { snippets } = await w.assembleAt('src/main/java/com/shop/web/Controller.java', main);
    assert.deepEqual(importedFirstLines(snippets), ['src/main/java/com/shop/model/Order.java: public class Order {']);
  });

  it('C: local includes, with the names the file uses', async () => {
    const main = `#include <stdio.h>\n#include "vec.h"\n\nint main(void) {\n  struct vec v = vec_new(4);\n  ${cursor}\n}\n`;
    const w = workspace({
      'vec.h': 'struct vec { int *items; int len; };\nstruct vec vec_new(int capacity);\nvoid vec_free(struct vec *v);\n',
      'main.c': main,
    });
    const { snippets } = await w.assembleAt('main.c', main);
    assert.ok(
      importedFirstLines(snippets).some((s) => s.startsWith('vec.h:')),
      JSON.stringify(snippets),
    );
  });
});
