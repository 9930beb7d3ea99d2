// A terminal's output as the agent reads it: every shape of escape sequence gone, split ones too,
// the text around them kept exactly, and a hostile unfinished sequence never held without bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TerminalText } from '../../extension/agent/tools/terminalText';

function clean(...chunks: string[]): string {
  const text = new TerminalText();
  return chunks.map((chunk) => text.push(chunk)).join('') + text.flush();
}

test('colours, cursor moves, titles and shell-integration marks are removed, the text kept', () => {
  const shapes: Array<[string, string]> = [
    ['\x1b[31mred\x1b[0m plain', 'red plain'],
    ['\x1b[1;38;5;208mbold orange\x1b[m', 'bold orange'],
    ['\x1b]633;C\x07line1\r\n', 'line1\n'],
    ['\x1b]633;E;echo hi there;nonce\x07ok', 'ok'],
    ['\x1b]0;a window title with spaces\x1b\\after', 'after'],
    ['\x1b]8;;https://example.com\x07link\x1b]8;;\x07', 'link'],
    ['\x1bP+q544e\x1b\\dcs gone', 'dcs gone'],
    ['a\x1b[2K\x1b[1Gb', 'ab'],
    ['\x1b[?25l\x1b[?2004hx\x1b[?25h', 'x'],
    ['\x1b=\x1b>\x1b7\x1b8\x1bMkeypad', 'keypad'],
    ['\x1b(B\x1b)0charset', 'charset'],
    ['bell\x07 back\x08space nul\x00 del\x7f c1\x9b', 'bell backspace nul del c1'],
    ['tabs\tand\nnewlines\r\nkept', 'tabs\tand\nnewlines\nkept'],
    ['progress 10%\rprogress 100%\r\n', 'progress 10%\rprogress 100%\n'],
    ['unicode ✓ — ünïcödé', 'unicode ✓ — ünïcödé'],
  ];
  for (const [raw, want] of shapes) assert.equal(clean(raw), want, JSON.stringify(raw));
});

test('a sequence split between chunks is removed whole, wherever it was cut', () => {
  const raw = 'before \x1b]633;E;make test;abc\x07\x1b[1;31mbold\x1b[0m after\r\n';
  for (let cut = 0; cut <= raw.length; cut++) {
    assert.equal(clean(raw.slice(0, cut), raw.slice(cut)), 'before bold after\n', `cut at ${cut}`);
  }
  // One character at a time.
  assert.equal(clean(...raw), 'before bold after\n');
});

test('an escape that never ends is not held without bound, and no ESC reaches the agent', () => {
  const text = new TerminalText();
  let out = text.push('start \x1b]0;');
  assert.equal(out, 'start ');
  for (let i = 0; i < 100; i++) out += text.push('x'.repeat(100));
  out += text.flush();
  assert.ok(!out.includes('\x1b'));
  assert.ok(out.startsWith('start ') && out.length > 9000, 'the text after the unfinished escape is kept, not swallowed');
});

test('huge output with no newline passes through in linear pieces', () => {
  const text = new TerminalText();
  let length = 0;
  for (let i = 0; i < 1000; i++) length += text.push(`\x1b[32m${'y'.repeat(1000)}\x1b[0m`).length;
  length += text.flush().length;
  assert.equal(length, 1_000_000);
});
