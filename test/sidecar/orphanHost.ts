// Test helper process for lifecycle.test.ts: plays the extension host, then gets killed.
// PYLOT_TEST_SIDECAR_ENV (JSON) is passed on to the sidecar it starts.
import { startHarness } from './harness';

const env = JSON.parse(process.env.PYLOT_TEST_SIDECAR_ENV ?? '{}') as Record<string, string>;
const { sidecar } = startHarness({ env });
await sidecar.ensureStarted();
process.stdout.write(`sidecar-pid=${sidecar.pid}\n`);
setInterval(() => undefined, 1_000);
