// A local engine loaded in the test's own process (real node-llama-cpp on one CPU thread, no
// sidecar around it), and the long FIM prompts of distinct text that the sequence tests feed it.
import { loadLocalEngine, type LocalEngine, type LocalLoadOptions } from '../../sidecar/engine/local/localEngine';
import { ModelPool } from '../../sidecar/engine/local/modelPool';
import { createRuntime } from '../../sidecar/engine/runtime';

/** `modelPath` loaded for `role` with a `contextSize`-token context, in a runtime and pool of its own. */
export async function loadInProcessEngine(role: LocalLoadOptions['role'], modelPath: string, contextSize: number): Promise<LocalEngine> {
  const runtime = await createRuntime({ threads: 1, gpu: 'cpu' });
  return loadLocalEngine({
    runtime,
    pool: new ModelPool(),
    role,
    path: modelPath,
    contextSize,
    signal: new AbortController().signal,
    onProgress: () => undefined,
  });
}

/** A FIM prompt of about `lines` × 12 tokens whose text no prompt with another `id` shares. */
export function fimPrompt(id: string, lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `  const ${id}${i} = input[${i}] * ${i};`).join('\n');
  return `<｜fim▁begin｜>function ${id}(input: number[]) {\n${body}\n  <｜fim▁hole｜>\n}\n<｜fim▁end｜>`;
}
