import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatHostMessage, ChatWebviewMessage } from '../../protocol/chat';

describe('chat panel contract', () => {
  it('accepts a send with its turn id, mode and chips', () => {
    const send = {
      type: 'send',
      turnId: 't1',
      text: 'why?',
      mode: 'debug',
      attachments: [{ kind: 'selection', label: 'a.ts:3', text: 'x', uri: 'file:///a.ts' }],
    };
    assert.deepEqual(ChatWebviewMessage.parse(send), send);
  });

  it('refuses what the panel must never send: unknown types, modes and decisions, empty ids', () => {
    for (const bad of [
      { type: 'eval', code: '1' },
      { type: 'send', turnId: 't1', text: 'x', mode: 'root', attachments: [] },
      { type: 'approval', callId: 'c1', decision: 'yes' },
      { type: 'abort', turnId: '' },
      { type: 'command', command: 'deleteEverything' },
      { type: 'openFile', path: '' },
      { type: 'openFile', path: 'a.ts', line: 0 },
      { type: 'openFile', path: 'a.ts', line: 1.5 },
      { type: 'openFile', path: 'x'.repeat(1001) },
      { type: 'resend', turnId: 'q1', text: '' },
      { type: 'resend', turnId: '', text: 'again' },
    ])
      assert.equal(ChatWebviewMessage.safeParse(bad).success, false, JSON.stringify(bad));
  });

  it('carries an approval card and a failed turn with the action that fixes it', () => {
    const card = { id: 'c1', turnId: 't1', tool: 'edit_file', summary: 'edit_file src/a.ts', risk: 'write', hasDiff: true, state: 'pending' };
    assert.ok(ChatHostMessage.safeParse({ type: 'toolCall', card }).success);
    const failed = { id: 't1', role: 'assistant', text: '', error: 'No chat model is set.', action: 'selectModel', toolCalls: [card] };
    assert.ok(ChatHostMessage.safeParse({ type: 'turnEnd', turn: failed }).success);
    assert.equal(ChatHostMessage.safeParse({ type: 'turnEnd', turn: { ...failed, action: 'format' } }).success, false);
  });
});
