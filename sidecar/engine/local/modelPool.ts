// Roles that use the same GGUF file share one loaded model (each gets its own context), so the
// weights are held once in the memory budget the roles share. "The same file" is the file system's
// answer, not the path's spelling: a catalog model and its path, a symlink, a hard link, `..` or a
// case-insensitive drive's other spelling all reach one entry.
import type { LlamaModel } from 'node-llama-cpp';
import { realpath, stat } from 'node:fs/promises';

interface Entry {
  readonly model: Promise<LlamaModel>;
  users: number;
}

/** One role's hold on a loaded model; release() once, and the weights go when no role holds them. */
export interface ModelLease {
  readonly model: LlamaModel;
  /** Another role had already loaded these weights: this role added only its context. */
  readonly shared: boolean;
  release(): Promise<void>;
}

export class ModelPool {
  private readonly entries = new Map<string, Entry>();

  /**
   * The model in the file at `path`, loaded by `load` if no role holds that file yet. When the load
   * this role was waiting on fails for another role (that role swapped away and cancelled it), this
   * role loads the file itself unless its own `signal` was cancelled too.
   */
  async acquire(path: string, load: () => Promise<LlamaModel>, signal?: AbortSignal): Promise<ModelLease> {
    const key = await fileIdentity(path);
    let entry = this.entries.get(key);
    const shared = entry !== undefined;
    if (!entry) {
      entry = { model: load(), users: 0 };
      this.entries.set(key, entry);
      const failed = entry;
      entry.model.catch(() => {
        if (this.entries.get(key) === failed) this.entries.delete(key);
      });
    }
    entry.users++;
    const held = entry;
    let model: LlamaModel;
    try {
      model = await held.model;
    } catch (error) {
      held.users--;
      if (shared && !signal?.aborted) return this.acquire(path, load, signal);
      throw error;
    }
    let released = false;
    return {
      model,
      shared,
      release: async () => {
        if (released) return;
        released = true;
        if (--held.users > 0) return;
        if (this.entries.get(key) === held) this.entries.delete(key);
        await model.dispose();
      },
    };
  }

  /** Whether some role already holds the weights in this file (so loading it costs no more weights). */
  async holds(path: string): Promise<boolean> {
    return this.entries.has(await fileIdentity(path).catch(() => ''));
  }

  /** How many models are loaded: roles sharing a file count once. */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * Device and inode (Windows: volume serial and file index) of what `path` points at, with size and
 * modification time, so a file rewritten in place is a new model, never the old weights.
 */
export async function fileIdentity(path: string): Promise<string> {
  const { dev, ino, size, mtimeNs } = await stat(path, { bigint: true });
  // A file system without inode numbers (some FAT and network drives report 0): the resolved path.
  const file = ino === 0n ? `path:${await realpath(path)}` : `${dev}:${ino}`;
  return `${file}:${size}:${mtimeNs}`;
}
