// A throwaway process that tokenizes adversarial long runs with one vocabulary (loaded vocab-only)
// and prints one JSON line per text. A native crash kills only this process; the test that spawned
// it reads the exit signal. Usage: node tokenizeChild.mjs <vocab.gguf> <guarded|raw> <length> [shape…]
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { guardTokenizer } from '../../sidecar/engine/safeText';
import { longRunShapes } from '../fixtures/longRuns';

const [vocabPath, mode, lengthArg, ...only] = process.argv.slice(2);
const length = Number(lengthArg);
if (!vocabPath || (mode !== 'guarded' && mode !== 'raw') || !(length > 0)) {
  console.error('usage: tokenizeChild <vocab.gguf> <guarded|raw> <length> [shape…]');
  process.exit(2);
}
const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error, logger: () => undefined });
const model = await llama.loadModel({ modelPath: vocabPath, vocabOnly: true });
if (mode === 'guarded') guardTokenizer(model);
for (const [shape, make] of Object.entries(longRunShapes)) {
  if (only.length && !only.includes(shape)) continue;
  const text = make(length);
  const started = performance.now();
  const tokens = model.tokenize(text, false);
  const special = model.tokenize(text, true);
  // The round trip, where the vocabulary can make one at all (WordPiece lowercases and drops marks).
  const exact = model.detokenize(tokens) === text;
  console.log(
    JSON.stringify({ shape, chars: text.length, tokens: tokens.length, specialTokens: special.length, exact, ms: Math.round(performance.now() - started) }),
  );
}
process.exit(0);
