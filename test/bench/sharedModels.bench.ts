// Memory of two roles on one model file, side by side in one run: completion and chat naming the
// same 0.5B-shaped file (through a symlink) share one copy of the weights; naming two copies of it
// loads it twice. Each case runs in a fresh sidecar, one after the other.
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LoadModel, Ping } from '../../protocol/sidecar';
import { benchModel } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const model = await benchModel();
const dir = mkdtempSync(path.join(tmpdir(), 'pylot-shared-bench-'));
const link = path.join(dir, 'link.gguf');
const copy = path.join(dir, 'copy.gguf');
symlinkSync(model, link);
copyFileSync(model, copy);

async function rolesOn(completionFile: string, chatFile: string) {
  const { sidecar } = startHarness({ settings: () => ({ threads: 1 }) });
  try {
    const empty = (await sidecar.request(Ping, null)).rssBytes;
    await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: completionFile }, contextSize: 2048 });
    await sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: chatFile }, contextSize: 2048 });
    const ping = await sidecar.request(Ping, null);
    return { added: ping.rssBytes - empty, rss: ping.rssBytes, models: ping.localModels ?? 0 };
  } finally {
    await sidecar.dispose();
  }
}

try {
  const shared = await rolesOn(model, link);
  const twice = await rolesOn(model, copy);
  console.log('\nPylot shared-models bench — completion and chat on one 0.5B-shaped file (Q8_0, 2,048-token contexts)\n');
  console.log(`one file for both roles:   ${shared.models} model(s) loaded, RSS ${mib(shared.rss)} (+${mib(shared.added)} over the empty sidecar)`);
  console.log(`two copies of the file:    ${twice.models} model(s) loaded, RSS ${mib(twice.rss)} (+${mib(twice.added)})`);
  console.log(`memory the models take, sharing vs loading twice: ${(shared.added / twice.added).toFixed(2)} (≈ 0.5 when the weights dominate)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
