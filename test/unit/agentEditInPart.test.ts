// An agent edit allowed in part (the card's per-change Reject): exactly the kept changes are written,
// the rejected ones stay as they were, the model is told; every change rejected writes nothing; what
// cannot be split (a new file, mixed line endings) is refused with nothing written.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ToolCall } from '../../protocol/agent';
import { executeCall, type ExecuteDeps } from '../../extension/agent/executeCall';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy, type ApprovalDecision, type PolicySettings } from '../../extension/agent/policy/policy';
import type { AgentUi } from '../../extension/agent/ui';
import { diffHunks, keepHunks } from '../../extension/review/hunks';
import { RecordingHost } from './helpers/toolHost';

describe('keeping some hunks of a rewrite', () => {
  const old = 'let first = 1;\nkeep();\nlet second = 2;\nend();\n';
  const next = 'const first = 1;\nkeep();\nconst second = 2;\nend();\n';

  it('leaves the rejected hunks as they were, whichever they are', () => {
    assert.deepEqual(keepHunks(old, next, [1]), { text: 'const first = 1;\nkeep();\nlet second = 2;\nend();\n', kept: 1, total: 2 });
    assert.deepEqual(keepHunks(old, next, [0]), { text: 'let first = 1;\nkeep();\nconst second = 2;\nend();\n', kept: 1, total: 2 });
    assert.deepEqual(keepHunks(old, next, [0, 1]), { text: old, kept: 0, total: 2 });
    assert.deepEqual(keepHunks(old, next, []), { text: next, kept: 2, total: 2 });
  });

  it('ignores indexes that are no hunk', () => {
    for (const rejected of [[2], [-1], [99, 100], [0.5], [Number.NaN]])
      assert.deepEqual(keepHunks(old, next, rejected), { text: next, kept: 2, total: 2 }, String(rejected));
    assert.deepEqual(keepHunks(old, next, [1, 1, 1]), { text: 'const first = 1;\nkeep();\nlet second = 2;\nend();\n', kept: 1, total: 2 });
  });

  it('handles insertions, deletions and changes at the start and the end of the text', () => {
    const cases: Array<[string, string]> = [
      ['a\nb\nc', 'x\na\nb\nc\ny'], // inserted at both ends
      ['a\nb\nc\nd', 'b\nc'], // deleted at both ends
      ['a\nb\nc', 'A\nb\nC'], // changed at both ends, no final newline
      ['a\nb\nc\n', 'a\nc\nd\ne\n'], // a deletion and an insertion
      ['', 'a\n'], // into an empty text
    ];
    for (const [before, rewritten] of cases) {
      const hunks = diffHunks(before, rewritten);
      assert.equal(keepHunks(before, rewritten, [])!.text, rewritten);
      assert.equal(
        keepHunks(
          before,
          rewritten,
          hunks.map((_, i) => i),
        )!.text,
        before,
        JSON.stringify(before),
      );
      // Each hunk alone, kept: the other hunks' lines stay, so keeping it and then the rest gives the rewrite.
      for (let i = 0; i < hunks.length; i++) {
        const others = hunks.map((_, j) => j).filter((j) => j !== i);
        const one = keepHunks(before, rewritten, others)!;
        assert.equal(one.kept, 1);
        assert.deepEqual(keepHunks(one.text, rewritten, [])!.text, rewritten);
        assert.equal(diffHunks(one.text, rewritten).length, hunks.length - 1, `${JSON.stringify([before, rewritten])} hunk ${i}`);
      }
    }
  });

  it('keeps CRLF text CRLF, and refuses mixed line endings', () => {
    const crlf = keepHunks(old.replace(/\n/g, '\r\n'), next.replace(/\n/g, '\r\n'), [1])!;
    assert.equal(crlf.text, 'const first = 1;\r\nkeep();\r\nlet second = 2;\r\nend();\r\n');
    assert.equal(keepHunks('let first = 1;\r\nkeep();\nlet second = 2;\n', 'const first = 1;\r\nkeep();\nconst second = 2;\n', [1]), undefined);
    // Nothing rejected: the rewrite as it is, whatever its line endings.
    assert.equal(keepHunks('a\r\nb\n', 'A\r\nb\n', [])!.text, 'A\r\nb\n');
  });
});

describe('executing an edit allowed in part', () => {
  const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-part-')));
  const file = path.join(ws, 'src/consts.ts');
  const original = 'let first = 1;\nkeep();\nlet second = 2;\n';
  const edit: ToolCall = {
    id: '1',
    tool: 'edit_file',
    args: { path: 'src/consts.ts', oldText: original, newText: 'const first = 1;\nkeep();\nconst second = 2;\n' },
  };
  const settings: PolicySettings = { autoApproveReads: true, allowCommands: [], denyCommands: [], allowWrites: [] };
  let host: RecordingHost;
  let checkpoints: string[];
  const run = (call: ToolCall, answer: ApprovalDecision, policy = new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => settings)) => {
    const ui: AgentUi = { onEvent: () => undefined, askContinue: async () => false, requestApproval: async () => answer };
    const deps: ExecuteDeps = {
      policy,
      host,
      ui,
      approvalTimeoutMs: 5_000,
      saveRule: async () => undefined,
      beforeWrite: (target) => void checkpoints.push(target.relative),
    };
    return executeCall(call, deps, new AbortController().signal);
  };

  before(() => mkdirSync(path.join(ws, 'src'), { recursive: true }));
  beforeEach(() => {
    host = new RecordingHost(ws);
    checkpoints = [];
    writeFileSync(file, original);
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('writes exactly the kept change, checkpointed, and tells the model what was kept', async () => {
    const result = await run(edit, { kind: 'allowOnce', rejectedHunks: [0] });
    assert.equal(result.status, 'ok');
    assert.equal(readFileSync(file, 'utf8'), 'let first = 1;\nkeep();\nconst second = 2;\n');
    assert.match(result.output, /^Edited src\/consts\.ts\. The user kept 1 of the edit's 2 changes and rejected the others: read src\/consts\.ts again/);
    assert.deepEqual(checkpoints, ['src/consts.ts']);
    assert.deepEqual(host.writes, ['src/consts.ts']);
  });

  it('writes nothing when every change was rejected, whatever Allow was pressed', async () => {
    for (const kind of ['allowOnce', 'allowSession', 'always'] as const) {
      const result = await run(edit, { kind, rejectedHunks: [0, 1] });
      assert.equal(result.status, 'denied', kind);
      assert.equal(result.output, 'The user rejected every change of the edit; src/consts.ts is unchanged.');
    }
    assert.equal(readFileSync(file, 'utf8'), original);
    assert.deepEqual(host.writes, []);
    assert.deepEqual(checkpoints, []);
  });

  it('writes the whole edit when the rejected indexes name no change', async () => {
    const result = await run(edit, { kind: 'allowOnce', rejectedHunks: [7] });
    assert.equal(result.output, 'Edited src/consts.ts.');
    assert.equal(readFileSync(file, 'utf8'), 'const first = 1;\nkeep();\nconst second = 2;\n');
  });

  it('remembers "for this session" with a partial allow: the next edit of the file asks no more', async () => {
    const policy = new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => settings);
    assert.equal((await run(edit, { kind: 'allowSession', rejectedHunks: [1] }, policy)).status, 'ok');
    assert.equal(readFileSync(file, 'utf8'), 'const first = 1;\nkeep();\nlet second = 2;\n');
    const again: ToolCall = { id: '2', tool: 'edit_file', args: { path: 'src/consts.ts', oldText: 'let second', newText: 'var second' } };
    assert.equal((await run(again, { kind: 'deny' }, policy)).status, 'ok', 'allowed without asking (a deny answer would have stopped it)');
    assert.equal(readFileSync(file, 'utf8'), 'const first = 1;\nkeep();\nvar second = 2;\n');
  });

  it('refuses a part of a new file and a part of a file with mixed line endings, writing nothing', async () => {
    const create: ToolCall = { id: '3', tool: 'create_file', args: { path: 'src/new.ts', content: 'a\nb\n' } };
    const created = await run(create, { kind: 'allowOnce', rejectedHunks: [0] });
    assert.equal(created.status, 'error');
    assert.match(created.output, /A new file is created whole or not at all; src\/new\.ts was not created/);
    assert.throws(() => readFileSync(path.join(ws, 'src/new.ts')));
    const mixed = 'let first = 1;\r\nkeep();\r\nlet second = 2;\nend();\n';
    writeFileSync(file, mixed);
    const call: ToolCall = {
      id: '4',
      tool: 'edit_file',
      args: { path: 'src/consts.ts', oldText: 'let first = 1;\nkeep();\nlet second = 2;', newText: 'const first = 1;\nkeep();\nconst second = 2;' },
    };
    const result = await run(call, { kind: 'allowOnce', rejectedHunks: [1] });
    assert.equal(result.status, 'error');
    assert.match(result.output, /mixes line endings, so part of the edit cannot be applied; nothing was written/);
    assert.equal(readFileSync(file, 'utf8'), mixed);
    assert.deepEqual(host.writes, []);
  });
});
