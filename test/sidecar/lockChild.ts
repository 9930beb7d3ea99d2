// One of several processes racing for an index's writer lock. It says "ready", then for each line
// `<id> lock <file>` or `<id> index <root> <storageDir>` on stdin takes that lock (a WriterLock, or
// a whole WorkspaceIndex opening) at once and answers `<id> writer|reader`. Locks are held until
// the process ends, as a sidecar holds its index; the parent kills it by pid.
import { createInterface } from 'node:readline';
import { WorkspaceIndex } from '../../sidecar/index/workspaceIndex';
import { WriterLock } from '../../sidecar/index/writerLock';
import { PauseGate } from '../../sidecar/index/pauseGate';

const held: unknown[] = [];
const services = {
  embedder: { model: () => undefined, embed: async () => [] },
  background: <T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>) => task(signal),
  pause: new PauseGate(),
  onStatus: () => undefined,
};

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [id, kind, first, second] = line.split('\t');
  let writer: boolean;
  if (kind === 'lock') {
    const lock = new WriterLock(first!);
    writer = lock.acquire();
    held.push(lock);
  } else {
    const index = WorkspaceIndex.open({ root: first!, storageDir: second! }, services);
    writer = index.writer;
    held.push(index);
  }
  process.stdout.write(`${id}\t${writer ? 'writer' : 'reader'}\n`);
}
