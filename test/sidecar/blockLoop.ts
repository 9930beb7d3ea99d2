// Preloaded into a sidecar by lifecycle tests (node --import): on SIGUSR2 it marks a file, then
// blocks the event loop for good, the state a runaway synchronous call leaves a process in.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const mark = process.env.PYLOT_TEST_BLOCKED_MARK;
if (isMainThread && mark) {
  process.on('SIGUSR2', () => {
    writeFileSync(mark, String(process.pid));
    for (;;);
  });
}
