// The agent in the chat panel as a person uses it, in Chromium against the packaged .vsix: Agent
// mode picked in the panel, a scripted OpenAI-compatible model proposes calls, each shows as a card
// with the approval buttons. An edit's "Open in diff editor" opens VS Code's diff editor without touching the
// file, "Allow once" writes it as one undoable edit, "Deny…" with feedback leaves it and tells the
// model, and a command waits for its card too. Screenshots go to out/test-results/ui/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import {
  chatMode,
  chooseChatMode,
  expectDiff,
  focusedName,
  openChatPanel,
  openFile,
  runCommand,
  runCommandByKeyboard,
  screenshots,
  waitForAgentMode,
  waitForFile,
  waitForFocus,
} from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { startScriptedChatServer, type ScriptedChatServer } from '../integration/suite/scriptedChatServer';

const timeout = 120_000;
const original = 'export function add(a: number, b: number): number {\n  return a - b;\n}\n';
const fixed = original.replace('a - b', 'a + b');
const editCall = JSON.stringify({ tool: 'edit_file', args: { path: 'math.ts', oldText: 'return a - b;', newText: 'return a + b;' } });
const answer = (text: string) => JSON.stringify({ answer: text });

describe('the agent in the chat panel', { timeout: 15 * 60_000 }, () => {
  let workspace: string;
  let file: string;
  let model: ScriptedChatServer;
  let workbench: Workbench;
  let page: Page;
  let panel: Frame;
  let passed = 0;

  const ask = async (question: string) => {
    const input = panel.getByLabel('Message to Pylot');
    await input.fill(question);
    await input.press('Enter');
    await panel.locator('.turn.user', { hasText: question }).waitFor({ timeout });
  };
  const pendingCard = () => panel.locator('.tool-card.state-pending');
  const answerText = (text: string) => panel.locator('.turn.assistant:not(.streaming) .markdown', { hasText: text });

  before(async () => {
    model = await startScriptedChatServer();
    workbench = await openWorkbench({
      name: 'agent',
      files: { 'math.ts': original },
      machineSettings: {
        'pylot.servers': [model.profile('agent-lab')],
        'pylot.models.chat': 'server:agent-lab',
        'pylot.threads': 1,
        // Four reads of 2,000 tokens outgrow the 8k context (the server has no tokenizer: ~3 characters a token).
        'pylot.agent.toolOutputTokens': 2000,
      },
      pylotReadyMs: timeout,
    });
    ({ workspace, page } = workbench);
    file = path.join(workspace, 'math.ts');
    panel = await openChatPanel(page, timeout);
    // Agent mode, picked in the panel's mode picker as a person would (enabled once the agent is wired in).
    await waitForAgentMode(panel, timeout);
    await chooseChatMode(panel, 'Agent');
  });

  beforeEach(async () => {
    // New Chat is the view's title action (and a command).
    await runCommand(page, 'Pylot: New Chat');
    await panel.locator('.transcript p.empty').waitFor({ timeout });
    assert.equal(await chatMode(panel), 'Agent', 'a new chat stays in Agent mode');
  });

  after(async () => {
    await workbench?.close({ keepLogs: passed < 10 });
    await model?.close();
  });

  it('an edit shows its card and diff, changes nothing until Allow once, then is one undoable edit', async () => {
    const shots = await screenshots(page, 'agent-edit-allow');
    const asked = model.requests.length;
    model.reply(editCall, answer('add now adds.'));
    await ask('Fix add in math.ts');

    const card = pendingCard();
    await card.waitFor({ timeout });
    assert.match(await card.locator('.tool-summary').innerText(), /Edit math\.ts/);
    assert.equal(await card.locator('.risk').innerText(), 'writes files');
    for (const name of ['Allow once', 'Allow for this session', 'Always', 'Deny…']) {
      assert.ok(await card.getByRole('button', { name, exact: true }).isVisible(), `the card offers ${name}`);
    }
    // The change inline in the card, both sides, with its counts.
    const change = card.getByRole('group', { name: 'Change to math.ts: 1 lines added, 1 removed' });
    assert.equal(await change.locator('summary').innerText(), 'math.ts +1 −1');
    assert.deepEqual(await change.locator('.diff-line.removed').allInnerTexts(), ['−   return a - b;']);
    assert.deepEqual(await change.locator('.diff-line.added').allInnerTexts(), ['+   return a + b;']);
    await shots.take('card');

    await card.getByRole('button', { name: 'Open in diff editor' }).click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout });
    await page.locator('.tab', { hasText: 'math.ts ↔ proposed by Pylot' }).waitFor({ state: 'visible', timeout });
    // The file on the left, the proposal on the right.
    await page.locator('.monaco-diff-editor .editor.original .view-lines', { hasText: 'return a - b;' }).waitFor({ timeout });
    await page.locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: 'return a + b;' }).waitFor({ timeout });
    await expectDiff(page, { original: original.split('\n'), modified: fixed.split('\n') });
    await shots.take('diff');
    assert.equal(await readFile(file, 'utf8'), original, 'nothing written while the card waits');

    await card.getByRole('button', { name: 'Allow once', exact: true }).click();
    await waitForFile(file, (text) => text === fixed);
    await answerText('add now adds.').waitFor({ timeout });
    const done = panel.locator('.tool-card.state-done');
    await done.waitFor({ timeout });
    assert.equal(await done.getByRole('button').count(), 0, 'no buttons once decided');
    await page.locator('.monaco-diff-editor').waitFor({ state: 'detached', timeout });
    assert.equal(model.requests.length, asked + 2, 'one request for the call, one after its result');
    await shots.take('allowed');

    await openFile(page, 'math.ts');
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'return a + b;' }).waitFor({ timeout });
    await page.keyboard.press('Control+Z');
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'return a - b;' }).waitFor({ timeout });
    await page.keyboard.press('Control+S');
    await waitForFile(file, (text) => text === original);
    await shots.take('undone');
    passed += 1;
  });

  it('a reply that changed files offers to restore them, and Restore puts them back', async () => {
    const shots = await screenshots(page, 'agent-restore');
    await writeFile(file, original);
    model.reply(editCall, answer('Changed it.'));
    await ask('Fix add in math.ts, once more');
    const card = pendingCard();
    await card.waitFor({ timeout });
    await card.getByRole('button', { name: 'Allow once', exact: true }).click();
    await waitForFile(file, (text) => text === fixed);
    const restore = panel.getByRole('button', { name: 'Restore 1 file(s) to before this reply' });
    await restore.waitFor({ timeout });
    await shots.take('offered');
    await restore.click();
    // VS Code's own modal asks first.
    await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Restore', exact: true }).click();
    await waitForFile(file, (text) => text === original);
    await panel.locator('.checkpoint', { hasText: 'were restored' }).waitFor({ timeout });
    await shots.take('restored');
    passed += 1;
  });

  it('Deny… with feedback leaves the file as it was and the feedback reaches the model', async () => {
    const shots = await screenshots(page, 'agent-edit-deny');
    await writeFile(file, original);
    const asked = model.requests.length;
    const feedback = 'subtraction is intended here';
    model.reply(editCall, answer('I left it.'));
    await ask('Fix add in math.ts again');

    const card = pendingCard();
    await card.waitFor({ timeout });
    await card.getByRole('button', { name: 'Deny…', exact: true }).click();
    const input = card.getByLabel('Feedback for the model');
    await input.waitFor({ state: 'visible', timeout });
    await input.fill(feedback);
    await shots.take('feedback');
    await card.getByRole('button', { name: 'Deny', exact: true }).click();

    await answerText('I left it.').waitFor({ timeout });
    const denied = panel.locator('.tool-card.state-denied');
    await denied.waitFor({ timeout });
    assert.match(await denied.innerText(), /denied/);
    await shots.take('denied');
    assert.equal(await readFile(file, 'utf8'), original, 'the denied edit never reached the file');
    assert.equal(model.requests.length, asked + 2);
    const told = model.requests.at(-1)!.at(-1)!.content;
    assert.match(told, /The user denied edit_file/);
    assert.ok(told.includes(feedback), `the model was told the feedback; it got:\n${told}`);
    passed += 1;
  });

  it('a command waits for its card: nothing runs before a decision, and Deny keeps it from running', async () => {
    const shots = await screenshots(page, 'agent-command');
    const target = path.join(workspace, 'out.txt');
    const asked = model.requests.length;
    model.reply(JSON.stringify({ tool: 'run_command', args: { command: 'echo hello > out.txt', cwd: null } }), answer('I did not run it.'));
    await ask('Write hello into out.txt');

    const card = pendingCard();
    await card.waitFor({ timeout });
    assert.match(await card.locator('.tool-summary').innerText(), /echo hello > out\.txt/);
    assert.equal(await card.locator('.risk').innerText(), 'runs a command');
    assert.match(await card.locator('.tool-reason').innerText(), /redirection/);
    assert.ok(await card.getByRole('button', { name: 'Allow once', exact: true }).isVisible());
    assert.ok(await card.getByRole('button', { name: 'Deny…', exact: true }).isVisible());
    // A command line with a redirection has no rule to remember: only once or deny.
    assert.equal(await card.getByRole('button', { name: 'Always', exact: true }).count(), 0);
    await shots.take('card');
    assert.equal(existsSync(target), false, 'nothing ran while the card waits');

    await card.getByRole('button', { name: 'Deny…', exact: true }).click();
    await card.getByRole('button', { name: 'Deny', exact: true }).click();
    await answerText('I did not run it.').waitFor({ timeout });
    await panel.locator('.tool-card.state-denied').waitFor({ timeout });
    await shots.take('denied');
    assert.equal(existsSync(target), false, 'the denied command never ran');
    assert.equal(model.requests.length, asked + 2);
    assert.match(model.requests.at(-1)!.at(-1)!.content, /The user denied run_command/);
    passed += 1;
  });

  it('a broken tool call is repaired in one turn: no card for the broken call, the repair is shown, the repaired call asks as usual', async () => {
    const shots = await screenshots(page, 'agent-repair');
    await writeFile(file, original);
    const asked = model.requests.length;
    // Qwen's own format, with newText left out: it fails the schema, so it must never reach a card.
    const broken = '<tool_call>\n{"name": "edit_file", "arguments": {"path": "math.ts", "oldText": "return a - b;"}}\n</tool_call>';
    model.reply(broken, editCall, answer('Repaired and fixed.'));
    await ask('Fix add in math.ts after a broken call');

    const card = pendingCard();
    await card.waitFor({ timeout });
    assert.match(await card.locator('.tool-summary').innerText(), /Edit math\.ts/);
    await panel.locator('.turn.assistant blockquote', { hasText: "Repaired the model's tool call" }).waitFor({ timeout });
    assert.match(await panel.locator('.turn.assistant blockquote').last().innerText(), /"newText" is required/);
    assert.equal(await panel.locator('.tool-card').count(), 1, 'one card: the repaired call');
    assert.equal(await panel.getByText('<tool_call>').count(), 0, 'the broken call is not shown as text');
    await shots.take('repaired-card');
    // The repair turn told the model what was wrong with what it wrote.
    assert.equal(model.requests.length, asked + 2);
    const repair = model.requests.at(-1)!;
    assert.equal(repair.at(-2)!.content, broken);
    assert.match(repair.at(-1)!.content, /could not be used: Bad arguments for edit_file: "newText" is required/);
    assert.equal(await readFile(file, 'utf8'), original, 'nothing written while the card waits');

    await card.getByRole('button', { name: 'Allow once', exact: true }).click();
    await waitForFile(file, (text) => text === fixed);
    await answerText('Repaired and fixed.').waitFor({ timeout });
    await panel.locator('.turn.assistant:not(.streaming) blockquote', { hasText: "Repaired the model's tool call" }).waitFor({ timeout });
    await shots.take('done');
    passed += 1;
  });

  it('a turn that outgrows the context is summarised by the model, and the chat says so', async () => {
    const shots = await screenshots(page, 'agent-summary');
    // 2,000 lines: each read_file returns 400 of them, cut to the 2,000-token tool output cap.
    await writeFile(
      path.join(workspace, 'build.log'),
      Array.from({ length: 2000 }, (_, i) => `step ${i + 1}: compiled module ${i % 37} in ${i % 91} ms`).join('\n'),
    );
    const asked = model.requests.length;
    const reads = [1, 401, 801, 1201].map((startLine) =>
      JSON.stringify({ tool: 'read_file', args: { path: 'build.log', startLine, endLine: startLine + 399 } }),
    );
    const summary = 'Read build.log lines 1-1200: every module compiled; nothing failed.';
    model.reply(...reads, summary, answer('The build log shows no failures.'));
    await ask('Does build.log show a failure?');

    await answerText('The build log shows no failures.').waitFor({ timeout });
    // Still there once the turn has ended.
    const notice = panel.locator('.turn.assistant:not(.streaming) blockquote', { hasText: 'Summarised' });
    await notice.waitFor({ timeout });
    assert.match(await notice.innerText(), /^Summarised 6 earlier messages to fit the model's 8192-token context \(\d+ → \d+ tokens\)\.$/);
    assert.equal(await panel.locator('.tool-card.state-done').count(), 4, 'four reads, each with its card');
    await shots.take('summarised');
    // The summary request went to the model with the task, and the next step read the summary instead of the older reads.
    assert.equal(model.requests.length, asked + 6);
    assert.match(model.requests.at(-2)!.at(-1)!.content, /^The task: Does build\.log show a failure\?/);
    const last = model.requests.at(-1)!.map((m) => m.content);
    assert.ok(
      last.some((m) => m.endsWith(summary)),
      'the summary is in the next prompt',
    );
    assert.equal(last.filter((m) => m.startsWith('Result of read_file')).length, 1, 'only the latest read is there word for word');
    passed += 1;
  });

  it("the agent's plan shows as a checklist in the reply, updated as it goes", async () => {
    const shots = await screenshots(page, 'agent-plan');
    const plan = (text: string) => JSON.stringify({ tool: 'update_plan', args: { plan: text } });
    model.reply(plan('[ ] Read math.ts\n[ ] Fix add()\n[ ] Run the tests'), plan('[x] Read math.ts\n[ ] Fix add()\n[ ] Run the tests'), answer('Planned.'));
    await ask('Plan the fix of add');
    await answerText('Planned.').waitFor({ timeout });
    const plans = panel.getByRole('group', { name: 'Agent plan' });
    assert.equal(await plans.count(), 2);
    const latest = plans.nth(1);
    assert.equal(await latest.locator('.tool-head').innerText(), 'Plan (1 of 3 done):');
    assert.deepEqual(await latest.getByRole('listitem').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label'))), [
      'done: Read math.ts',
      'in progress: Fix add()',
      'to do: Run the tests',
    ]);
    assert.deepEqual(await latest.getByRole('listitem').allInnerTexts(), ['✓ Read math.ts', '→ Fix add()', '○ Run the tests']);
    await shots.take('plan');
    passed += 1;
  });

  it("a command's card shows its output while it runs", async () => {
    const shots = await screenshots(page, 'agent-command-live');
    const gate = path.join(workspace, 'go-ui');
    const command = "printf 'first part\\n'; while [ ! -f go-ui ]; do sleep 0.1; done; printf 'second part\\n'";
    model.reply(JSON.stringify({ tool: 'run_command', args: { command } }), answer('It ran.'));
    await ask('Run the slow command');
    const card = pendingCard();
    await card.waitFor({ timeout });
    await card.getByRole('button', { name: 'Allow once', exact: true }).click();
    const running = panel.locator('.tool-card.state-running', { hasText: 'Run: printf' });
    await running.getByText('Output', { exact: true }).click();
    await running.locator('pre', { hasText: 'first part' }).waitFor({ timeout });
    assert.equal(existsSync(gate), false, 'the command is still waiting');
    await shots.take('running');
    await writeFile(gate, '');
    await answerText('It ran.').waitFor({ timeout });
    const done = panel.locator('.tool-card.state-done', { hasText: 'Run: printf' });
    assert.match((await done.locator('pre').textContent()) ?? '', /exit code 0[\s\S]*first part\nsecond part/);
    await shots.take('done');
    passed += 1;
  });

  it("the project's rules files go with the message, shown as chips: the nearest AGENTS.md and the rules whose globs match", async () => {
    const shots = await screenshots(page, 'agent-rules');
    await mkdir(path.join(workspace, '.pylot/rules'), { recursive: true });
    await writeFile(path.join(workspace, 'AGENTS.md'), 'Always run npm test after an edit.');
    await writeFile(path.join(workspace, '.pylot/rules/typescript.md'), '---\ndescription: TypeScript\nglobs: "*.ts"\n---\nUse explicit return types.');
    await writeFile(path.join(workspace, '.pylot/rules/python.md'), '---\nglobs: "*.py"\n---\nUse type hints.');
    await openFile(page, 'math.ts');
    const asked = model.requests.length;
    model.reply(answer('Noted the rules.'));
    await ask('What are the house rules?');
    await answerText('Noted the rules.').waitFor({ timeout });

    const chips = panel.locator('.turn.user').last().locator('.chip-rules');
    assert.deepEqual(await chips.allInnerTexts(), ['@rules AGENTS.md', '@rules .pylot/rules/typescript.md']);
    await shots.take('chips');
    assert.equal(model.requests.length, asked + 1);
    const task = model.requests.at(-1)!.find((m) => m.role === 'user' && m.content.includes('What are the house rules?'))!.content;
    assert.ok(task.includes('Always run npm test after an edit.') && task.includes('Use explicit return types.'), task);
    assert.ok(!task.includes('Use type hints.'), 'a rule for other files stays out');
    await rm(path.join(workspace, 'AGENTS.md'));
    await rm(path.join(workspace, '.pylot'), { recursive: true });
    passed += 1;
  });

  it('keyboard only: the edit card takes the focus, its inline diff is read, Enter on Allow once writes the file', async () => {
    const shots = await screenshots(page, 'agent-keyboard');
    await writeFile(file, original);
    model.reply(editCall, answer('Fixed by keyboard.'));
    await runCommandByKeyboard(page, 'Pylot: Open Chat');
    await waitForFocus(panel, 'Message to Pylot', timeout);
    await page.keyboard.type('Fix add in math.ts');
    await page.keyboard.press('Enter');
    const card = pendingCard();
    await card.waitFor({ timeout });
    await waitForFocus(panel, 'Allow once', timeout); // the waiting card took the focus
    // Shift+Tab walks back over the card's decisions to its change, Tab forward again.
    const walked: string[] = [];
    for (let step = 0; step < 15 && !walked.includes('math.ts +1 −1'); step++) {
      await page.keyboard.press('Shift+Tab');
      walked.push(await focusedName(panel));
    }
    assert.ok(walked.includes('Open in diff editor') && walked.includes('math.ts +1 −1'), `walked back over: ${walked.join(' | ')}`);
    const change = card.locator('.card-diff');
    assert.equal(await change.getAttribute('open'), '', 'the change is open while the card waits');
    assert.deepEqual(await change.locator('.diff-line').allInnerTexts(), ['−   return a - b;', '+   return a + b;']);
    await shots.take('diff-inline');
    assert.equal(await readFile(file, 'utf8'), original, 'nothing written while the card waits');
    for (let step = 0; step < 6 && (await focusedName(panel)) !== 'Allow once'; step++) await page.keyboard.press('Tab');
    assert.equal(await focusedName(panel), 'Allow once');
    await page.keyboard.press('Enter');
    assert.equal(await waitForFile(file, (text) => text === fixed), fixed);
    await answerText('Fixed by keyboard.').waitFor({ timeout });
    await waitForFocus(panel, 'Message to Pylot', timeout); // the turn ended: back in the composer
    await shots.take('allowed');
    passed += 1;
  });
});
