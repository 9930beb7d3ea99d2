// Test helper process for lifecycle.test.ts: plays the extension host, then gets killed.
import { startHarness } from './harness';

const { sidecar } = startHarness();
await sidecar.ensureStarted();
process.stdout.write(`sidecar-pid=${sidecar.pid}\n`);
setInterval(() => undefined, 1_000);
