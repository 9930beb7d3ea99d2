// A role's setting naming a pool of servers (`server:a,server:b`): the profiles it names, the
// mistakes it refuses with a message that says what to write, and the words the status bar's
// tooltip and the Engine panel use for a pool (its servers, and which one answered last).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverProfilesOf } from '../../extension/models/serverSpec';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { specName, summarizeRole } from '../../protocol/roleStatus';
import type { ModelInfo } from '../../protocol/sidecar';

const profiles = (...names: string[]) => ({ servers: names.map((name) => ({ name, api: 'llama-server' as const, baseUrl: 'http://127.0.0.1:8080' })) });

describe('a pool in a role setting', () => {
  it('names one profile, or several separated by commas', () => {
    assert.deepEqual(serverProfilesOf('server:gpu-a', profiles('gpu-a')), ['gpu-a']);
    assert.deepEqual(serverProfilesOf('server:gpu-a,server:gpu-b', profiles()), ['gpu-a', 'gpu-b']);
    assert.deepEqual(serverProfilesOf('server:gpu-a, server:gpu-b ,server:cpu', profiles()), ['gpu-a', 'gpu-b', 'cpu']);
  });

  it('is not a pool when the setting is a file or a catalog id, even with commas', () => {
    assert.equal(serverProfilesOf('/home/me/models/a,b.gguf', profiles()), undefined);
    assert.equal(serverProfilesOf('catalog:qwen2.5-coder-0.5b', profiles()), undefined);
  });

  it('keeps a profile whose own name has a comma working alone', () => {
    assert.deepEqual(serverProfilesOf('server:office,2nd floor', profiles('office,2nd floor')), ['office,2nd floor']);
  });

  for (const [spec, what] of [
    ['server:a,b', '"b"'],
    ['server:a,/models/fim.gguf', '"/models/fim.gguf"'],
    ['server:a,catalog:qwen', '"catalog:qwen"'],
    ['server:a,', '""'],
    ['server:a,server:', '"server:"'],
    ['server:a,,server:b', '""'],
  ] as const) {
    it(`refuses ${JSON.stringify(spec)}, naming the part that is not a profile`, () => {
      assert.throws(
        () => serverProfilesOf(spec, profiles('a', 'b')),
        (error: unknown) =>
          error instanceof PylotError &&
          error.code === ErrorCodes.ModelNotFound &&
          error.message === `A pool lists server profiles, as in "server:a,server:b"; ${what} in "${spec}" is not one.`,
      );
    });
  }

  it('refuses a profile listed twice', () => {
    assert.throws(() => serverProfilesOf('server:a,server:b,server:a', profiles()), /The server profile "a" is listed twice in "server:a,server:b,server:a"\./);
  });
});

describe('the words for a pool', () => {
  const model: ModelInfo = {
    role: 'completion',
    key: 'pool:llama-server:gpu-a@http://10.0.0.2:8080,llama-server:gpu-b@http://10.0.0.3:8080',
    engine: 'llama-server',
    name: 'qwen2.5-coder-1.5b-q8_0.gguf',
    location: 'gpu-a (http://10.0.0.2:8080), gpu-b (http://10.0.0.3:8080)',
    contextSize: 4096,
    fim: true,
    capabilities: { infill: true, chat: true, tools: false, embeddings: false, grammar: true },
    loadMs: 12,
  };

  it('names the profiles before it is loaded', () => {
    assert.equal(specName('server:gpu-a,server:gpu-b'), 'gpu-a, gpu-b');
    assert.equal(summarizeRole({ role: 'completion', spec: 'server:gpu-a,server:gpu-b', state: 'unloaded' }).short, 'gpu-a, gpu-b (not loaded)');
  });

  it('lists the servers where they are until a health check has looked at them', () => {
    const { condition, short, long } = summarizeRole({ role: 'completion', state: 'ready', model });
    assert.deepEqual(
      { condition, short, long },
      {
        condition: 'server',
        short: 'qwen2.5-coder-1.5b-q8_0.gguf (llama-server pool)',
        long: 'qwen2.5-coder-1.5b-q8_0.gguf on a pool of servers (gpu-a (http://10.0.0.2:8080), gpu-b (http://10.0.0.3:8080))',
      },
    );
  });

  it('says which server answered last and how each one is', () => {
    const view = {
      role: 'completion' as const,
      state: 'ready' as const,
      model,
      answeredBy: 'gpu-b',
      servers: [
        { name: 'gpu-a', state: 'down' as const, reason: 'connection refused' },
        { name: 'gpu-b', state: 'ok' as const },
      ],
    };
    assert.equal(summarizeRole(view).long, 'qwen2.5-coder-1.5b-q8_0.gguf on a pool of servers (gpu-a down, gpu-b answering); the last answer came from gpu-b');
  });
});
