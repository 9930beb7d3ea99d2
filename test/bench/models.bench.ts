// Engines-and-models numbers, side by side in one run:
//  1. swapping the completion model returns the old model's memory (sidecar RSS back within 10 %);
//  2. a model that cannot fit is refused before any allocation (RSS unchanged, answered fast).
import { LoadModel, Ping } from '../../protocol/sidecar';
import { badModelFiles, benchModel, fimModel } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const [small, big, { tooLarge }] = await Promise.all([fimModel(), benchModel(), badModelFiles()]);
const { sidecar } = startHarness({ settings: () => ({ threads: 1 }) });
const rss = async () => {
  const ping = await sidecar.request(Ping, null);
  console.log(`  rss ${mib(ping.rssBytes)}, js heap + external ${mib(ping.heapBytes ?? 0)}`);
  return ping.rssBytes;
};
const load = (path: string) => sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path }, contextSize: 2048 });

await load(small);
const before = await rss();
await load(big);
const loaded = await rss();
await load(small);
// Give the allocator a moment to hand freed pages back.
await new Promise((resolve) => setTimeout(resolve, 500));
const after = await rss();

const refusalStarted = performance.now();
const refused = await load(tooLarge).then(
  () => 'loaded (unexpected)',
  (error: Error) => error.message,
);
const refusalMs = performance.now() - refusalStarted;
const afterRefusal = await rss();
await sidecar.dispose();

console.log('\nPylot models bench — swapping the completion model, refusing what cannot fit\n');
console.log(`RSS with the small model:        ${mib(before)}`);
console.log(`RSS with the 0.5B-shaped model:  ${mib(loaded)}`);
console.log(`RSS after swapping back:         ${mib(after)}  → ${((after / before - 1) * 100).toFixed(1)} % above before (target ≤ 10 %)`);
console.log(
  `128 GiB model refused in ${refusalMs.toFixed(0)} ms, RSS ${mib(afterRefusal)} (${((afterRefusal / after - 1) * 100).toFixed(1)} % change): ${refused.slice(0, 140)}…`,
);
