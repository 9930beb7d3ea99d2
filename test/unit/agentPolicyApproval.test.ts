// Security: nothing is written or run without a decision. Every path to "no" — a denial, no
// answer before the timeout, a cancelled turn, a failing prompt, a policy deny, a failed edit
// match — leaves the files untouched; only an allow writes, and only once per allow.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ToolCall } from '../../protocol/agent';
import { executeCall, type ExecuteDeps } from '../../extension/agent/executeCall';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy, type ApprovalDecision, type PolicySettings, type RememberedRule } from '../../extension/agent/policy/policy';
import type { AgentUi, ApprovalRequest } from '../../extension/agent/ui';
import { RecordingHost } from './helpers/toolHost';

const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-approval-')));
const file = path.join(ws, 'src/math.ts');
const original = 'export function add(a: number, b: number) {\n  return a - b;\n}\n';

function ui(answer: (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalDecision>): AgentUi & { asked: ApprovalRequest[] } {
  const asked: ApprovalRequest[] = [];
  return {
    asked,
    onEvent: () => undefined,
    askContinue: async () => false,
    requestApproval: (request, signal) => (asked.push(request), answer(request, signal)),
  };
}
const never = (_: ApprovalRequest, signal: AbortSignal) =>
  new Promise<ApprovalDecision>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('closed')), { once: true }));

describe('approvals', () => {
  let host: RecordingHost;
  let saved: RememberedRule[];
  const settings: PolicySettings = { autoApproveReads: true, allowCommands: ['npm test'], denyCommands: ['rm -rf'], allowWrites: [] };
  const deps = (answer: AgentUi, policy = new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => settings)): ExecuteDeps => ({
    policy,
    host,
    ui: answer,
    approvalTimeoutMs: 150,
    saveRule: async (rule) => void saved.push(rule),
    beforeWrite: () => undefined,
  });
  const edit: ToolCall = { id: '1', tool: 'edit_file', args: { path: 'src/math.ts', oldText: 'a - b', newText: 'a + b' } };
  const create: ToolCall = { id: '2', tool: 'create_file', args: { path: 'src/new.ts', content: 'x' } };
  const command: ToolCall = { id: '3', tool: 'run_command', args: { command: 'npm test > out.txt' } };
  const signal = () => new AbortController().signal;

  before(() => mkdirSync(path.join(ws, 'src'), { recursive: true }));
  beforeEach(() => {
    host = new RecordingHost(ws);
    saved = [];
    writeFileSync(file, original);
    rmSync(path.join(ws, 'src/new.ts'), { force: true });
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('writes nothing on deny, and hands the feedback back', async () => {
    const result = await executeCall(edit, deps(ui(async () => ({ kind: 'deny', feedback: 'keep subtraction' }))), signal());
    assert.deepEqual(result, { status: 'denied', output: 'The user denied this call.', feedback: 'keep subtraction' });
    assert.deepEqual(host.writes, []);
    assert.equal(readFileSync(file, 'utf8'), original);
  });

  it('denies when no decision comes before the timeout, and closes the prompt', async () => {
    let closed = false;
    const result = await executeCall(create, deps(ui((request, s) => (s.addEventListener('abort', () => (closed = true)), never(request, s)))), signal());
    assert.equal(result.status, 'denied');
    assert.match(result.output, /No decision within/);
    assert.ok(closed);
    assert.deepEqual(host.writes, []);
  });

  it('denies a pending approval when the turn is cancelled', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    const result = await executeCall(edit, { ...deps(ui(never)), approvalTimeoutMs: 10_000 }, abort.signal);
    assert.equal(result.status, 'denied');
    assert.deepEqual(host.writes, []);
  });

  it('denies when the prompt itself fails', async () => {
    const result = await executeCall(edit, deps(ui(async () => Promise.reject(new Error('webview gone')))), signal());
    assert.equal(result.status, 'denied');
    assert.deepEqual(host.writes, []);
  });

  it('never asks, and never writes, when the edit does not match or the policy denies', async () => {
    const asking = ui(async () => ({ kind: 'allowOnce' }));
    const misses: ToolCall[] = [
      { id: 'a', tool: 'edit_file', args: { path: 'src/math.ts', oldText: 'a * b', newText: 'x' } },
      { id: 'b', tool: 'edit_file', args: { path: 'src/missing.ts', oldText: 'a', newText: 'b' } },
      { id: 'c', tool: 'create_file', args: { path: 'src/math.ts', content: 'overwrite' } },
      { id: 'd', tool: 'edit_file', args: { path: '../escape.ts', oldText: 'a', newText: 'b' } },
      { id: 'e', tool: 'run_command', args: { command: 'rm -rf /' } },
      { id: 'f', tool: 'edit_file', args: { path: 'src/math.ts' } },
    ];
    for (const call of misses) assert.notEqual((await executeCall(call, deps(asking), signal())).status, 'ok', call.id);
    assert.deepEqual(asking.asked, []);
    assert.deepEqual(host.writes, []);
    assert.deepEqual(host.runs, []);
    assert.equal(readFileSync(file, 'utf8'), original);
  });

  it('asks with a diff preview, and writes once when allowed', async () => {
    const asking = ui(async () => ({ kind: 'allowOnce' }));
    const result = await executeCall(edit, deps(asking), signal());
    assert.equal(result.status, 'ok');
    assert.equal(asking.asked[0]!.change!.after, original.replace('a - b', 'a + b'));
    assert.deepEqual(asking.asked[0]!.options, ['allowOnce', 'allowSession', 'always', 'deny']);
    assert.deepEqual(host.writes, ['src/math.ts']);
    assert.equal(readFileSync(file, 'utf8'), original.replace('a - b', 'a + b'));
  });

  it('writes nothing if the file changed while the prompt was open', async () => {
    const result = await executeCall(edit, deps(ui(async () => (writeFileSync(file, original + '// user typed\n'), { kind: 'allowOnce' }))), signal());
    assert.equal(result.status, 'error');
    assert.deepEqual(host.writes, []);
  });

  it('asks for a command an allow rule covers only by prefix, and offers no "always" for its shape', async () => {
    const asking = ui(async () => ({ kind: 'deny' }));
    assert.equal((await executeCall(command, deps(asking), signal())).status, 'denied');
    assert.deepEqual(asking.asked[0]!.options, ['allowOnce', 'deny']);
    assert.ok(asking.asked[0]!.reasons.includes('redirection'));
    assert.deepEqual(host.runs, []);
    assert.equal((await executeCall({ id: '4', tool: 'run_command', args: { command: 'npm test' } }, deps(asking), signal())).status, 'ok');
    assert.deepEqual(host.runs, ['npm test']);
  });

  it('remembers "for this session" in the policy and saves "always" as a rule', async () => {
    const policy = new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => settings);
    const session = ui(async () => ({ kind: 'allowSession' }));
    await executeCall(edit, deps(session, policy), signal());
    await executeCall({ ...create, id: '5' }, deps(session, policy), signal());
    assert.equal(session.asked.length, 1, 'the second write under src/ was allowed by the session rule');
    const always = ui(async () => ({ kind: 'always' }));
    await executeCall({ id: '6', tool: 'run_command', args: { command: 'make lint' } }, deps(always, policy), signal());
    assert.deepEqual(saved, [{ kind: 'commands', patterns: ['make lint'] }]);
  });

  it('checks the arguments before any approval is asked: a bad call is an error, never a prompt, and nothing runs', async () => {
    const bad: Array<Pick<ToolCall, 'tool' | 'args'>> = [
      { tool: 'edit_file', args: { path: 'src/math.ts', oldText: 'a - b' } }, // newText missing
      { tool: 'edit_file', args: { path: 'src/math.ts', oldText: 'a - b', newText: 'a + b', force: true } }, // unknown parameter
      { tool: 'edit_file', args: { path: 'src/math.ts', newText: 'x', startLine: '1' } }, // integer as text (the sidecar coerces; here it is raw)
      { tool: 'create_file', args: { path: 7, content: 'x' } },
      { tool: 'create_file', args: { path: 'src/new.ts', content: 'x', toString: 'y' } },
      { tool: 'run_command', args: { command: true } },
      { tool: 'run_command', args: { command: 'npm test', cwd: 1 } },
      { tool: 'run_command', args: {} },
      { tool: 'edit_file', args: { path: 'src/math.ts', newText: 'x', startLine: 2 ** 60 } },
    ];
    for (const [i, call] of bad.entries()) {
      const prompts = ui(async () => ({ kind: 'allowOnce' }));
      const result = await executeCall({ id: `bad-${i}`, ...call } as ToolCall, deps(prompts), signal());
      assert.equal(result.status, 'error', JSON.stringify(call.args));
      assert.match(result.output, /^Bad arguments for \w+: /);
      assert.deepEqual(prompts.asked, [], `no prompt for ${JSON.stringify(call.args)}`);
    }
    assert.deepEqual(host.runs, []);
    assert.equal(readFileSync(file, 'utf8'), original);
    assert.throws(() => readFileSync(path.join(ws, 'src/new.ts')));
  });
});
