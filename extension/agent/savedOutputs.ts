// Long tool results kept whole in the workspace's storage, so a small context gets the head and the
// tail while the agent can still read the rest in parts (read_output). The file's name is the
// saved output's id; the model names it, so an id is checked to be one of ours before it is read,
// never joined to a path as given. The newest `keep` outputs stay; older ones are deleted.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Lines one read_output call returns at most: a part, not the whole again. */
export const partLines = 200;

export class SavedOutputs {
  constructor(
    private readonly folder: string,
    /** Outputs longer than this (characters) are saved: about where the sidecar starts cutting by tokens. */
    readonly thresholdChars: () => number,
    private readonly keep = 20,
  ) {}

  /** Saves an output and returns the note that tells the model how to read it, or '' when it is short. */
  async saveIfLong(callId: string, output: string): Promise<string> {
    if (output.length <= this.thresholdChars()) return '';
    const id = `output-${callId.replace(/[^\w.-]/g, '_')}`;
    await mkdir(this.folder, { recursive: true });
    await writeFile(path.join(this.folder, `${id}.txt`), output, 'utf8');
    await this.prune();
    const lines = output.split('\n').length;
    return `\n[The whole output (${lines} lines) is saved as "${id}": read it in parts with read_output(id, startLine, endLine).]`;
  }

  /** Lines startLine..endLine (1-based) of a saved output, numbered, at most `partLines` of them. */
  async read(id: string, startLine = 1, endLine?: number): Promise<string> {
    const known = /^output-[\w.-]+$/.test(id) ? (await this.ids()).includes(id) : false;
    if (!known) throw new Error(`There is no saved output "${id}". Saved outputs are named in tool results as "output-…".`);
    const lines = (await readFile(path.join(this.folder, `${id}.txt`), 'utf8')).split('\n');
    const first = Math.max(1, startLine);
    const last = Math.min(lines.length, endLine ?? first + partLines - 1, first + partLines - 1);
    if (first > lines.length) throw new Error(`${id} has ${lines.length} lines; startLine ${startLine} is past the end.`);
    const part = lines.slice(first - 1, last).map((line, i) => `${first + i}: ${line}`);
    const more = last < lines.length ? `\n[lines ${first}-${last} of ${lines.length}; read on with startLine ${last + 1}]` : '';
    return part.join('\n') + more;
  }

  private async ids(): Promise<string[]> {
    const names = await readdir(this.folder).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith('.txt')).map((name) => name.slice(0, -4));
  }

  private async prune(): Promise<void> {
    const files = await Promise.all((await this.ids()).map(async (id) => ({ id, time: (await stat(path.join(this.folder, `${id}.txt`))).mtimeMs })));
    files.sort((a, b) => b.time - a.time);
    await Promise.all(files.slice(this.keep).map((file) => rm(path.join(this.folder, `${file.id}.txt`), { force: true })));
  }
}
