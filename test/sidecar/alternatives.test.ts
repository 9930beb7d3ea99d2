// Alternatives from one evaluated prompt, on real engines: local node-llama-cpp in this process (the
// prompt read once, its state copied to the other sequences, all decoded together) and a real
// llama-server (`n_cmpl` on /completion, `n` on /v1/completions), with a server that takes one
// generation per request still answering. Random-weight models sample distinct text; greedy ones
// show that a copied state is the evaluated one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AlternativeOptions, Engine, GenerateOptions, Generation } from '../../sidecar/engine/engine';
import type { LocalEngine } from '../../sidecar/engine/local/localEngine';
import { connectServerEngine } from '../../sidecar/engine/server/connect';
import { startLlamaServer, type LlamaServer } from '../fixtures/llamaServer';
import { fimModel } from '../fixtures/models';
import { fakeServer, json, sse } from './serverEngineFakes';
import { fimPrompt, loadInProcessEngine } from './inProcessEngine';

const never = new AbortController().signal;
const greedy = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({ maxTokens: 12, temperature: 0, signal: never, ...extra });
const sampled = (count: number, extra: Partial<AlternativeOptions> = {}): AlternativeOptions => ({ count, temperature: 0.8, ...extra });

const evaluated = (generations: readonly Generation[]) => generations.reduce((sum, g) => sum + (g.promptTokens ?? 0), 0);

function assertDistinct(generations: readonly Generation[]): void {
  for (const g of generations)
    assert.ok(g.tokens > 0 && g.text.length > 0, `each alternative says something: ${JSON.stringify(generations.map((x) => x.text))}`);
  const texts = generations.map((g) => g.text);
  assert.equal(new Set(texts).size, texts.length, `distinct alternatives: ${JSON.stringify(texts)}`);
}

describe('alternatives on the local engine: one evaluated prompt, decoded together', () => {
  let engine: LocalEngine;

  before(async () => {
    engine = await loadInProcessEngine('completion', await fimModel(), 2048);
  });
  after(() => engine.dispose());

  it('evaluates the prompt once for three generations, and the sampled ones differ', async () => {
    const text = fimPrompt('once', 30);
    const { tokens } = engine.promptCost(text);
    assert.ok(tokens > 300, `prompt: ${tokens} tokens`);
    const generations = await engine.completeAlternatives(text, greedy({ temperature: 0.8 }), sampled(2));
    assert.equal(generations.length, 3);
    assertDistinct(generations);
    assert.ok(generations[0]!.promptTokens! >= tokens - 1, `the first read the prompt (${generations[0]!.promptTokens} of ${tokens})`);
    for (const alternative of generations.slice(1))
      assert.ok(alternative.promptTokens! <= 2, `an alternative evaluated ${alternative.promptTokens} prompt tokens`);
    assert.ok(evaluated(generations) <= tokens + 2, `${evaluated(generations)} prompt tokens evaluated for 3 generations of a ${tokens}-token prompt`);
  });

  it('a copied state is the evaluated one: greedy alternatives say exactly what the plain greedy completion says', async () => {
    const text = fimPrompt('copied', 20);
    const plain = await engine.complete(text, greedy({ maxTokens: 24 }));
    // Another prompt in between, so nothing is left over from the plain run on any sequence.
    await engine.completeAlternatives(fimPrompt('between', 20), greedy(), sampled(2));
    const generations = await engine.completeAlternatives(text, greedy({ maxTokens: 24 }), sampled(2, { temperature: 0 }));
    assert.deepEqual(
      generations.map((g) => g.text),
      [plain.text, plain.text, plain.text],
    );
    assert.equal(generations[1]!.tokens, plain.tokens);
    // Not read again on the other sequences: the text above came from the copied state.
    for (const alternative of generations.slice(1))
      assert.ok(alternative.promptTokens! <= 2, `an alternative evaluated ${alternative.promptTokens} prompt tokens`);
  });

  it('asked again at the same spot, reads nothing new and copies nothing it holds', async () => {
    const text = fimPrompt('again', 20);
    await engine.completeAlternatives(text, greedy(), sampled(2));
    const again = await engine.completeAlternatives(text, greedy(), sampled(2));
    assert.ok(evaluated(again) <= 3, `asked again: ${evaluated(again)} prompt tokens evaluated`);
    assertDistinct(again.slice(1));
  });

  it('one abort stops all of them, mid-generation', async () => {
    const stop = new AbortController();
    let pieces = 0;
    const onText = () => {
      if (++pieces === 6) stop.abort();
    };
    const generations = await engine.completeAlternatives(
      fimPrompt('aborted', 10),
      greedy({ maxTokens: 2000, temperature: 0.8, signal: stop.signal, onText }),
      sampled(2, { onText }),
    );
    assert.equal(generations.length, 3);
    for (const g of generations) {
      assert.equal(g.stopReason, 'aborted');
      assert.ok(g.tokens < 2000, `stopped after ${g.tokens} tokens`);
    }
    // The engine is free again: a new completion runs at once.
    const next = await engine.complete(fimPrompt('after', 5), greedy({ maxTokens: 2 }));
    assert.equal(next.stopReason === 'aborted', false);
  });

  it('more alternatives than sequences: the rest one after another, still from the evaluated prompt', async () => {
    const text = fimPrompt('many', 20);
    const { tokens } = engine.promptCost(text);
    const generations = await engine.completeAlternatives(text, greedy({ temperature: 0.8 }), sampled(4));
    assert.equal(generations.length, 5);
    assertDistinct(generations);
    assert.ok(evaluated(generations) <= tokens + 6, `${evaluated(generations)} prompt tokens for 5 generations of ${tokens}`);
  });
});

/**
 * Now and then llama-server refuses what random weights wrote ("does not match the expected
 * Content-only format"): the server judging random text, not alternatives; such a try is made
 * again (three at most, each on a prompt of its own), as in serverEngine.test.ts.
 */
async function judged<T>(attempt: (tries: number) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt(tries);
    } catch (error) {
      if (tries >= 3 || !/does not match the expected/.test(String(error))) throw error;
    }
  }
}

describe('alternatives through llama-server: n_cmpl, n, and servers that take one per request', () => {
  const servers: LlamaServer[] = [];
  const engines: Engine[] = [];
  const serve = async (parallel: number) => {
    const server = await startLlamaServer({ model: await fimModel(), contextSize: 4096, args: ['--parallel', String(parallel)] });
    servers.push(server);
    return server;
  };
  const connect = async (server: LlamaServer, api: 'llama-server' | 'openai-compatible') => {
    const engine = await connectServerEngine('completion', { kind: 'server', api, name: `test-${api}`, baseUrl: server.url }, never, 4096);
    engines.push(engine);
    return engine;
  };
  let three: LlamaServer;

  before(async () => {
    three = await serve(3);
  });
  after(async () => {
    for (const engine of engines) await engine.dispose();
    for (const server of servers) await server.stop();
  });

  it('/completion with n_cmpl: the alternatives from the prompt the first one cached, distinct', async () => {
    const engine = await connect(three, 'llama-server');
    const generations = await judged((tries) => engine.completeAlternatives!(fimPrompt(`server${tries}x`, 20), greedy({ temperature: 0.8 }), sampled(2)));
    assert.equal(generations.length, 3);
    assertDistinct(generations);
    const first = generations[0]!.promptTokens!;
    assert.ok(first > 200, `the first evaluated the prompt (${first})`);
    const rest = evaluated(generations.slice(1));
    assert.ok(rest <= 4, `the n_cmpl request evaluated ${rest} prompt tokens (the prompt has ${first})`);
  });

  it('/v1/completions with n on the same server: distinct alternatives', async () => {
    const engine = await connect(three, 'openai-compatible');
    const generations = await judged((tries) => engine.completeAlternatives!(fimPrompt(`openai${tries}x`, 10), greedy({ temperature: 0.8 }), sampled(2)));
    assert.equal(generations.length, 3);
    assertDistinct(generations);
  });

  it('a server that refuses n_cmpl (one slot) still answers, says so once in the log, and is asked one at a time from then on', async () => {
    const one = await serve(1);
    const engine = await connect(one, 'llama-server');
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      lines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      for (const id of ['refused', 'later']) {
        const generations = await judged((tries) => engine.completeAlternatives!(fimPrompt(`${id}${tries}x`, 10), greedy({ temperature: 0.8 }), sampled(2)));
        assert.equal(generations.length, 3, `${id}: the first and both alternatives`);
        assertDistinct(generations);
        for (const alternative of generations.slice(1))
          assert.ok(alternative.promptTokens! <= 2, `${id}: an alternative re-read ${alternative.promptTokens} tokens`);
      }
    } finally {
      process.stderr.write = write;
    }
    const notes = lines.filter((line) => line.includes('alternatives are asked for one at a time'));
    assert.equal(notes.length, 1, `noted once: ${JSON.stringify(notes)}`);
    assert.match(notes[0]!, /^\[info\].*refused 2 in one request: .*400/);
  });

  it('an OpenAI-compatible server that ignores n (one choice back) still gives every alternative, and is not asked for n again', async () => {
    // What Ollama's /v1/completions does with n; no such server can be had here, so a stand-in.
    const bodies: Array<{ n?: number; temperature?: number }> = [];
    const fake = await fakeServer({
      'GET /v1/models': (_, res) => json(res, 200, { data: [{ id: 'coder' }] }),
      'POST /v1/completions': (_, res, body) => {
        bodies.push(JSON.parse(body) as { n?: number });
        sse(res, [{ choices: [{ index: 0, text: `answer ${bodies.length}`, finish_reason: 'stop' }] }, '[DONE]']);
        res.end();
      },
    });
    try {
      const engine = await connectServerEngine('completion', { kind: 'server', api: 'openai-compatible', name: 'ignores-n', baseUrl: fake.url }, never, 4096);
      engines.push(engine);
      const first = await engine.completeAlternatives!('let x =', greedy(), sampled(2));
      assert.deepEqual(
        first.map((g) => g.text),
        ['answer 1', 'answer 2', 'answer 3'],
      );
      assert.deepEqual(
        bodies.map((b) => [b.n, b.temperature]),
        [
          [undefined, 0],
          [2, 0.8],
          [undefined, 0.8],
        ],
      );
      const again = await engine.completeAlternatives!('let y =', greedy(), sampled(2));
      assert.equal(again.length, 3);
      assert.deepEqual(
        bodies.slice(3).map((b) => b.n),
        [undefined, undefined, undefined],
        'asked one at a time from then on',
      );
    } finally {
      await fake.close();
    }
  });
});
