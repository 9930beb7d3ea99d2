// The agent's plan (update_plan): read from the model's lines in every shape small models write
// them, capped, shown as a checklist and a one-line title, and never asking — even with reads off.
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { maxPlanSteps, maxStepChars, parsePlan, planChecklist, planTitle } from '../../protocol/agent/plan';
import { toolSpec } from '../../protocol/agent';
import { executeCall, type ExecuteDeps } from '../../extension/agent/executeCall';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy } from '../../extension/agent/policy/policy';
import { RecordingHost } from './helpers/toolHost';

describe('a plan as the model writes it', () => {
  it('reads done and open steps in the shapes small models use', () => {
    const plan = [
      '[x] Read the test',
      '- [X] Find add()',
      '1. [✓] Understand it',
      '2) [ ] Fix add()',
      '* [] Run the tests',
      'Update the README',
      '  ',
      '- tidy up',
    ].join('\n');
    assert.deepEqual(parsePlan(plan), [
      { text: 'Read the test', done: true },
      { text: 'Find add()', done: true },
      { text: 'Understand it', done: true },
      { text: 'Fix add()', done: false },
      { text: 'Run the tests', done: false },
      { text: 'Update the README', done: false },
      { text: 'tidy up', done: false },
    ]);
    assert.deepEqual(parsePlan('a\r\n[x] b'), [
      { text: 'a', done: false },
      { text: 'b', done: true },
    ]);
  });

  it('keeps a plan short: empty steps dropped, steps and their length capped', () => {
    assert.deepEqual(parsePlan('[x]\n[ ]   \n\n'), []);
    const long = Array.from({ length: 40 }, (_, i) => `[ ] step ${i} ${'x'.repeat(500)}`).join('\n');
    const steps = parsePlan(long);
    assert.equal(steps.length, maxPlanSteps);
    assert.ok(steps.every((s) => s.text.length === maxStepChars));
  });

  it('is shown as a checklist and a one-line title', () => {
    const steps = parsePlan('[x] Read the test\n[ ] Fix add()\n[ ] Run the tests');
    assert.equal(planChecklist(steps), '✓ Read the test\n→ Fix add()\n○ Run the tests');
    assert.equal(planTitle(steps), 'Plan: 1 of 3 done; next: Fix add()');
    assert.equal(planTitle(parsePlan('[x] a\n[x] b')), 'Plan: 2 of 2 done');
    assert.equal(toolSpec('update_plan').approvalTitle({ plan: '[ ] only' }), 'Plan: 0 of 1 done; next: only');
  });
});

describe('update_plan through executeCall', () => {
  const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-plan-')));
  after(() => rmSync(ws, { recursive: true, force: true }));
  const asked: string[] = [];
  const deps: ExecuteDeps = {
    // Reads need approval here: the plan touches nothing, so it still never asks.
    policy: new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => ({
      autoApproveReads: false,
      allowCommands: [],
      denyCommands: [],
      allowWrites: [],
    })),
    host: new RecordingHost(ws),
    approvalTimeoutMs: 1000,
    saveRule: async () => undefined,
    beforeWrite: () => undefined,
    ui: {
      onEvent: () => undefined,
      askContinue: async () => false,
      requestApproval: async (request) => (asked.push(request.title), { kind: 'deny' }),
    },
  };
  const call = (args: Record<string, unknown>) => executeCall({ id: 'p', tool: 'update_plan', args: args as never }, deps, new AbortController().signal);

  it('gives the checklist back without asking', async () => {
    assert.deepEqual(await call({ plan: '[x] Read the test\n[ ] Fix add()' }), { status: 'ok', output: 'Plan (1 of 2 done):\n✓ Read the test\n→ Fix add()' });
    assert.deepEqual(asked, []);
  });

  it('tells the model what a plan needs when it has no steps or bad arguments', async () => {
    assert.match((await call({ plan: '\n[ ]\n' })).output, /^The plan has no steps: write one step per line/);
    assert.match((await call({ steps: ['a'] })).output, /^Bad arguments for update_plan: "plan" is required; unknown parameter "steps"/);
    assert.match((await call({ plan: 7 })).output, /"plan" must be a string/);
    // A read that does touch the workspace still asks.
    await executeCall({ id: 'r', tool: 'list_files', args: { path: '.' } }, deps, new AbortController().signal);
    assert.equal(asked.length, 1);
  });
});
