// Streams text in ~25 ms batches: one IPC message per batch instead of one per token. Until the
// first text that is not white space has gone out, each piece goes at once: the first words are what
// the user waits for (25 ms of the chat panel's first-character time; docs/decisions.md).
export class DeltaBatcher {
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly send: (text: string) => void,
    private readonly intervalMs = 25,
  ) {}

  push(text: string): void {
    this.buffer += text;
    if (!this.shown) {
      this.shown = /\S/.test(this.buffer);
      return this.flush();
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = '';
    this.send(text);
  }
}
