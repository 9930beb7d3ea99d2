// The one rule every Pylot log line follows: user content appears only under pylot.trace, and the
// sidecar's lines keep it recognisable across stderr so the diagnostics report can still drop it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { code, decodeLogLine, encodeLogLine, maxTracedChars, renderLogLine, toLogLine, type LogValue } from '../../protocol/logLine';

const line = (strings: TemplateStringsArray, ...values: LogValue[]) => toLogLine([strings, ...values]);
const secret = 'const apiKey = "MARKER_7f3a";';

describe('log lines', () => {
  it('replace user content by its length unless tracing, and keep the rest', () => {
    const l = line`Indexing ${'src/a.ts'} (${3} chunks) failed on ${code(secret)}`;
    assert.equal(renderLogLine(l, false), `Indexing src/a.ts (3 chunks) failed on ‹code, ${secret.length} chars›`);
    assert.equal(renderLogLine(l, true), `Indexing src/a.ts (3 chunks) failed on ${secret}`);
  });

  it('a plain string is a line with no user content', () => {
    assert.equal(renderLogLine(toLogLine(['Engine ready']), false), 'Engine ready');
  });

  it('code() takes any shape a caller has: objects, arrays, errors, numbers, undefined', () => {
    for (const value of [{ path: 'a.ts', newText: secret }, [secret], new Error(secret), 42, undefined, null]) {
      const rendered = renderLogLine(line`x ${code(value)} y`, false);
      assert.match(rendered, /^x ‹code, \d+ chars› y$/);
      assert.ok(!rendered.includes('MARKER'));
    }
  });

  it('cuts traced content at a bound', () => {
    const long = 'x'.repeat(maxTracedChars * 3);
    const rendered = renderLogLine(line`${code(long)}`, true);
    assert.ok(rendered.length < maxTracedChars + 40, String(rendered.length));
    assert.match(rendered, new RegExp(`\\(${long.length} chars\\)$`));
  });

  it('sidecar lines: redacted they carry no content; traced they decode back to content the report can drop', () => {
    const l = line`completion in ${'a.ts'}: ${code(secret)} → ${code('return x;')}`;
    const quiet = encodeLogLine(l, false);
    assert.ok(!quiet.includes('MARKER'));
    assert.equal(renderLogLine(decodeLogLine(quiet), true), quiet, 'nothing in a redacted line is taken for content');
    const traced = encodeLogLine(l, true);
    assert.ok(traced.includes(secret));
    const decoded = decodeLogLine(traced);
    assert.equal(renderLogLine(decoded, true), renderLogLine(l, true));
    assert.equal(renderLogLine(decoded, false), renderLogLine(l, false));
  });

  it('content that holds the delimiters cannot end its own span early', () => {
    for (const hostile of ['\uE001 leaked MARKER', 'a\uE000b\uE001MARKER', '\uE000\uE000MARKER\uE001\uE001', '\uE001']) {
      const decoded = decodeLogLine(encodeLogLine(line`before ${code(hostile)} after`, true));
      const redacted = renderLogLine(decoded, false);
      assert.ok(!redacted.includes('MARKER'), JSON.stringify(redacted));
      assert.match(redacted, /^before ‹code, \d+ chars› after$/);
    }
  });

  it('an unterminated span (a line cut short) is content to the end of the line', () => {
    assert.equal(renderLogLine(decodeLogLine('start \uE000half MARKER'), false), 'start ‹code, 11 chars›');
  });

  it('traced content with line breaks stays on one line, so reading stderr by lines cannot split a span', () => {
    const traced = encodeLogLine(line`prompt ${code('a\nb\r\nMARKER')} end`, true);
    assert.equal(traced.split('\n').length, 1);
    assert.equal(renderLogLine(decodeLogLine(traced), false), 'prompt ‹code, 10 chars› end');
  });
});
