// Roles that use the same GGUF file share one loaded model (each gets its own context), so the
// weights are held once in the memory budget the roles share.
import type { LlamaModel } from 'node-llama-cpp';

interface Entry {
  readonly model: Promise<LlamaModel>;
  users: number;
}

export class ModelPool {
  private readonly entries = new Map<string, Entry>();

  /** The model at `path`, loaded by `load` if no role holds it yet. Pair with release(). */
  acquire(path: string, load: () => Promise<LlamaModel>): Promise<LlamaModel> {
    let entry = this.entries.get(path);
    if (!entry) {
      entry = { model: load(), users: 0 };
      this.entries.set(path, entry);
      const failed = entry;
      entry.model.catch(() => {
        if (this.entries.get(path) === failed) this.entries.delete(path);
      });
    }
    entry.users++;
    return entry.model;
  }

  isLoaded(path: string): boolean {
    return this.entries.has(path);
  }

  async release(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (!entry || --entry.users > 0) return;
    this.entries.delete(path);
    await (await entry.model.catch(() => undefined))?.dispose();
  }
}
