// Real MCP server processes (written with the SDK in test/fixtures/mcpServer.ts) behind the
// extension's McpHub, over stdio and streamable HTTP on loopback: their tools are listed under
// namespaced names with flat parameters and capped descriptions, calls reach the server, and hostile
// servers — a megabyte description, a schema 1,000 levels deep, a call that never answers, a crash,
// a flood of stdout, lines that are not JSON — each cost only their own tools or call, with an error
// that says what happened, and the next call works again.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { McpServer } from '../../protocol/settings';
import { McpHub } from '../../extension/mcp/mcpHub';
import { startHttpMcpServer, type McpShape } from '../fixtures/mcpServer';
import { repoRoot } from './harness';

const serverScript = path.join(repoRoot, 'out/test/fixtures/mcpServer.mjs');
const notesDir = mkdtempSync(path.join(tmpdir(), 'pylot-mcp-notes-'));
process.env.NOTES_DIR = notesDir; // for the HTTP servers, which run in this process
const stdio = (shape: McpShape): McpServer => ({ command: process.execPath, args: [serverScript, shape], env: { NOTES_DIR: notesDir } });
const hubs: McpHub[] = [];
const hubOf = (servers: Record<string, McpServer>, timeoutMs = 20_000) => {
  const hub = new McpHub(() => servers, { timeoutMs: () => timeoutMs, clientVersion: 'test' });
  hubs.push(hub);
  return hub;
};
const signal = new AbortController().signal;

after(async () => {
  await Promise.all(hubs.map((hub) => hub.dispose()));
  rmSync(notesDir, { recursive: true, force: true });
});

describe('MCP servers as agent tools', () => {
  for (const transport of ['stdio', 'http'] as const) {
    it(`lists a ${transport} server's tools, namespaced and classed by their annotations, and calls them`, async () => {
      const http = transport === 'http' ? await startHttpMcpServer('notes') : undefined;
      try {
        const hub = hubOf({ notes: http ? { url: http.url } : stdio('notes') });
        const { runners, problems } = await hub.tools(signal);
        assert.deepEqual(
          runners.map((runner) => [runner.tool.name, runner.risk, runner.tool.params.map((p) => `${p.name}:${p.type}${p.required ? '' : '?'}`)]),
          [
            ['mcp_notes_lookup', 'read', ['topic:string']],
            // number → integer; the array parameter is optional, so it is left out.
            ['mcp_notes_write_note', 'write', ['title:string', 'body:string', 'priority:integer?']],
            ['mcp_notes_wipe', 'command', []],
          ],
        );
        assert.deepEqual(problems, ['MCP server "notes": tool "nested" is not offered: its required parameter "filter" is not a string, number or boolean.']);
        const lookup = runners.find((runner) => runner.tool.name === 'mcp_notes_lookup')!;
        assert.equal(await lookup.invoke({ topic: 'add' }, signal), 'Notes about add: it is defined in src/math.ts.');
        const write = runners.find((runner) => runner.tool.name === 'mcp_notes_write_note')!;
        assert.equal(await write.invoke({ title: `from-${transport}`, body: 'hello' }, signal), `Wrote from-${transport}.md`);
        assert.equal(readFileSync(path.join(notesDir, `from-${transport}.md`), 'utf8'), 'hello');
      } finally {
        await http?.close();
      }
    });
  }

  it('caps a megabyte description and cuts a name of 5,000 characters', async () => {
    const { runners, problems } = await hubOf({ huge: stdio('huge') }).tools(signal);
    assert.equal(problems.length, 0, problems.join('\n'));
    assert.deepEqual(
      runners.map((runner) => runner.tool.name),
      ['mcp_huge_lookup', `mcp_huge_${'x'.repeat(51)}`],
    );
    for (const { tool } of runners) {
      assert.ok(tool.description.length <= 400, String(tool.description.length));
      assert.ok(tool.brief.length <= 100);
    }
    assert.ok(runners[0]!.tool.description.endsWith('…'));
  });

  it('does not offer a tool whose schema is 1,000 levels deep, and offers the server’s other tools', async () => {
    const { runners, problems } = await hubOf({ deep: stdio('deep') }).tools(signal);
    assert.deepEqual(
      runners.map((runner) => runner.tool.name),
      ['mcp_deep_lookup'],
    );
    assert.match(problems.join('\n'), /tool "deep" is not offered: its required parameter "inner" is not a string, number or boolean/);
  });

  it('gives up on a call that never answers, within the timeout, with an error that says so', async () => {
    const { runners } = await hubOf({ slow: stdio('hang') }, 1500).tools(signal);
    await assert.rejects(runners[0]!.invoke({ topic: 'x' }, signal), /MCP server "slow" failed: .*timed out/i);
  });

  it('a call is cancelled with the turn', async () => {
    const { runners } = await hubOf({ slow2: stdio('hang') }).tools(signal);
    const abort = new AbortController();
    const call = runners[0]!.invoke({ topic: 'x' }, abort.signal);
    abort.abort();
    await assert.rejects(call, /MCP server "slow2" failed/);
  });

  it('a server that crashes during a call: the error quotes its last words, and the next turn starts it again', async () => {
    const hub = hubOf({ fragile: stdio('crash') });
    const { runners } = await hub.tools(signal);
    await assert.rejects(runners[0]!.invoke({ topic: 'x' }, signal), /MCP server "fragile" failed: .*closed.*segmentation fault/is);
    const again = await hub.tools(signal);
    assert.deepEqual(
      again.runners.map((runner) => runner.tool.name),
      ['mcp_fragile_lookup'],
    );
  });

  it('a server that floods stdout is cut off at the message limit, with an error', async () => {
    const { runners } = await hubOf({ loud: stdio('flood') }).tools(signal);
    await assert.rejects(runners[0]!.invoke({ topic: 'x' }, signal), /MCP server "loud" failed: .*closed/i);
  });

  it('lines that are not JSON are dropped, and the call fails on the timeout rather than hanging', async () => {
    const { runners } = await hubOf({ noisy: stdio('garbage') }, 1500).tools(signal);
    await assert.rejects(runners[0]!.invoke({ topic: 'x' }, signal), /MCP server "noisy" failed: .*timed out/i);
  });

  it('a server that cannot start, or an HTTP server that is not there, is reported; the others still work', async () => {
    const { runners, unavailable: problems } = await hubOf({
      missing: { command: path.join(notesDir, 'no-such-program') },
      gone: { url: 'http://127.0.0.1:9/mcp' },
      notes: stdio('notes'),
    }).tools(signal);
    assert.ok(runners.some((runner) => runner.tool.name === 'mcp_notes_lookup'));
    assert.match(problems.join('\n'), /MCP server "missing" is not available: .*ENOENT/);
    assert.match(problems.join('\n'), /MCP server "gone" is not available/);
  });

  it('an HTTP server that never answers is given up on at the timeout', async () => {
    const http = await startHttpMcpServer('hang');
    try {
      const { runners } = await hubOf({ stuck: { url: http.url } }, 1500).tools(signal);
      await assert.rejects(runners[0]!.invoke({ topic: 'x' }, signal), /MCP server "stuck" failed: .*timed out/i);
    } finally {
      await http.close();
    }
  });

  it('a write that was never called left nothing on disk', () => {
    assert.equal(existsSync(path.join(notesDir, 'never.md')), false);
  });
});
