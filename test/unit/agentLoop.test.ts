// The agent loop, driven by a scripted engine through the Engine interface, with the extension's
// side played by the test: calls are proposed (never executed by the loop), results and denials go
// back to the model, and the guards stop runaway turns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentEventParams, ToolCall, ToolResult } from '../../protocol/agent';
import { runAgent, type AgentDeps } from '../../sidecar/agent/loop';
import { summaryHead } from '../../sidecar/agent/summarise';
import { ScriptedEngine, type ScriptedReply } from '../fixtures/scriptedEngine';

interface Run {
  engine: ScriptedEngine;
  executed: ToolCall[];
  events: AgentEventParams[];
  asked: string[];
}

async function run(
  replies: ScriptedReply[],
  options: {
    grammar?: boolean;
    native?: boolean;
    results?: (call: ToolCall) => ToolResult;
    keepGoing?: boolean;
    params?: Partial<Parameters<typeof runAgent>[0]>;
    signal?: AbortSignal;
  } = {},
) {
  const engine = new ScriptedEngine(replies, { grammar: options.grammar, native: options.native });
  const state: Run = { engine, executed: [], events: [], asked: [] };
  const deps: AgentDeps = {
    engine,
    executeTool: async (call) => {
      state.executed.push(call);
      return options.results?.(call) ?? { status: 'ok', output: `output of ${call.tool}` };
    },
    askContinue: async (reason) => {
      state.asked.push(reason);
      return options.keepGoing ?? false;
    },
    emit: (event) => state.events.push(event),
  };
  const result = await runAgent({ turnId: 't1', task: 'Fix the bug in math.ts', ...options.params }, deps, options.signal ?? new AbortController().signal);
  return { ...state, result };
}

const call = (tool: string, args: object) => JSON.stringify({ tool, args });
const answer = (text: string) => JSON.stringify({ answer: text });

describe('agent loop', () => {
  it('proposes one call per step, feeds the result back and ends with the answer', async () => {
    const { result, executed, engine, events } = await run([
      call('read_file', { path: 'src/math.ts' }),
      call('edit_file', { path: 'src/math.ts', oldText: 'a - b', newText: 'a + b' }),
      answer('Fixed: add now adds.'),
    ]);
    assert.equal(result.outcome, 'answered');
    assert.equal(result.answer, 'Fixed: add now adds.');
    assert.equal(result.steps, 3);
    assert.deepEqual(
      executed.map((c) => c.tool),
      ['read_file', 'edit_file'],
    );
    assert.deepEqual(executed[1]!.args, { path: 'src/math.ts', oldText: 'a - b', newText: 'a + b' });
    // The second generation saw the first call's result.
    const seen = engine.calls[1]!.messages.at(-1)!;
    assert.equal(seen.role, 'user');
    assert.match(seen.content, /Result of read_file:\noutput of read_file/);
    assert.deepEqual(
      events.map((e) => e.type),
      ['toolCall', 'toolResult', 'toolCall', 'toolResult', 'text'],
    );
    assert.ok(events.every((e) => e.type !== 'toolCall' || e.format === 'json'));
  });

  it('constrains generation to the call schema when the engine has grammars, and reads text leniently when not', async () => {
    const constrained = await run([answer('done')]);
    const schema = constrained.engine.calls[0]!.jsonSchema as { oneOf: Array<{ properties: { tool?: { const: string } } }> };
    assert.deepEqual(schema.oneOf.map((s) => s.properties.tool?.const).filter(Boolean), [
      'read_file',
      'list_files',
      'search_text',
      'search_code',
      'get_definitions',
      'git_diff',
      'read_output',
      'edit_file',
      'create_file',
      'run_command',
      'read_command_output',
      'update_plan',
    ]);

    const free = await run(['I will look first.\n```json\n{"name": "list_files", "arguments": {"path": "."}}\n```', 'All good.'], { grammar: false });
    assert.equal(free.engine.calls[0]!.jsonSchema, undefined);
    assert.deepEqual(
      free.executed.map((c) => [c.tool, c.args]),
      [['list_files', { path: '.' }]],
    );
    assert.equal(free.events.find((e) => e.type === 'toolCall')?.format, 'text');
    assert.equal(free.result.answer, 'All good.');
  });

  it("uses the model's own tool-call format when the engine has one", async () => {
    const { result, executed, events, engine } = await run(
      [{ toolCall: { name: 'search_text', arguments: '{"query": "TODO", "isRegex": false}' } }, 'Two TODOs left.'],
      { native: true },
    );
    assert.deepEqual(
      executed.map((c) => [c.tool, c.args]),
      [['search_text', { query: 'TODO', isRegex: false }]],
    );
    assert.equal(events.find((e) => e.type === 'toolCall')?.format, 'native');
    assert.equal(result.answer, 'Two TODOs left.');
    assert.deepEqual(engine.calls[0]!.tools!.find((t) => t.name === 'read_file')!.parameters.required, ['path']);
    assert.equal(engine.calls[0]!.jsonSchema, undefined);
    assert.doesNotMatch(engine.calls[0]!.messages[0]!.content, /Reply with (exactly )?one JSON object/);
  });

  it("falls back to grammar-constrained JSON when the model's own format fails", async () => {
    const { result, executed, events, engine } = await run(
      [{ fail: 'tools param requires --jinja flag' }, call('list_files', { path: '.' }), answer('listed')],
      { native: true },
    );
    assert.equal(result.outcome, 'answered');
    assert.deepEqual(
      executed.map((c) => c.tool),
      ['list_files'],
    );
    assert.equal(events.find((e) => e.type === 'toolCall')?.format, 'json');
    assert.match(
      events.find((e) => e.type === 'notice')?.type === 'notice' ? (events.find((e) => e.type === 'notice') as { message: string }).message : '',
      /--jinja/,
    );
    assert.ok(engine.calls[1]!.jsonSchema);
    assert.match(engine.calls[1]!.messages[0]!.content, /Reply with (exactly )?one JSON object/);
  });

  it('streams the answer once, as it is generated, in JSON and native modes', async () => {
    for (const native of [false, true]) {
      const { events, result } = await run([native ? 'Plain "answer"\nwith lines.' : '{"answer": "Plain \\"answer\\"\\nwith lines."}'], { native });
      const texts = events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
      assert.equal(texts.join(''), 'Plain "answer"\nwith lines.', `native: ${native}`);
      assert.equal(result.answer, 'Plain "answer"\nwith lines.');
    }
  });

  it("sends a denial and the user's feedback back to the model", async () => {
    const { engine, result } = await run([call('run_command', { command: 'rm -rf build' }), answer('ok, I will not')], {
      results: () => ({ status: 'denied', output: 'Denied by the user.', feedback: 'use npm run clean instead' }),
    });
    assert.equal(result.outcome, 'answered');
    const last = engine.calls[1]!.messages.at(-1)!.content;
    assert.match(last, /The user denied run_command/);
    assert.match(last, /use npm run clean instead/);
  });

  it('offers only read-only tools in Ask mode', async () => {
    // Each refused call gets its repair turn, which insists again: three mistakes in a row.
    const { engine, executed, result } = await run(
      Array.from({ length: 6 }, (_, i) => call('create_file', { path: `${i}.ts`, content: '' })),
      { params: { mode: 'ask' } },
    );
    assert.deepEqual(executed, []);
    assert.equal(result.outcome, 'errorLimit');
    const tools = (engine.calls[0]!.jsonSchema as { oneOf: Array<{ properties: { tool?: { const: string } } }> }).oneOf
      .map((s) => s.properties.tool?.const)
      .filter(Boolean);
    assert.deepEqual(tools, [
      'read_file',
      'list_files',
      'search_text',
      'search_code',
      'get_definitions',
      'git_diff',
      'read_output',
      'read_command_output',
      'update_plan',
    ]);
  });

  it('stops and asks when the same call comes three times', async () => {
    const same = call('read_file', { path: 'a.ts' });
    const stopped = await run([same, same, same, answer('never reached')]);
    assert.equal(stopped.result.outcome, 'loopStopped');
    assert.equal(stopped.executed.length, 2, 'the third identical call is not executed');
    assert.equal(stopped.asked.length, 1);

    const allowed = await run([same, same, same, answer('went on')], { keepGoing: true });
    assert.equal(allowed.result.outcome, 'answered');
    assert.equal(allowed.executed.length, 3);
  });

  it('stops at the step cap', async () => {
    const replies = Array.from({ length: 10 }, (_, i) => call('read_file', { path: `f${i}.ts` }));
    const { result, executed, engine } = await run(replies, { params: { maxSteps: 4 } });
    assert.equal(result.outcome, 'stepLimit');
    assert.equal(executed.length, 4);
    assert.equal(engine.remaining, 6);
  });

  it('stops after consecutive errors, and a success resets the count', async () => {
    const failing = await run([call('read_file', { path: 'a' }), call('read_file', { path: 'b' }), call('read_file', { path: 'c' }), answer('x')], {
      results: () => ({ status: 'error', output: 'no such file' }),
    });
    assert.equal(failing.result.outcome, 'errorLimit');
    assert.equal(failing.executed.length, 3);

    let n = 0;
    const mixed = await run(
      [call('read_file', { path: 'a' }), call('read_file', { path: 'b' }), call('read_file', { path: 'c' }), call('read_file', { path: 'd' }), answer('done')],
      {
        results: () => (++n === 3 ? { status: 'ok', output: 'fine' } : { status: 'error', output: 'no such file' }),
      },
    );
    assert.equal(mixed.result.outcome, 'answered');
  });

  it('corrects a malformed call without executing anything', async () => {
    // The repair turn gets the first problem and makes another; the next step hears about that one.
    const { executed, engine, result } = await run([call('delete_everything', { path: '/' }), call('read_file', { line: 3 }), answer('gave up')]);
    assert.deepEqual(executed, []);
    assert.equal(result.outcome, 'answered');
    assert.match(engine.calls[1]!.messages.at(-1)!.content, /There is no tool "delete_everything"/);
    assert.match(engine.calls[2]!.messages.at(-1)!.content, /"path" is required/);
  });

  it('repairs a broken call in one grammar-constrained turn, with the error, and runs the repaired call', async () => {
    const broken = '<tool_call>\n{"name": "read_file", "arguments": {"path": src/math.ts}}\n</tool_call>';
    const { executed, engine, events, result } = await run([broken, call('read_file', { path: 'src/math.ts' }), 'It adds.'], { native: true });
    assert.deepEqual(
      executed.map((c) => [c.tool, c.args]),
      [['read_file', { path: 'src/math.ts' }]],
    );
    assert.equal(result.answer, 'It adds.');
    const repair = engine.calls[1]!;
    assert.ok(repair.jsonSchema, 'the repair turn is under the call grammar');
    assert.equal(repair.tools, undefined);
    assert.equal(repair.messages.at(-2)!.content, broken, 'the model sees what it wrote…');
    assert.match(repair.messages.at(-1)!.content, /could not be used: The tool call was not complete, valid JSON/, '…and what was wrong');
    assert.equal(events.find((e) => e.type === 'toolCall')?.format, 'json');
    assert.ok(events.some((e) => e.type === 'notice' && /^Repaired the model's tool call/.test(e.message)));
    // The transcript keeps the repaired call only: no broken attempt eats the small context.
    const next = engine.calls[2]!.messages.map((m) => m.content);
    assert.ok(!next.includes(broken));
    assert.ok(next.some((m) => m === JSON.stringify({ tool: 'read_file', args: { path: 'src/math.ts' } })));
  });

  it('repairs a call whose arguments fail the schema; one repair per step, then the error counts', async () => {
    const badArgs = call('read_file', { path: 'a.ts', startLine: 'ten' });
    const repaired = await run([badArgs, call('read_file', { path: 'a.ts', startLine: 10 }), answer('read')]);
    assert.deepEqual(repaired.executed[0]!.args, { path: 'a.ts', startLine: 10 });
    assert.match(repaired.engine.calls[1]!.messages.at(-1)!.content, /"startLine" must be an integer/);

    const stubborn = await run([badArgs, badArgs, answer('gave up')]);
    assert.deepEqual(stubborn.executed, []);
    assert.equal(stubborn.engine.calls.length, 3, 'one repair turn, then the next step');
    assert.equal(stubborn.result.answer, 'gave up');
    assert.ok(!stubborn.events.some((e) => e.type === 'notice' && /Repaired/.test(e.message)));
  });

  it('has no repair turn without a grammar: the correction goes into the next step', async () => {
    const { engine, executed } = await run(['<tool_call>{"name": "read_file", "arguments": {"path": a}}</tool_call>', 'I could not read it.'], {
      grammar: false,
    });
    assert.deepEqual(executed, []);
    assert.equal(engine.calls.length, 2);
    assert.equal(engine.calls[1]!.jsonSchema, undefined);
    assert.match(engine.calls[1]!.messages.at(-1)!.content, /not complete, valid JSON/);
  });

  it('does not stream a call written as text to the user, in any trained format', async () => {
    for (const text of [
      '>>>read_file\n{"path": "a.ts"}',
      'read_file(path="a.ts")',
      '[TOOL_CALLS]read_file[ARGS]{"path": "a.ts"}',
      'functools[{"name": "read_file", "arguments": {"path": "a.ts"}}]',
    ]) {
      const { events, executed } = await run([text, 'Read.'], { native: true });
      assert.deepEqual(
        executed.map((c) => c.args),
        [{ path: 'a.ts' }],
        text,
      );
      assert.equal(
        events
          .filter((e) => e.type === 'text')
          .map((e) => (e.type === 'text' ? e.text : ''))
          .join(''),
        'Read.',
        text,
      );
    }
  });

  it('truncates long tool output by tokens, keeping head and tail', async () => {
    const note = '[The whole output (2001 lines) is saved as "output-t1.1": read it in parts with read_output(id, startLine, endLine).]';
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} of the test log`).join('\n') + `\n${note}`;
    const { engine } = await run([call('run_command', { command: 'npm test' }), answer('seen')], {
      results: () => ({ status: 'ok', output: lines }),
      params: { toolOutputTokens: 200 },
    });
    const fed = engine.calls[1]!.messages.at(-1)!.content;
    assert.ok(fed.length < 1200, `fed ${fed.length} characters`);
    assert.match(fed, /line 0 of the test log/);
    assert.match(fed, /line 1999 of the test log/);
    assert.match(fed, /characters of \d+ \(\d+ tokens\) cut/);
    assert.ok(fed.endsWith(note), 'the saved output is named in what the model reads');
  });

  it('summarises the older steps when the transcript would outgrow the context, and says so', async () => {
    const big = (i: number) => `header ${i}\n${'x'.repeat(5000)}`;
    const summary = 'Read a and b: both hold headers; c is next.';
    const reads = (...paths: string[]) => paths.map((p) => call('read_file', { path: p }));
    const { engine, result, events } = await run([...reads('a', 'b', 'c'), summary, ...reads('d', 'e'), 'Read a to d.', answer('done')], {
      results: (c) => ({ status: 'ok', output: big(['a', 'b', 'c', 'd', 'e'].indexOf(String(c.args.path))) }),
      params: {
        toolOutputTokens: 2000,
        maxTokensPerStep: 1024,
        history: [
          { role: 'user', content: 'Earlier: what is in math.ts?' },
          { role: 'assistant', content: 'add and sub.' },
        ],
      },
    });
    assert.equal(result.outcome, 'answered');
    // The fourth generation was the summary: plain text, no grammar, given the older steps and the task.
    const summarising = engine.calls[3]!;
    assert.equal(summarising.jsonSchema, undefined);
    assert.match(summarising.messages.at(-1)!.content, /The task: Fix the bug in math.ts/);
    assert.match(summarising.messages.at(-1)!.content, /Earlier: what is in math.ts\?[\s\S]*header 0/);
    // The next step reads: system, the task, the summary, the latest exchange (c) word for word.
    const next = engine.calls[4]!.messages;
    assert.deepEqual(
      next.map((m) => m.role),
      ['system', 'user', 'user', 'assistant', 'user'],
    );
    assert.equal(next[1]!.content, 'Fix the bug in math.ts', 'the task is never cut');
    assert.equal(next[2]!.content, `${summaryHead}\n${summary}`);
    assert.match(next[4]!.content, /header 2\nxxxx/);
    const tokens = next.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + 8, 0);
    assert.ok(tokens <= 4096 - 1024 - 64, `${tokens} tokens`);
    const notices = events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    assert.ok(
      notices.some((m) => /^Summarised 6 earlier messages to fit the model's 4096-token context \(\d+ → \d+ tokens\)\.$/.test(m)),
      notices.join('\n'),
    );
    // Over budget again after e: the running summary is updated (given to the model), not dropped.
    assert.equal(engine.calls[6]!.jsonSchema, undefined);
    assert.match(engine.calls[6]!.messages.at(-1)!.content, /The summary so far:\nRead a and b[\s\S]*header 3/);
    assert.equal(engine.calls[7]!.messages[2]!.content, `${summaryHead}\nRead a to d.`);
    assert.equal(notices.filter((m) => m.startsWith('Summarised')).length, 2);
  });

  it('cuts the oldest tool results when the model cannot summarise', async () => {
    const big = (i: number) => `header ${i}\n${'x'.repeat(5000)}`;
    const { engine, result } = await run(
      [call('read_file', { path: 'a' }), call('read_file', { path: 'b' }), call('read_file', { path: 'c' }), { fail: 'the model crashed' }, answer('done')],
      {
        results: (c) => ({ status: 'ok', output: big(['a', 'b', 'c'].indexOf(String(c.args.path))) }),
        params: { toolOutputTokens: 2000, maxTokensPerStep: 1024 },
      },
    );
    assert.equal(result.outcome, 'answered');
    const last = engine.calls[4]!.messages;
    const tokens = last.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + 8, 0);
    assert.ok(tokens <= 4096 - 1024 - 64, `${tokens} tokens`);
    assert.match(last.at(-1)!.content, /header 2\nxxxx/, 'the newest result is whole');
    assert.match(last[3]!.content, /^Result of read_file:\n\[older output omitted/);
    assert.equal(last[1]!.content, 'Fix the bug in math.ts', 'the task is never cut');
  });

  it('cancel stops the model mid-generation and no tool runs', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    const { result, executed } = await run([{ hang: true }, call('read_file', { path: 'a' })], { signal: abort.signal });
    assert.equal(result.outcome, 'cancelled');
    assert.deepEqual(executed, []);
  });
});
