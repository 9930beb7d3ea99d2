// An in-memory NTFS as Win32 shows it, for the agent's path policy: drive letters and UNC shares,
// names matched whatever their case (NTFS upper-cases both sides, so `ı` and `ſ` match `I` and `S`)
// and stored as written, trailing dots and spaces and `:stream` suffixes dropped, 8.3 short names,
// junctions and symlinks, hard-link counts. realpath answers as Windows does: long names, the stored
// case, an upper-case drive letter, no `\\?\` prefix.
import path from 'node:path';
import type { PolicyFileSystem } from '../../../extension/agent/policy/policyFileSystem';

interface Entry {
  name: string;
  kind: 'dir' | 'file' | 'link';
  short?: string;
  children?: Map<string, Entry>;
  target?: string;
  text?: string;
  links?: number;
}

const win = path.win32;
const fold = (name: string) => name.toUpperCase();

function fsError(code: string, file: string): Error {
  return Object.assign(new Error(`${code}: ${file}`), { code });
}

export class FakeWindowsFs implements PolicyFileSystem {
  readonly path = win;
  private readonly volumes = new Map<string, Entry>();

  /** Creates the folders along `file` and a file there; `short` is its 8.3 alias. */
  writeFile(file: string, text: string, options: { short?: string; links?: number } = {}): void {
    this.add(file, { kind: 'file', text, ...options });
  }

  mkdir(folder: string, options: { short?: string } = {}): void {
    this.add(folder, { kind: 'dir', children: new Map(), ...options });
  }

  /** A junction or directory symlink (Windows resolves both the same way here). */
  link(at: string, target: string): void {
    this.add(at, { kind: 'link', target });
  }

  async realpath(file: string): Promise<string> {
    return this.walk(file, true).real;
  }

  async lstat(file: string) {
    const { entry } = this.walk(file, false);
    return { isDirectory: () => entry.kind === 'dir', isSymbolicLink: () => entry.kind === 'link', nlink: entry.links ?? 1 };
  }

  async readFile(file: string): Promise<string> {
    const { entry } = this.walk(file, true);
    if (entry.kind !== 'file') throw fsError('EISDIR', file);
    return entry.text ?? '';
  }

  async caseInsensitive(): Promise<boolean> {
    return true;
  }

  private add(file: string, made: Omit<Entry, 'name'>): void {
    const { volume, names } = this.split(file);
    let folder = this.volume(volume);
    for (const [i, name] of names.entries()) {
      const last = i === names.length - 1;
      let child = folder.children!.get(fold(name));
      if (!child) {
        child = last ? { name, ...made } : { name, kind: 'dir', children: new Map() };
        folder.children!.set(fold(name), child);
        if (child.short) folder.children!.set(fold(child.short), child);
      }
      folder = child;
    }
  }

  private volume(key: string): Entry {
    let root = this.volumes.get(fold(key));
    if (!root) this.volumes.set(fold(key), (root = { name: key, kind: 'dir', children: new Map() }));
    return root;
  }

  /** `C:` or `\\server\share` and the names below it, as Win32 normalizes them. */
  private split(file: string): { volume: string; names: string[] } {
    let plain = file.replace(/\//g, '\\');
    if (/^\\\\\?\\UNC\\/i.test(plain)) plain = `\\\\${plain.slice(8)}`;
    else if (/^\\\\\?\\[a-z]:/i.test(plain)) plain = plain.slice(4);
    const { root } = win.parse(plain);
    if (!win.isAbsolute(plain) || !/^([a-z]:\\|\\\\[^\\]+\\[^\\]+\\?)$/i.test(root)) throw fsError('EINVAL', file);
    const volume = root.replace(/\\$/, '');
    const names: string[] = [];
    for (const part of plain.slice(root.length).split('\\')) {
      const name = part.replace(/:.*$/, '').replace(/[. ]+$/, '');
      if (name === '' || name === '.') continue;
      if (name === '..') names.pop();
      else names.push(name);
    }
    return { volume: /^[a-z]:$/i.test(volume) ? volume.toUpperCase() : volume, names };
  }

  private walk(file: string, followLast: boolean, depth = 0): { entry: Entry; real: string } {
    if (depth > 32) throw fsError('ELOOP', file);
    const { volume, names } = this.split(file);
    let entry = this.volumes.get(fold(volume));
    if (!entry) throw fsError('ENOENT', file);
    let real = `${volume}\\`;
    for (const [i, name] of names.entries()) {
      if (entry.kind !== 'dir') throw fsError('ENOTDIR', file);
      const child: Entry | undefined = entry.children!.get(fold(name));
      if (!child) throw fsError('ENOENT', file);
      if (child.kind === 'link' && (followLast || i < names.length - 1)) {
        const rest = names.slice(i + 1);
        return this.walk(win.join(child.target!, ...rest), followLast, depth + 1);
      }
      entry = child;
      real = win.join(real, child.name);
    }
    return { entry, real };
  }
}
