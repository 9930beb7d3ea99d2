// Long tool results saved whole in workspace storage and read back in parts: through executeCall as
// the agent runs them (the note at the end of a long result names the saved output; read_output
// reads it, auto-approved as a read), and against ids a model could make up to read elsewhere.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ToolCall } from '../../protocol/agent';
import { executeCall, type ExecuteDeps } from '../../extension/agent/executeCall';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy } from '../../extension/agent/policy/policy';
import { partLines, SavedOutputs } from '../../extension/agent/savedOutputs';
import type { AgentUi } from '../../extension/agent/ui';
import { RecordingHost } from './helpers/toolHost';

const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-outputs-')));
const ws = path.join(scratch, 'ws');
const storage = path.join(scratch, 'storage', 'agent-output');
mkdirSync(ws);
const log = Array.from({ length: 1000 }, (_, i) => `log line ${i + 1}`).join('\n');
writeFileSync(path.join(ws, 'build.log'), log);
writeFileSync(path.join(scratch, 'secret.txt'), 'outside the storage');

describe('long tool results saved whole and read in parts', () => {
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const outputs = new SavedOutputs(storage, () => 2000, 3);
  const asked: unknown[] = [];
  const ui: AgentUi = { onEvent: () => undefined, askContinue: async () => false, requestApproval: async (request) => (asked.push(request), { kind: 'deny' }) };
  const deps: ExecuteDeps = {
    policy: new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => ({
      autoApproveReads: true,
      allowCommands: [],
      denyCommands: [],
      allowWrites: [],
    })),
    host: new RecordingHost(ws),
    ui,
    approvalTimeoutMs: 1000,
    saveRule: async () => undefined,
    beforeWrite: () => undefined,
    outputs,
  };
  const run = (id: string, tool: ToolCall['tool'], args: ToolCall['args']) => executeCall({ id, tool, args }, deps, new AbortController().signal);

  it('saves a long result, names it at the end of what the model gets, and reads it back in parts', async () => {
    const result = await run('t1.1', 'read_file', { path: 'build.log' });
    assert.equal(result.status, 'ok');
    const note = /\n\[The whole output \((\d+) lines\) is saved as "output-t1\.1": read it in parts with read_output\(id, startLine, endLine\)\.\]$/.exec(
      result.output,
    );
    assert.ok(note, result.output.slice(-300));
    const saved = result.output.slice(0, note.index).split('\n');
    assert.equal(Number(note[1]), saved.length);
    const part = await run('t1.2', 'read_output', { id: 'output-t1.1', startLine: 300, endLine: 302 });
    assert.deepEqual(part, {
      status: 'ok',
      output: `300: ${saved[299]}\n301: ${saved[300]}\n302: ${saved[301]}\n[lines 300-302 of ${saved.length}; read on with startLine 303]`,
    });
    assert.match(part.output, /^300: 299 \| log line 299\n/);
    const capped = await run('t1.3', 'read_output', { id: 'output-t1.1' });
    assert.equal(capped.output.split('\n').length, partLines + 1, 'a part, never the whole again');
    assert.match(capped.output, /read on with startLine 201\]$/);
    assert.deepEqual(asked, [], 'reads are auto-approved here');
  });

  it('leaves short results alone', async () => {
    writeFileSync(path.join(ws, 'short.txt'), 'two\nlines');
    const result = await run('t2.1', 'read_file', { path: 'short.txt' });
    assert.doesNotMatch(result.output, /saved/);
    assert.ok(!readdirSync(storage).includes('output-t2.1.txt'));
  });

  it('refuses ids that are not saved outputs, whatever their shape', async () => {
    for (const id of [
      '../secret',
      '../../secret.txt',
      'output-../../secret',
      '/etc/passwd',
      'output-t1.1/../../secret',
      'output-nothing',
      '',
      'output-t1.1.txt',
      'OUTPUT-t1.1',
    ]) {
      const result = await run('t3', 'read_output', { id });
      assert.equal(result.status, 'error', id);
      assert.match(result.output, /There is no saved output/, id);
      assert.doesNotMatch(result.output, /outside the storage/);
    }
    const past = await run('t3', 'read_output', { id: 'output-t1.1', startLine: 5000 });
    assert.match(past.output, /has \d+ lines; startLine 5000 is past the end/);
  });

  it('keeps the newest outputs only', async () => {
    for (let i = 0; i < 5; i++) {
      await run(`t4.${i}`, 'read_file', { path: 'build.log' });
      await new Promise((resolve) => setTimeout(resolve, 15)); // distinct file times
    }
    assert.deepEqual(readdirSync(storage).sort(), ['output-t4.2.txt', 'output-t4.3.txt', 'output-t4.4.txt']);
  });
});
