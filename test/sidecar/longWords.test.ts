// Long runs of text (a minified bundle, a base64 blob, 25,000 CJK characters) through every path of
// the real sidecar that tokenizes, on the DeepSeek vocabularies that crashed llama.cpp: model/generate
// (prompt, chat and infill), inline completions with snippets and with the sidecar's own
// context, embeddings, and an agent task whose tool output is such a run. The process must answer
// every request and never be restarted. A llama-server behind a profile (the same llama.cpp, in a
// process of its own) must survive the same text: it travels broken at the same cuts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentRun, AskContinue, ExecuteTool } from '../../protocol/agent';
import { ContextSignals } from '../../protocol/context';
import { CloseIndex, IndexStatusChanged, OpenIndex, SearchIndex, type IndexStatus } from '../../protocol/index';
import { DidOpenDocument, Generate, InlineCompletion, LoadModel, Ping } from '../../protocol/sidecar';
import { startLlamaServer, type LlamaServer } from '../fixtures/llamaServer';
import { everyLongRun, longRunShapes } from '../fixtures/longRuns';
import { embeddingModel, fimModel, scriptedModel } from '../fixtures/models';
import { startHarness, type Harness } from './harness';

/** Above the ~23,700 characters at which the DeepSeek vocabularies crash on an 8 MiB stack. */
const overCrashBound = 25_000;
const shapes = Object.entries(longRunShapes);

describe('long runs of text through the sidecar', () => {
  let harness: Harness;
  let pid: number | undefined;
  const alive = async (what: string) => {
    await harness.sidecar.request(Ping, null);
    assert.equal(harness.sidecar.pid, pid, `the sidecar was restarted after ${what}`);
  };
  const notify = async (method: string, params: object) => (await harness.sidecar.ensureStarted()).rpc.sendNotification(method, params);

  before(async () => {
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'file', path: await fimModel() }, contextSize: 2048 });
    pid = harness.sidecar.pid;
  });
  after(() => harness.sidecar.dispose());

  it('model/generate: a prompt of each shape, and chat messages', async () => {
    for (const [shape, make] of shapes) {
      const result = await harness.sidecar.request(Generate, { role: 'completion', prompt: `// ${shape}\n${make(overCrashBound)}`, maxTokens: 2 });
      assert.ok(result.promptTokens! > 0, shape);
      await alive(`a ${shape} prompt`);
    }
    const content = ['letters', 'cjk', 'dots', 'base64'].map((shape) => longRunShapes[shape]!(overCrashBound)).join('\n');
    await harness.sidecar.request(Generate, { role: 'completion', messages: [{ role: 'user', content }], maxTokens: 2 }).catch(() => undefined);
    await alive('chat messages');
  });

  it('model/generate infill: each shape in the prefix and in the suffix', async () => {
    for (const [shape, make] of shapes) {
      const run = make(overCrashBound);
      await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: `const blob = "${run}`, suffix: `";\n${run}\n` }, maxTokens: 2 });
      await alive(`an infill around ${shape}`);
    }
  });

  it('completion/inline: snippets the request brings, the sidecar’s own context, a document that is one long line', async () => {
    const uri = 'file:///work/blob.ts';
    const line = everyLongRun(overCrashBound).replace(/\n/g, '');
    await notify(DidOpenDocument.method, { uri, languageId: 'typescript', version: 1, text: `const a = "${line}";\n\nconst b = "${line}";\n` });
    for (const [shape, make] of shapes) {
      await harness.sidecar.request(InlineCompletion, {
        uri,
        version: 1,
        position: { line: 1, character: 0 },
        snippets: [{ filename: `${shape}.txt`, text: make(overCrashBound) }],
        maxTokens: 2,
      });
      await alive(`inline snippets of ${shape}`);
    }
    // No snippets of its own: the sidecar assembles them, the clipboard's long run among the candidates.
    await notify(ContextSignals.method, { clipboard: { text: longRunShapes.cjk!(overCrashBound), at: Date.now() }, openTabs: [uri] });
    for (const character of [0, 5_000, line.length]) {
      await harness.sidecar.request(InlineCompletion, { uri, version: 1, position: { line: 0, character }, maxTokens: 2 });
      await alive(`an inline completion at ${character} of a long line`);
    }
  });

  it('the index embeds files of each shape on the embedding model', async () => {
    await harness.sidecar.request(LoadModel, { role: 'embeddings', source: { kind: 'file', path: await embeddingModel() }, contextSize: 512 });
    const root = mkdtempSync(path.join(tmpdir(), 'pylot-long-index-'));
    shapes.forEach(([shape, make], i) => writeFileSync(path.join(root, `shape${i}.ts`), `// ${shape}\nconst text = "${make(overCrashBound)}";\n`));
    const statuses: IndexStatus[] = [];
    harness.sidecar.onNotification(IndexStatusChanged, (status) => status.root === root && statuses.push(status));
    try {
      await harness.sidecar.request(OpenIndex, { root, storageDir: path.join(root, '.storage') });
      const deadline = Date.now() + 120_000;
      while (!statuses.some((s) => s.state === 'idle' && s.chunks > 0 && s.filesIndexed === shapes.length) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await alive('embeddings');
      // Chunks the embedding tokenizer reduces to nothing (a run of combining marks, which BERT strips)
      // have no vector and are found by keywords: every other chunk has one.
      const done = statuses.at(-1)!;
      assert.ok(done.chunksEmbedded >= done.chunks * 0.9, JSON.stringify(done));
      assert.equal((await harness.sidecar.request(SearchIndex, { query: 'text', limit: 3 })).mode, 'hybrid');
    } finally {
      await harness.sidecar.request(CloseIndex, { root }).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('an agent task whose tool output, and whose task, is a long run', async () => {
    // Every token distinct in the deepseek-llm vocabulary, which crashes on the same runs as deepseek-coder's.
    const script = '{"tool":"get_definitions","args":{"symbol": "add"}}';
    await harness.sidecar.request(LoadModel, {
      role: 'chat',
      source: { kind: 'file', path: await scriptedModel(script, { name: 'scripted-agent-deepseek-llm', vocab: 'deepseek-llm' }) },
      contextSize: 2048,
    });
    const session = await harness.sidecar.ensureStarted();
    let calls = 0;
    session.rpc.onRequest(ExecuteTool.method, () => ({ status: 'ok', output: everyLongRun(overCrashBound).slice(0, 200_000 + 50_000 * calls++) }));
    session.rpc.onRequest(AskContinue.method, () => ({ continue: false }));
    const result = await harness.sidecar.request(AgentRun, { turnId: 'long-1', task: `Explain this: ${longRunShapes.letters!(overCrashBound)}`, maxSteps: 4 });
    assert.ok(calls >= 1, `the tool ran (${result.outcome})`);
    await alive('an agent task');
  });
});

describe('long runs of text to a llama-server profile', () => {
  let harness: Harness;
  let server: LlamaServer;
  const script = 'return a + b;';
  before(async () => {
    server = await startLlamaServer({ model: await scriptedModel(script) });
    harness = startHarness({ settings: () => ({ threads: 1 }) });
    await harness.sidecar.request(LoadModel, { role: 'completion', source: { kind: 'server', api: 'llama-server', name: 'local', baseUrl: server.url } });
  });
  after(async () => {
    await harness.sidecar.dispose();
    await server.stop();
  });

  it('keeps the server alive: infill and generate answer or refuse, and it completes afterwards', async (t) => {
    for (const shape of ['letters', 'cjk', 'dots', 'digits', 'spaces'] as const) {
      // llama-server tokenizes on a thread of its own, whose stack lasts a little longer than the sidecar's.
      const run = longRunShapes[shape]!(60_000);
      const outcome = (promise: Promise<unknown>) =>
        promise.then(
          () => 'answered',
          (error: Error) => `refused: ${error.message.slice(0, 120)}`,
        );
      t.diagnostic(
        `${shape}: infill ${await outcome(harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: `const blob = "${run}`, suffix: `";\n${run}` }, maxTokens: 2 }))}`,
      );
      t.diagnostic(`${shape}: generate ${await outcome(harness.sidecar.request(Generate, { role: 'completion', prompt: run, maxTokens: 2 }))}`);
      const after = await harness.sidecar.request(Generate, { role: 'completion', infill: { prefix: 'function add(a, b) {\n  ', suffix: '\n}\n' } });
      assert.equal(after.text, script, `the server still answers after a run of ${shape}`);
    }
  });
});
