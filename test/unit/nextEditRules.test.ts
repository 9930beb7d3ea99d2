// Model-free next edits, as a user meets them: type a change in a real document mirror (TypeScript,
// Python, plain text), then read the edits offered elsewhere — a renamed name's other uses in its
// scope, a change made twice at its remaining matches, a changed signature's call sites — and what
// is never offered: anything in a secret file, the user's own edit back, an undo of it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DocumentTrees } from '../../sidecar/context/documentTrees';
import { DocumentStore } from '../../sidecar/documents/store';
import { EditHistory } from '../../sidecar/nextEdit/editHistory';
import { suggestNextEdits } from '../../sidecar/nextEdit/nextEdits';
import type { Suggestion } from '../../sidecar/nextEdit/suggestion';

const trees = new DocumentTrees();
after(() => trees.dispose());

class Session {
  readonly documents = new DocumentStore();
  readonly history = new EditHistory({ textOf: (uri) => this.documents.peek(uri)?.text });
  private version = 1;
  private cursor = 0;

  constructor(
    readonly name: string,
    readonly languageId: string,
    text: string,
  ) {
    this.documents.onEdit((uri, edit) => this.history.record(uri, edit));
    this.documents.open({ uri: this.uri, languageId, version: 1, text });
  }

  get uri(): string {
    return `file:///ws/${this.name}`;
  }

  get text(): string {
    return this.documents.peek(this.uri)!.text;
  }

  /** Selects the `nth` (0-based) whole-text match of `find` and types `replace` over it, key by key. */
  type(find: string, replace: string, nth = 0): this {
    let start = -1;
    for (let i = 0; i <= nth; i++) start = this.text.indexOf(find, start + 1);
    assert.ok(start >= 0, `${find} (#${nth}) is in ${this.name}`);
    this.edit(start, start + find.length, '');
    for (let i = 0; i < replace.length; i++) this.edit(start + i, start + i, replace[i]!);
    this.cursor = start + replace.length;
    return this;
  }

  /** Replaces the first match of `find` with `replace` in one edit, as a paste does. */
  paste(find: string, replace: string): this {
    const start = this.text.indexOf(find);
    assert.ok(start >= 0, `${find} is in ${this.name}`);
    this.edit(start, start + find.length, replace);
    this.cursor = start + replace.length;
    return this;
  }

  async suggestions(): Promise<Suggestion[]> {
    const document = this.documents.peek(this.uri)!;
    return suggestNextEdits(document, await trees.treeFor(document), this.history, this.cursor);
  }

  /** Each suggestion as the line it lands on, with the edit applied (or marked, for a place to look at). */
  async lines(): Promise<string[]> {
    const text = this.text;
    return (await this.suggestions()).map((s) => {
      const lineStart = text.lastIndexOf('\n', s.start - 1) + 1;
      const lineEnd = text.indexOf('\n', s.end);
      const line = text.slice(lineStart, s.start) + (s.text ?? `[${text.slice(s.start, s.end)}]`) + text.slice(s.end, lineEnd < 0 ? undefined : lineEnd);
      return `${s.rule}: ${line.trim()}`;
    });
  }

  private edit(start: number, end: number, text: string): void {
    const at = (offset: number) => {
      const before = this.text.slice(0, offset);
      return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
    };
    this.documents.change({ uri: this.uri, version: ++this.version, changes: [{ range: { start: at(start), end: at(end) }, text }] });
  }
}

const ts = (...lines: string[]) => lines.join('\n') + '\n';

describe('next edits: a renamed identifier', () => {
  it('TypeScript local: offers its other uses in its own function only, not a namesake elsewhere or in a string', async () => {
    const s = new Session(
      'cart.ts',
      'typescript',
      ts(
        'function total(items: Item[]) {',
        '  let sum = 0;',
        '  for (const item of items) sum += item.price;',
        '  console.log("sum is", sum);',
        '  return sum;',
        '}',
        'function other() {',
        '  const sum = 1;',
        '  return sum;',
        '}',
      ),
    );
    s.type('sum', 'subtotal');
    assert.deepEqual(await s.lines(), [
      'rename: for (const item of items) subtotal += item.price;',
      'rename: console.log("sum is", subtotal);',
      'rename: return subtotal;',
    ]);
  });

  it('TypeScript reference renamed: the parameter it names and its other uses, nearest to the cursor first', async () => {
    const s = new Session(
      'area.ts',
      'typescript',
      ts('export function area(width: number) {', '  const half = width / 2;', '  return width * half;', '}', 'const width = 3;'),
    );
    s.type('width', 'w', 2);
    assert.deepEqual(await s.lines(), ['rename: const half = w / 2;', 'rename: export function area(w: number) {']);
  });

  it('each use says whether it declares the name in its scope (where VS Code’s rename provider is asked from)', async () => {
    const s = new Session(
      'price.ts',
      'typescript',
      ts(
        'export function price(items: number[]) {',
        '  return items.length;',
        '}',
        'function other() {',
        '  const price = 2;',
        '  return price;',
        '}',
        'const cost = price([1]);',
      ),
    );
    s.type('price', 'amount', 3);
    const uses = (await s.suggestions()).map(({ start, rename }) => [s.text.slice(0, start).split('\n').length - 1, rename?.declaration]);
    assert.deepEqual(uses.sort(), [
      [0, true],
      [4, false],
      [5, false],
    ]);
    const [first] = await s.suggestions();
    const site = s.text.lastIndexOf('amount');
    assert.deepEqual({ ...first!.rename, declaration: undefined }, { from: 'price', to: 'amount', siteStart: site, siteEnd: site + 6, declaration: undefined });
  });

  it('TypeScript function renamed at its declaration: every call in the file, not a property of that name', async () => {
    const s = new Session(
      'shapes.ts',
      'typescript',
      ts(
        'function draw(shape: Shape) {',
        '  return shape.kind;',
        '}',
        'draw(circle);',
        'const pen = { draw: 1 };',
        'pen.draw;',
        'export const all = shapes.map((s) => draw(s));',
      ),
    );
    s.type('draw', 'render');
    assert.deepEqual(await s.lines(), ['rename: render(circle);', 'rename: export const all = shapes.map((s) => render(s));']);
  });

  it('TypeScript property renamed: other uses of the property, not a local of the same name; types stay types', async () => {
    const s = new Session(
      'counter.ts',
      'typescript',
      ts(
        'class Counter {',
        '  count = 0;',
        '  bump(count: number) {',
        '    this.count += count;',
        '    return this.count;',
        '  }',
        '}',
        'type count = number;',
      ),
    );
    s.type('this.count', 'this.total');
    assert.deepEqual(await s.lines(), ['rename: return this.total;']);
  });

  it('Python parameter renamed: its uses in that function only', async () => {
    const s = new Session(
      'calc.py',
      'python',
      ts('def scale(value, factor=2):', '    doubled = value * factor', '    return doubled + value', '', 'def other(value):', '    return value'),
    );
    s.type('value', 'amount');
    assert.deepEqual(await s.lines(), ['rename: doubled = amount * factor', 'rename: return doubled + amount']);
  });

  it('Python attribute renamed: the other attributes, not a local variable of that name', async () => {
    const s = new Session(
      'account.py',
      'python',
      ts(
        'class Account:',
        '    def __init__(self):',
        '        self.balance = 0',
        '',
        '    def deposit(self, amount):',
        '        balance = amount',
        '        self.balance += balance',
        '        return self.balance',
      ),
    );
    s.type('self.balance', 'self.funds');
    assert.deepEqual(await s.lines(), ['rename: self.funds += balance', 'rename: return self.funds']);
  });

  it('Python module-level function renamed: its calls, not the same word in a comment or a string', async () => {
    const s = new Session(
      'load.py',
      'python',
      ts('def load(path):', '    return open(path).read()', '', '# load the config', 'config = load("load.txt")', 'data = [load(p) for p in paths]'),
    );
    s.type('load', 'read_file');
    assert.deepEqual(await s.lines(), ['rename: config = read_file("load.txt")', 'rename: data = [read_file(p) for p in paths]']);
  });

  it('a name swapped inside a pasted line: its other uses, and nothing for the words around it', async () => {
    const s = new Session(
      'paste.ts',
      'typescript',
      ts('function f(items: number[]) {', '  let sum = 0;', '  for (const x of items) sum += x;', '  return sum;', '}'),
    );
    s.paste('  let sum = 0;', '  let subtotal: number = 0;');
    assert.deepEqual(await s.lines(), ['rename: for (const x of items) subtotal += x;', 'rename: return subtotal;']);
  });

  it('offers nothing for a changed string, a new word, or a name used nowhere else', async () => {
    const literal = new Session('a.ts', 'typescript', ts('const greeting = "hello";', 'console.log("hello");'));
    literal.type('hello', 'howdy');
    assert.deepEqual(await literal.lines(), []);
    const fresh = new Session('b.ts', 'typescript', ts('const a = 1;', ''));
    fresh.type('\n', '\nconst b = 2;');
    assert.deepEqual(await fresh.lines(), []);
    const lonely = new Session('c.py', 'python', ts('x = 1', 'print(y)'));
    lonely.type('x', 'z');
    assert.deepEqual(await lonely.lines(), []);
  });
});

describe('next edits: a change made twice', () => {
  it('TypeScript: offers it at the remaining matches, whole words only', async () => {
    const s = new Session('log.ts', 'typescript', ts('log("a");', 'log("b");', 'dialog("c");', 'log("d");', 'catalog.log("e");'));
    s.type('log(', 'logger.info(');
    assert.deepEqual(await s.lines(), [], 'once is not yet a pattern');
    s.type('log("b")', 'logger.info("b")');
    assert.deepEqual(await s.lines(), ['repeat: logger.info("d");'], 'not in dialog(, nor after another character (catalog.log)');
  });

  it('Python: a deletion made twice is offered at the rest', async () => {
    const s = new Session('t.py', 'python', ts('x = await fetch(a)', 'y = await fetch(b)', 'z = await fetch(c)'));
    s.type('await ', '');
    s.type('await ', '');
    assert.deepEqual(await s.lines(), ['repeat: z = fetch(c)']);
  });

  it('matches the characters around the change too: (a) → (a, b) only where `a` is the whole argument', async () => {
    const s = new Session('args.ts', 'typescript', ts('f(a);', 'g(a);', 'h(a, c);', 'k(a);', 'const a2 = a;'));
    s.type('f(a)', 'f(a, b)');
    s.type('g(a)', 'g(a, b)');
    assert.deepEqual(await s.lines(), ['repeat: k(a, b);']);
  });

  it('works in a language without a grammar (plain text), where renames cannot', async () => {
    const s = new Session('notes.txt', 'plaintext', ts('TODO: one', 'TODO: two', 'TODO: three'));
    s.type('TODO', 'DONE');
    s.type('TODO', 'DONE');
    assert.deepEqual(await s.lines(), ['repeat: DONE: three']);
  });

  it('two different changes are no pattern', async () => {
    const s = new Session('two.ts', 'typescript', ts('a(1);', 'a(2);', 'a(3);'));
    s.type('1', '10');
    s.type('2', '20');
    assert.deepEqual(await s.lines(), []);
  });
});

describe('next edits: a changed signature', () => {
  it('TypeScript: points at the calls of the function, and edits none of them', async () => {
    const s = new Session(
      'area.ts',
      'typescript',
      ts('function area(w: number) {', '  return w * w;', '}', 'area(2);', 'const shapes = { area };', 'shapes.area(3);', 'perimeter(4);'),
    );
    s.type('w: number)', 'w: number, h: number)');
    const suggestions = await s.suggestions();
    assert.ok(suggestions.every((x) => x.text === undefined && x.rule === 'callSite'));
    assert.deepEqual(await s.lines(), ['callSite: area[(2)];', 'callSite: shapes.area[(3)];']);
  });

  it('Python: a parameter added to a method points at its calls through self and through an object', async () => {
    const s = new Session(
      'geo.py',
      'python',
      ts('class Shape:', '    def area(self):', '        return 0', '', '    def double(self):', '        return 2 * self.area()', '', 'print(Shape().area())'),
    );
    s.type('area(self)', 'area(self, unit)');
    assert.deepEqual(await s.lines(), ['callSite: return 2 * self.area[()]', 'callSite: print(Shape().area[()])']);
  });

  it('a renamed parameter is a rename, not a signature change', async () => {
    const s = new Session('p.ts', 'typescript', ts('function f(a: number) {', '  return a;', '}', 'f(1);'));
    s.type('a: number', 'b: number');
    assert.deepEqual(await s.lines(), ['rename: return b;']);
  });
});

describe('next edits: what is never offered', () => {
  for (const name of ['.env', '.env.production', 'config/secrets.json', 'id_ed25519', 'app.pem']) {
    it(`nothing in the secret file ${name}`, async () => {
      const s = new Session(name, 'dotenv', ts('KEY=old', 'OTHER=old', 'THIRD=old'));
      s.type('old', 'new');
      s.type('old', 'new');
      assert.deepEqual(await s.suggestions(), []);
    });
  }

  it('never the user’s own edit back, nor an edit that undoes it', async () => {
    const s = new Session('u.ts', 'typescript', ts('let count = 0;', 'count++;', 'count++;'));
    s.type('count', 'total');
    const text = s.text;
    const before = ts('let count = 0;', 'count++;', 'count++;');
    for (const x of await s.suggestions()) {
      assert.ok(x.start >= text.indexOf('\n'), `not on the edited line: ${JSON.stringify(x)}`);
      assert.notEqual(text.slice(0, x.start) + (x.text ?? '') + text.slice(x.end), before);
    }
    assert.equal((await s.suggestions()).length, 2);
  });

  it('nothing once the user has typed the change back (undone)', async () => {
    const s = new Session('v.ts', 'typescript', ts('let count = 0;', 'count++;'));
    s.type('count', 'total');
    s.type('total', 'count');
    assert.deepEqual(await s.suggestions(), []);
  });

  it('nothing in a document other than the one the latest change is in', async () => {
    const s = new Session('w.ts', 'typescript', ts('let count = 0;', 'count++;'));
    s.type('count', 'total');
    const other = new Session('x.ts', 'typescript', ts('let count = 0;', 'count++;'));
    assert.deepEqual(await other.suggestions(), []);
  });
});
