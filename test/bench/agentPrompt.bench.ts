// Issue-14 numbers: what the agent's system prompt and tool list cost, in real tokens (node-llama-cpp
// tokenizing with Qwen2's and Llama 3's vocabularies, the families of most small local models), per
// context size, before issue 14 (bundled from git history) and now, in one run. JSON mode: the
// system prompt holds the tools. Native mode: a short system prompt plus the tools' JSON schemas,
// which the model's chat template renders (counted as their JSON).
import { getLlama } from 'node-llama-cpp';
import { toolSpecs } from '../../protocol/agent';
import { promptSizeFor, systemPrompt } from '../../sidecar/agent/prompt';
import { toolDefinitions } from '../../sidecar/agent/propose';
import { vocabFile } from '../fixtures/vocab';
import { repoRoot } from '../sidecar/harness';
import { importFromHistory } from './fromHistory';
import { table } from './stats';

const beforeCommit = process.env.PYLOT_BENCH_BEFORE ?? '9a28263';
const folders = ['/home/user/projects/shop'];
const contextSizes = [4096, 8192, 16384, 32768];

type Before = { systemPrompt: (tools: typeof toolSpecs, folders: string[], native: boolean) => string; toolDefinitions: (tools: typeof toolSpecs) => unknown };

async function before(): Promise<Before | string> {
  const { module, reason } = await importFromHistory<Before>({
    repoRoot,
    commit: beforeCommit,
    folder: `agentPrompt-${beforeCommit}`,
    bundle: 'prompt.mjs',
    entry: { source: "export { systemPrompt } from './sidecar/agent/prompt';\nexport { toolDefinitions } from './sidecar/agent/propose';\n" },
  });
  return module ?? reason!;
}

const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1 });
const old = await before();
for (const vocab of ['qwen2', 'llama-bpe', 'phi-3']) {
  const model = await llama.loadModel({ modelPath: await vocabFile(vocab), vocabOnly: true });
  const tokens = (text: string) => model.tokenize(text, false).length;
  const rows = [['context', 'JSON mode before', 'JSON mode now', 'native before', 'native now', 'share now (JSON)']];
  for (const contextSize of contextSizes) {
    const size = promptSizeFor(contextSize);
    const jsonNow = tokens(systemPrompt(toolSpecs, folders, false, size));
    const nativeNow = tokens(systemPrompt(toolSpecs, folders, true, size)) + tokens(JSON.stringify(toolDefinitions(toolSpecs, size)));
    const jsonThen = typeof old === 'string' ? undefined : tokens(old.systemPrompt(toolSpecs, folders, false));
    const nativeThen =
      typeof old === 'string' ? undefined : tokens(old.systemPrompt(toolSpecs, folders, true)) + tokens(JSON.stringify(old.toolDefinitions(toolSpecs)));
    const ratio = (now: number, then?: number) => (then ? `${now} (×${(now / then).toFixed(2)})` : String(now));
    rows.push([
      `${contextSize / 1024}k (${size})`,
      String(jsonThen ?? '–'),
      ratio(jsonNow, jsonThen),
      String(nativeThen ?? '–'),
      ratio(nativeNow, nativeThen),
      `${((100 * jsonNow) / contextSize).toFixed(1)} %`,
    ]);
  }
  console.log(`\nAgent system prompt + tool list, ${toolSpecs.length} tools, tokens in the ${vocab} vocabulary`);
  console.log(table(rows));
  await model.dispose();
}
if (typeof old === 'string') console.log(`(before: ${old})`);
