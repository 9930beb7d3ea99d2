// Where names are used in a document, by line: the signal that ranks imported symbols. Occurrences
// on the import statements themselves do not count.

const identifier = /[A-Za-z_$][\w$]*/g;

export class UsageIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly lineStarts: number[];

  constructor(
    private readonly text: string,
    private readonly ignoredLines: ReadonlySet<number>,
  ) {
    this.lineStarts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    let line = 0;
    for (const match of text.matchAll(identifier)) {
      while (line + 1 < this.lineStarts.length && this.lineStarts[line + 1]! <= match.index) line++;
      if (ignoredLines.has(line)) continue;
      const lines = this.byName.get(match[0]);
      if (lines) lines.push(line);
      else this.byName.set(match[0], [line]);
    }
  }

  /** Lines that use `name` as a bare identifier. */
  linesOf(name: string): readonly number[] {
    return this.byName.get(name) ?? [];
  }

  /** `namespace.member` uses (namespace may be dotted, as Python's `import a.b`): member → lines. */
  membersOf(namespace: string): Map<string, number[]> {
    const members = new Map<string, number[]>();
    const pattern = new RegExp(`(?<![\\w$.])${namespace.replace(/[.$]/g, (c) => `\\s*\\${c}\\s*`)}\\s*(?:\\.|::)\\s*([A-Za-z_$][\\w$]*)`, 'g');
    for (const match of this.text.matchAll(pattern)) {
      const line = this.lineAt(match.index);
      if (this.ignoredLines.has(line)) continue;
      const lines = members.get(match[1]!) ?? [];
      lines.push(line);
      members.set(match[1]!, lines);
    }
    return members;
  }

  lineAt(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** camelCase, snake_case and PascalCase words, lower-cased: `parseHttpURL` → parse, http, url. */
export function subwords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 1)
    .map((word) => word.toLowerCase());
}
