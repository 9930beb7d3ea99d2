// Golden vectors for the FIM templates: each file in golden/templates/ gives the FIM markers a GGUF
// declares, the text around the cursor, and the exact prompt; where llama.cpp ships the family's
// real vocabulary (StarCoder2, DeepSeek-Coder), also the exact token ids that prompt must become —
// the markers must land as single special tokens, not as text.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { getLlama, type LlamaModel } from 'node-llama-cpp';
import { detectTemplate, type Snippet } from '../../sidecar/completion/templates';
import { vocabFile } from '../fixtures/vocab';

interface GoldenTemplate {
  description: string;
  markers: { prefix: string; suffix: string; middle: string; has: string[] };
  family: string;
  vocab?: string;
  input: { prefix: string; suffix: string; filename?: string; snippets?: Snippet[] };
  prompt: string;
  tokenIds?: number[];
}

const folder = path.resolve(import.meta.dirname, '../../../test/unit/golden/templates');
const goldens = readdirSync(folder)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ name: file.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as GoldenTemplate) }));

const vocabs = new Map<string, Promise<LlamaModel>>();
const loadVocab = (name: string) => {
  let model = vocabs.get(name);
  if (!model) {
    model = getLlama({ gpu: false, build: 'never' }).then(async (llama) => llama.loadModel({ modelPath: await vocabFile(name), vocabOnly: true }));
    vocabs.set(name, model);
  }
  return model;
};
after(async () => Promise.all([...vocabs.values()].map(async (model) => (await model).dispose())));

describe('FIM templates (golden vectors)', () => {
  it('covers every family', () => {
    assert.deepEqual(new Set(goldens.map((g) => g.family)), new Set(['qwen', 'starcoder', 'codellama', 'deepseek', 'codestral', 'codegemma']));
  });

  for (const golden of goldens) {
    const { markers } = golden;
    const template = () =>
      detectTemplate({ ...markers, has: (token) => markers.has.includes(token) || [markers.prefix, markers.suffix, markers.middle].includes(token) });

    it(`${golden.name}: ${golden.description}`, () => {
      const found = template();
      assert.equal(found?.family, golden.family);
      assert.equal(found.build(golden.input), golden.prompt);
      assert.ok(found.stop.length > 0);
    });

    if (golden.vocab) {
      it(`${golden.name}: token ids in the real ${golden.vocab} vocabulary`, async () => {
        const model = await loadVocab(golden.vocab!);
        const ids = [...model.tokenize(template()!.build(golden.input), true)] as number[];
        assert.deepEqual(ids, golden.tokenIds);
        // Each marker is one token of the vocabulary, present in the prompt as that token.
        for (const marker of [markers.prefix, markers.suffix, markers.middle]) {
          const tokens = model.tokenize(marker, true);
          assert.equal(tokens.length, 1, `${marker} is a single token`);
          assert.ok(ids.includes(tokens[0] as number), `${marker} (${tokens[0]}) appears in the prompt`);
        }
      });
    }
  }
});
