// The sidecar answers malformed and out-of-order messages with JSON-RPC errors and stays up: through
// the extension's own client, and raw on the IPC channel for what that client cannot send.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { Endpoint } from '../../protocol/endpoint';
import { ErrorCodes } from '../../protocol/rpc';
import { Generate, Initialize, LoadModel, Ping, PROTOCOL_VERSION } from '../../protocol/sidecar';
import { rejectsWithCode, sidecarModule, waitForExit } from './harness';
import { contract, HostileMessages } from './hostileMessages';
import { RawSidecar, type Answer } from './rawChannel';

describe('sidecar contract boundary', () => {
  const child = fork(sidecarModule, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let rpc: MessageConnection;
  let connection: Endpoint;

  before(() => {
    rpc = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    rpc.listen();
    connection = new Endpoint(rpc, 'extension', { lostCode: ErrorCodes.SidecarExited, peer: 'the Pylot sidecar' });
  });
  after(async () => {
    rpc.dispose();
    child.disconnect();
    await waitForExit(child.pid!);
  });

  const initialize = (protocolVersion: string) =>
    connection.request(Initialize, { protocolVersion, client: { name: 'test', version: '0' }, settings: { threads: 2 } });

  it('refuses work before initialize', async () => {
    const error = await rejectsWithCode(connection.request(Generate, { role: 'completion', infill: { prefix: 'a', suffix: 'b' } }), ErrorCodes.NotInitialized);
    assert.match(error.message, /not been initialized/);
  });

  it('refuses a client speaking another major protocol version, with a message that says what to do', async () => {
    const error = await rejectsWithCode(initialize('2.0'), ErrorCodes.ProtocolMismatch);
    assert.match(error.message, /protocol 1\.\d+ .* 2\.0.*Reinstall/);
  });

  it('initializes with a hardware report', async () => {
    const result = await initialize(PROTOCOL_VERSION);
    assert.equal(result.protocolVersion, PROTOCOL_VERSION);
    assert.equal(result.server.pid, child.pid);
    assert.ok(['cpu', 'cuda', 'vulkan', 'metal'].includes(result.hardware.backend));
    assert.equal(result.hardware.cpu.threads, 2);
    assert.ok(result.hardware.ram.total > 0);
    assert.equal(result.hardware.engine.name, 'node-llama-cpp');
  });

  it('answers invalid params with InvalidParams naming the field', async () => {
    const error = await rejectsWithCode(rpc.sendRequest('model/generate', { role: 'completion', infill: { prefix: 42 } }), ErrorCodes.InvalidParams);
    assert.match(error.message, /prefix/);
    assert.match(error.message, /suffix/);
    await rejectsWithCode(rpc.sendRequest('model/load', { role: 'nonsense', source: { kind: 'file', path: '/x.gguf' } }), ErrorCodes.InvalidParams);
    await rejectsWithCode(rpc.sendRequest('model/load', null), ErrorCodes.InvalidParams);
    await rejectsWithCode(
      rpc.sendRequest('model/generate', { role: 'completion', infill: { prefix: '', suffix: '' }, maxTokens: -5 }),
      ErrorCodes.InvalidParams,
    );
  });

  it('answers an unknown method with MethodNotFound', async () => {
    await rejectsWithCode(rpc.sendRequest('model/explode', {}), ErrorCodes.MethodNotFound);
  });

  it('survives messages that are not JSON-RPC at all', async () => {
    child.send({ hello: 'world' });
    child.send('just a string');
    child.send([1, 2, 3]);
    child.send({ jsonrpc: '2.0', id: 99, method: 42 });
    const pong = await connection.request(Ping, null);
    assert.ok(pong.uptimeMs > 0);
    assert.equal(child.exitCode, null);
  });

  it('refuses on the client side to send params beyond the message limits, as InvalidParams', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const error = await rejectsWithCode(connection.request(Generate, { role: 'chat', prompt: 'x', jsonSchema: deep }), ErrorCodes.InvalidParams);
    assert.match(error.message, /deeper than 64 levels/);
    assert.ok((await connection.request(Ping, null)).uptimeMs > 0);
  });

  it('rejects a relative model path without touching the disk', async () => {
    const error = await rejectsWithCode(
      connection.request(LoadModel, { role: 'completion', source: { kind: 'file', path: 'models/x.gguf' } }),
      ErrorCodes.ModelNotFound,
    );
    assert.match(error.message, /absolute/);
  });
});

describe('sidecar contract boundary: messages that used to end or wedge the process', () => {
  let sidecar: RawSidecar;
  before(() => {
    sidecar = RawSidecar.start();
  });
  after(() => sidecar.close());

  const assertAlive = async () => {
    const pong = await sidecar.request('$/ping', null);
    assert.equal(typeof (pong.result as { uptimeMs: number }).uptimeMs, 'number', JSON.stringify(pong));
    assert.equal(sidecar.exited, undefined);
  };
  const errorCode = (answer: Answer) => answer.error?.code;

  it('survives $/cancelRequest without params, with a null or missing id, or with params that are not an object', async () => {
    for (const params of [undefined, null, {}, { id: null }, { id: { nested: 1 } }, 'x', 42, [1], { id: true }]) {
      sidecar.send(params === undefined ? { jsonrpc: '2.0', method: '$/cancelRequest' } : { jsonrpc: '2.0', method: '$/cancelRequest', params });
    }
    await assertAlive();
  });

  it('answers a request nested 10,000 deep with InvalidRequest and its id, and one without a method with a null id', async () => {
    const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    const nulls = sidecar.received.filter((m) => m.id === null).length;
    sidecar.write(`{"jsonrpc":"2.0","id":"deep","method":"model/generate","params":${deep(10_000)}}`);
    sidecar.write(
      `{"jsonrpc":"2.0","id":"deep-array","method":"model/generate","params":{"role":"completion","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
    );
    sidecar.write(`{"jsonrpc":"2.0","id":"no-method","params":${deep(10_000)}}`);
    const [answer] = await sidecar.answers('deep');
    assert.equal(errorCode(answer!), ErrorCodes.InvalidRequest);
    assert.match(String(answer!.error?.message), /deeper than 64/);
    assert.equal(errorCode((await sidecar.answers('deep-array'))[0]!), ErrorCodes.InvalidRequest);
    await sidecar.until(() => sidecar.received.filter((m) => m.id === null).length === nulls + 1, 'the null-id answer');
    await assertAlive();
  });

  it('answers params given as an array, a string or a number with InvalidParams', async () => {
    for (const params of [[1, 2], [], ['text'], [[]], 'text', 7, true]) {
      const answer = await sidecar.request('model/generate', params);
      assert.equal(errorCode(answer), ErrorCodes.InvalidParams, JSON.stringify(answer));
      assert.match(String(answer.error?.message), /params as one object/);
    }
    assert.equal(errorCode(await sidecar.request('$/ping', [null, null])), ErrorCodes.InvalidParams);
    // One positional param is that param: vscode-jsonrpc sends a null param as [null].
    assert.equal(typeof (await sidecar.request('$/ping', [null])).result, 'object');
    assert.equal(errorCode(await sidecar.request('model/generate', [{ role: 1 }])), ErrorCodes.InvalidParams);
  });

  it('answers a request without params: accepted where params are optional, InvalidParams naming the fields elsewhere', async () => {
    assert.equal(typeof (await sidecar.request('$/ping')).result, 'object');
    const answer = await sidecar.request('model/generate');
    assert.equal(errorCode(answer), ErrorCodes.InvalidParams);
    assert.match(String(answer.error?.message), /Invalid model\/generate params/);
  });

  it('answers both of two requests sharing one id: the second with an error of its own', async () => {
    for (const [first, second] of [
      [7, 7],
      ['s', 's'],
      [8, '8'],
    ] as const) {
      sidecar.sendAll([
        { jsonrpc: '2.0', id: first, method: '$/ping', params: null },
        { jsonrpc: '2.0', id: second, method: '$/ping', params: null },
      ]);
      const answers = first === second ? await sidecar.answers(first, 2) : [...(await sidecar.answers(first)), ...(await sidecar.answers(second))];
      assert.equal(answers.length, 2);
      assert.deepEqual(answers.map((a) => (a.error ? a.error.code : 'result')).sort(), [ErrorCodes.InvalidRequest, 'result'].sort());
    }
    // Once answered, the id is free again.
    sidecar.send({ jsonrpc: '2.0', id: 7, method: '$/ping', params: null });
    const again = await sidecar.answers(7, 3);
    assert.ok(again[2]!.result);
  });

  it('answers a request whose id cannot be correlated (null, boolean, object, array) with InvalidRequest and a null id', async () => {
    const nulls = () => sidecar.received.filter((m) => m.id === null) as Answer[];
    const before = nulls().length;
    for (const id of [null, true, {}, [1]]) sidecar.send({ jsonrpc: '2.0', id, method: '$/ping', params: null });
    await sidecar.until(() => nulls().length === before + 4, 'four null-id answers');
    assert.ok(
      nulls()
        .slice(before)
        .every((a) => errorCode(a) === ErrorCodes.InvalidRequest),
    );
  });

  it('drops responses to nothing and malformed responses, and never answers them with their id', async () => {
    sidecar.send({ jsonrpc: '2.0', id: 424242, result: { any: 'thing' } });
    sidecar.send({ jsonrpc: '2.0', id: 424243, error: 'not an object' });
    sidecar.send({ jsonrpc: '2.0', id: 424244, result: 1, error: { code: 1, message: 'both' } });
    await assertAlive();
    assert.ok(!sidecar.received.some((m) => typeof m.id === 'number' && m.id >= 424242 && m.id <= 424244));
  });

  it(
    'refuses index/open with a storage folder or root under /proc, /sys or /dev at once, and stays responsive',
    { skip: process.platform === 'win32' },
    async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'pylot-proc-root-'));
      try {
        for (const params of [
          { root, storageDir: '/proc/self/pylot-index' },
          { root, storageDir: '/proc' },
          { root, storageDir: '/sys/pylot' },
          { root, storageDir: '/dev/pylot' },
          { root: '/proc', storageDir: path.join(root, '.storage') },
        ]) {
          const answer = await sidecar.request('index/open', params, 5_000);
          assert.equal(errorCode(answer), ErrorCodes.InvalidParams, JSON.stringify(answer));
          assert.match(String(answer.error?.message), /kernel file system/);
        }
        await assertAlive();
        // None of them opened an index: a search finds nothing to search.
        assert.deepEqual(((await sidecar.request('index/search', { query: 'anything', limit: 5 })).result as { results?: unknown[] } | undefined)?.results, []);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  it('answers a method name that is not a string, empty or huge with InvalidRequest', async () => {
    for (const [i, method] of [42, '', 'm'.repeat(10_000), null, {}].entries()) {
      sidecar.send({ jsonrpc: '2.0', id: `bad-method-${i}`, method, params: {} });
      assert.equal(errorCode((await sidecar.answers(`bad-method-${i}`))[0]!), ErrorCodes.InvalidRequest);
    }
  });
});

describe('sidecar contract boundary: fuzz', () => {
  const seed = Number(process.env.PYLOT_FUZZ_SEED ?? 0x5eed);
  const wanted = 10_000;

  it(`answers every one of ${wanted.toLocaleString('en-US')} hostile messages it owes an answer, with a typed error or a valid result, and stays up (seed ${seed})`, async () => {
    const sidecar = RawSidecar.start();
    try {
      const init = await sidecar.request(
        'initialize',
        { protocolVersion: PROTOCOL_VERSION, client: { name: 'fuzz', version: '0' }, settings: { threads: 2 } },
        60_000,
      );
      assert.ok(init.result, JSON.stringify(init.error));
      const generator = new HostileMessages(seed);
      const owed = new Map<string, { count: number; methods: Set<unknown> }>();
      const kinds = new Map<string, number>();
      let sent = 0;
      let owedTotal = 0;
      const answersTo = (key: string) => answers.get(key)?.length ?? 0;
      const answers = new Map<string, Answer[]>();
      let indexed = 0;
      const collect = () => {
        for (; indexed < sidecar.received.length; indexed++) {
          const message = sidecar.received[indexed]!;
          if ('method' in message) continue; // the sidecar's own notifications (index status…)
          const key = JSON.stringify(message.id);
          answers.set(key, [...(answers.get(key) ?? []), message as Answer]);
        }
      };
      while (sent < wanted) {
        const batch: string[] = [];
        const batchKeys = new Set<string>();
        while (batch.length < 100 && sent + batch.length < wanted) {
          const group = generator.next();
          // A group arrives in one write: duplicates and cancel storms meet their target in flight.
          batch.push(group.map((m) => m.text).join('\n'));
          for (const message of group) {
            kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
            if (!message.answerId) continue;
            const entry = owed.get(message.answerId.key) ?? { count: 0, methods: new Set() };
            entry.count++;
            entry.methods.add(message.answerId.method);
            owed.set(message.answerId.key, entry);
            batchKeys.add(message.answerId.key);
            owedTotal++;
          }
          sent += group.length;
        }
        for (const text of batch) sidecar.write(text);
        await sidecar.until(
          () => (collect(), [...batchKeys].every((key) => answersTo(key) >= owed.get(key)!.count)),
          `the answers to a batch ending at message ${sent}`,
          60_000,
        );
        assert.equal(sidecar.exited, undefined, `the sidecar exited after ${sent} messages`);
      }
      const pong = await sidecar.request('$/ping', null);
      assert.equal(typeof (pong.result as { uptimeMs?: unknown }).uptimeMs, 'number');
      collect();

      const typedCodes = new Set<number>(Object.values(ErrorCodes));
      const codes = new Map<string, number>();
      const defs = new Map(contract.map((def) => [def.method, def]));
      for (const [key, list] of answers) {
        const expected = key === 'null' ? undefined : owed.get(key);
        if (key.startsWith('"raw-')) continue; // this test's own initialize and ping
        if (key !== 'null') {
          assert.ok(expected, `an answer to id ${key}, which was never owed one`);
          if (expected) assert.equal(list.length, expected.count, `id ${key}: ${expected.count} request(s), ${list.length} answer(s)`);
        }
        for (const answer of list) {
          if (answer.error) {
            assert.ok(typedCodes.has(answer.error.code as number), `untyped error code ${String(answer.error.code)}: ${String(answer.error.message)}`);
            assert.ok(typeof answer.error.message === 'string' && answer.error.message.length > 0);
            codes.set(String(answer.error.code), (codes.get(String(answer.error.code)) ?? 0) + 1);
          } else {
            const methods = [...(expected?.methods ?? [])];
            const valid = methods.some((method) => {
              const def = defs.get(method as string);
              return def?.kind === 'request' && def.result.safeParse(answer.result).success;
            });
            assert.ok(valid, `id ${key}: a result that fits none of ${methods.join(', ')}: ${JSON.stringify(answer.result).slice(0, 200)}`);
            codes.set('result', (codes.get('result') ?? 0) + 1);
          }
        }
      }
      for (const [key, entry] of owed) assert.equal(answersTo(key), entry.count, `id ${key} was never answered`);
      const nullAnswers = answersTo('null');
      assert.ok(nullAnswers <= sent - owedTotal, `${nullAnswers} null-id answers for ${sent - owedTotal} messages without an owed id`);
      assert.equal(sidecar.exited, undefined);
      assert.doesNotMatch(sidecar.stderr.join(''), /Uncaught exception/);
      for (const kind of [
        'wrong types',
        'missing fields',
        'unknown method',
        'notification with an id',
        'ids of every type',
        'duplicate ids',
        'cancel storm',
        'params of every shape',
        'valid method, junk params',
        'notification, junk params',
        'fake response',
        'not an object',
        'deep nesting',
        'huge string',
        'oversize',
      ]) {
        assert.ok((kinds.get(kind) ?? 0) > 0, `the generator sent no "${kind}" message`);
      }
      console.log(
        `fuzz seed ${seed}: ${sent} messages (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}); ${owedTotal} owed an answer, all answered (${[...codes].map(([c, n]) => `${c}: ${n}`).join(', ')}); ${nullAnswers} null-id answers; 0 exits`,
      );
    } finally {
      await sidecar.close();
    }
  });
});
