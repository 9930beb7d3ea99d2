// Where the acceptance statistics live: one JSON file in this machine's global storage, read once,
// written a second after a change (whole, to a temporary file renamed over the old one, so a crash
// never leaves half a file). Nothing here sends anything anywhere.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emptyStats, UsageStats } from '../../protocol/usageStats';

const writeAfterMs = 1_000;

export class UsageStore {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  /** `warn` hears why a stored file was not used. */
  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void,
  ) {}

  async load(now = Date.now()): Promise<UsageStats> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return emptyStats(now);
    }
    try {
      const parsed = UsageStats.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
      this.warn(`The usage statistics in ${this.file} do not have the expected shape; counting starts again.`);
    } catch {
      this.warn(`The usage statistics in ${this.file} are not valid JSON; counting starts again.`);
    }
    return emptyStats(now);
  }

  /** Writes `stats()` soon; several changes in a row are one write. */
  schedule(stats: () => UsageStats): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write(stats());
    }, writeAfterMs);
  }

  /** Writes now (the export, a reset, shutting down). */
  async flush(stats: UsageStats): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write(stats);
  }

  private write(stats: UsageStats): Promise<void> {
    const text = JSON.stringify(stats);
    // One write at a time, in order; a failed one is reported and does not stop the next.
    this.writing = this.writing
      .then(async () => {
        await mkdir(path.dirname(this.file), { recursive: true });
        const temporary = `${this.file}.${process.pid}.tmp`;
        await writeFile(temporary, text);
        await rename(temporary, this.file);
      })
      .catch((error: unknown) => this.warn(`Could not save the usage statistics: ${String(error)}`));
    return this.writing;
  }
}
