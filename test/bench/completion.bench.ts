// Completion-engine numbers, side by side in one run (ratios; these machines are noisy):
//  1. keystroke → suggestion through the sidecar vs the same prompt run directly on node-llama-cpp,
//     and through the sidecar vs straight to llama-server (/infill): overhead as a share of engine time;
//  2. typing 40 characters into a ~2,000-token prompt one key at a time: prompt tokens the engine
//     evaluated per request vs the tokens actually new (local: anchored prompts; llama-server:
//     cache_prompt with --cache-reuse);
//  3. a typed-through / cached suggestion: the sidecar's lookup time, no engine call;
//  4. 1,000 trigger events in 10 s: generations in flight at once, and memory before and after.
import { getLlama, LlamaCompletion } from 'node-llama-cpp';
import { DidChangeDocument, DidOpenDocument, InlineCompletion, LoadModel, Ping } from '../../protocol/sidecar';
import { SuggestionCache } from '../../sidecar/completion/suggestions';
import { detectTemplate } from '../../sidecar/completion/templates';
import { cutWindow } from '../../sidecar/completion/window';
import { startLlamaServer } from '../fixtures/llamaServer';
import { benchModel } from '../fixtures/models';
import { startHarness } from '../sidecar/harness';
import { median, percentile } from './stats';

const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 2);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 8);
const maxTokens = 24;
const model = await benchModel();
const lines: string[] = [];
const report = (line: string) => {
  lines.push(line);
  console.log(line);
};

/** A ~2,000-token TypeScript file with the cursor in an empty function body near its end. */
function sourceFile(id: number): { text: string; line: number } {
  const head = `// module ${id}\n`;
  // The id in every function: no two files share a prompt prefix, so neither side reuses a KV cache.
  const body = Array.from(
    { length: 70 },
    (_, i) => `export function step${id}x${i}(input: number[], scale = ${i}): number {\n  return input.reduce((sum, value) => sum + value * scale, ${i});\n}\n`,
  ).join('\n');
  const tail = Array.from({ length: 12 }, (_, i) => `export const limit${i} = step${id}x${i}([1, 2, 3]) * ${i};`).join('\n');
  const text = `${head}${body}\nexport function total(values: number[]): number {\n  \n}\n\n${tail}\n`;
  return { text, line: text.slice(0, text.indexOf('  \n}\n\nexport const limit0')).split('\n').length - 1 };
}

const { sidecar, logs, statuses } = startHarness({ settings: () => ({ threads }) });
await sidecar.ensureStarted();
const session = await sidecar.ensureStarted();
const send = (method: string, params: object) => session.rpc.sendNotification(method, params);

// ── 1a. local: through the sidecar vs node-llama-cpp directly, same prompts ──────────────────────
await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: model }, contextSize: 4096 });
const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads });
const direct = await llama.loadModel({ modelPath: model, gpuLayers: 0 });
const directContext = await direct.createContext({ contextSize: 4096, sequences: 1 });
const completion = new LlamaCompletion({ contextSequence: directContext.getSequence() });
const infill = direct.tokens.infill;
const template = detectTemplate({
  prefix: infill.prefixString!,
  suffix: infill.suffixString!,
  middle: infill.middleString!,
  has: (token) => direct.tokenize(token, true).length === 1,
})!;

const viaSidecar: number[] = [];
const viaEngine: number[] = [];
for (let round = 0; round < rounds; round++) {
  const { text, line } = sourceFile(1000 + round);
  const uri = `file:///bench/overhead-${round}.ts`;
  await send(DidOpenDocument.method, { uri, languageId: 'typescript', version: 1, text });
  const lineStart = text.split('\n').slice(0, line).join('\n').length + 1;
  const window = cutWindow(text, lineStart + 2);
  const prompt = template.build({ prefix: window.prefix, suffix: window.suffix, filename: `overhead-${round}.ts` });
  const runSidecar = async () => {
    const started = performance.now();
    // No snippets: the same prompt as the direct run (the context engine is measured in context.bench).
    const result = await sidecar.request(InlineCompletion, { uri, version: 1, position: { line, character: 2 }, maxTokens, timeLimitMs: 30_000, snippets: [] });
    viaSidecar.push(performance.now() - started);
    return result.tokens;
  };
  const runDirect = async () => {
    const started = performance.now();
    await completion.generateCompletion(direct.tokenize(prompt, true), { maxTokens, temperature: 0, customStopTriggers: [...template.stop] });
    viaEngine.push(performance.now() - started);
  };
  // Alternate which goes first; each side has its own KV cache and a fresh prompt per round.
  if (round % 2) {
    await runDirect();
    await runSidecar();
  } else {
    await runSidecar();
    await runDirect();
  }
}
const localOverhead = (median(viaSidecar) - median(viaEngine)) / median(viaEngine);

// ── 2a. typing 40 characters, local ──────────────────────────────────────────────────────────────
const typing = async (label: string, uri: string) => {
  const { text, line } = sourceFile(7);
  await send(DidOpenDocument.method, { uri, languageId: 'typescript', version: 1, text });
  const first = await sidecar.request(InlineCompletion, { uri, version: 1, position: { line, character: 2 }, maxTokens: 8, timeLimitMs: 30_000 });
  const typed = 'const sum = values.reduce((a, b) => a + b';
  let evaluated = 0;
  let cached = 0;
  let anchored = 0;
  for (let i = 0; i < 40; i++) {
    await send(DidChangeDocument.method, {
      uri,
      version: i + 2,
      changes: [{ range: { start: { line, character: 2 + i }, end: { line, character: 2 + i } }, text: typed[i] }],
    });
    const result = await sidecar.request(InlineCompletion, { uri, version: i + 2, position: { line, character: 3 + i }, maxTokens: 8, timeLimitMs: 30_000 });
    evaluated += result.promptTokens ?? 0;
    cached += result.cachedTokens ?? 0;
    if (result.anchored) anchored++;
  }
  // The tokens actually new in each request: its prompt's tokens after the longest prefix it shares
  // with the previous request's prompt (typing "n" after "co" turns token "co" into "con": one new token).
  const lineStart = text.split('\n').slice(0, line).join('\n').length + 1;
  const window = cutWindow(text, lineStart + 2);
  const base = template.build({ prefix: window.prefix, suffix: window.suffix, filename: uri.split('/').pop() });
  let previous = direct.tokenize(base, true);
  let newTokens = 0;
  for (let i = 1; i <= 40; i++) {
    const tokens = direct.tokenize(base + typed.slice(0, i), true);
    let shared = 0;
    while (shared < previous.length && shared < tokens.length && previous[shared] === tokens[shared]) shared++;
    newTokens += tokens.length - shared;
    previous = tokens;
  }
  const finalTokens = direct.tokenize(typed.slice(0, 40), false).length;
  report(
    `  ${label}: first request evaluated ${first.promptTokens} prompt tokens; 40 keystrokes evaluated ${evaluated} in all (${(evaluated / 40).toFixed(2)} per request${cached ? `, ${cached} reused from the KV cache` : ''}${anchored ? `, ${anchored} of 40 anchored` : ''}); the prompts' new tokens: ${newTokens} (${finalTokens} in the 40 characters typed) → ${(evaluated / newTokens).toFixed(2)}× the new tokens (target ≤ 1.2×)`,
  );
  return evaluated / newTokens;
};

console.log(`\nPylot completion bench — ${model.split('/').pop()}, ${threads} threads, ${rounds} prompts of ~2,000 tokens, ${maxTokens} tokens each\n`);
report(
  `1. keystroke → suggestion (local): sidecar median ${median(viaSidecar).toFixed(0)} ms (p90 ${percentile(viaSidecar, 90).toFixed(0)}), direct node-llama-cpp ${median(viaEngine).toFixed(0)} ms → overhead ${(localOverhead * 100).toFixed(2)} % (target ≤ 5 %)`,
);
report('2. typing 40 characters into the prompt one key at a time:');
await typing('local (node-llama-cpp, anchored prompt)', 'file:///bench/typing-local.ts');

// ── 3. typed-through / cache hit in the sidecar ──────────────────────────────────────────────────
const cache = new SuggestionCache();
const { text } = sourceFile(3);
const shownAt = 6000;
cache.remember({ uri: 'file:///a.ts', offset: shownAt, before: text.slice(shownAt - 1000, shownAt), after: text.slice(shownAt, shownAt + 200) }, [
  'return values.reduce((a, b) => a + b, 0);',
]);
const typedText = text.slice(0, shownAt) + 'return val' + text.slice(shownAt);
const lookups: number[] = [];
for (let i = 0; i < 2000; i++) {
  const started = performance.now();
  const found = cache.lookup('file:///a.ts', typedText, shownAt + 10);
  lookups.push(performance.now() - started);
  if (!found) throw new Error('typed-through lookup missed');
}
report(
  `3. typed-through suggestion from the cache: median ${(median(lookups) * 1000).toFixed(1)} µs, p99 ${(percentile(lookups, 99) * 1000).toFixed(1)} µs per lookup, no engine call (target ≤ 2 ms)`,
);

// ── 4. 1,000 trigger events in 10 s ──────────────────────────────────────────────────────────────
{
  const uri = 'file:///bench/storm.ts';
  const { text: stormText, line } = sourceFile(11);
  await send(DidOpenDocument.method, { uri, languageId: 'typescript', version: 1, text: stormText });
  const before = await sidecar.request(Ping, null);
  let previous: AbortController | undefined;
  const pending: Array<Promise<unknown>> = [];
  const started = performance.now();
  for (let i = 0; i < 1000; i++) {
    await send(DidChangeDocument.method, {
      uri,
      version: i + 2,
      changes: [{ range: { start: { line, character: 2 + i }, end: { line, character: 2 + i } }, text: 'x' }],
    });
    previous?.abort();
    const abort = new AbortController();
    previous = abort;
    pending.push(
      sidecar
        .request(InlineCompletion, { uri, version: i + 2, position: { line, character: 3 + i }, maxTokens: 16 }, { signal: abort.signal })
        .catch(() => undefined),
    );
    // One event every 10 ms on the clock, however long sending took.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (i + 1) * 10 - performance.now())));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  const after = await sidecar.request(Ping, null);
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const generations = after.completions!.total - before.completions!.total;
  const restarts = statuses.filter((change) => change.status === 'restarting').length;
  if (restarts) console.log(`the sidecar restarted during the storm:\n${logs.slice(-40).join('\n')}`);
  report(
    `4. 1,000 trigger events in ${seconds.toFixed(1)} s: at most ${after.completions!.maxInFlight} generation in flight (target ≤ 1), ${generations} generations started, sidecar RSS ${mib(before.rssBytes)} → ${mib(after.rssBytes)} MiB`,
  );
}
await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: model }, contextSize: 4096, reload: true }).catch(() => undefined);

// ── 1b, 2b. llama-server ─────────────────────────────────────────────────────────────────────────
// Two slots (completions pin one), each with 4,096 tokens of context.
const server = await startLlamaServer({ model, threads, contextSize: 8192, args: ['--cache-reuse', '256', '--parallel', '2'] });
try {
  await sidecar.request(LoadModel, { role: 'completion', source: { kind: 'server', api: 'llama-server', name: 'bench', baseUrl: server.url } });
  const viaPylot: number[] = [];
  const straight: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { text, line } = sourceFile(2000 + round);
    const uri = `file:///bench/server-${round}.ts`;
    await send(DidOpenDocument.method, { uri, languageId: 'typescript', version: 1, text });
    const runPylot = async () => {
      const started = performance.now();
      await sidecar.request(InlineCompletion, { uri, version: 1, position: { line, character: 2 }, maxTokens, timeLimitMs: 30_000, snippets: [] });
      viaPylot.push(performance.now() - started);
    };
    const runStraight = async () => {
      // A different first line, so this request does not reuse the KV cache Pylot's just filled.
      const started = performance.now();
      // Another file of the same shape: nothing in common with Pylot's prompt, so no KV reuse either way.
      const other = sourceFile(3000 + round);
      const otherStart = other.text.split('\n').slice(0, other.line).join('\n').length + 1;
      const otherWindow = cutWindow(other.text, otherStart + 2);
      const prompt = template.build({ prefix: otherWindow.prefix, suffix: otherWindow.suffix, filename: `server-${round}.ts` });
      const response = await fetch(`${server.url}/completion`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt, n_predict: maxTokens, temperature: 0, cache_prompt: true, stop: [...template.stop] }),
      });
      await response.json();
      straight.push(performance.now() - started);
    };
    if (round % 2) {
      await runStraight();
      await runPylot();
    } else {
      await runPylot();
      await runStraight();
    }
  }
  const serverOverhead = (median(viaPylot) - median(straight)) / median(straight);
  report(
    `1. keystroke → suggestion (llama-server /completion, Pylot's FIM prompt): through Pylot median ${median(viaPylot).toFixed(0)} ms, straight to the server ${median(straight).toFixed(0)} ms → overhead ${(serverOverhead * 100).toFixed(2)} % (target ≤ 5 %)`,
  );
  report('2. typing 40 characters, llama-server:');
  await typing('llama-server (/completion, anchored prompt, cache_prompt, pinned slot)', 'file:///bench/typing-server.ts');
} finally {
  await server.stop();
  await sidecar.dispose();
  await directContext.dispose();
  await direct.dispose();
}
