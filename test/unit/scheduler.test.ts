// The scheduler's priorities: completions and chat run at once; a next edit waits while a
// completion runs and is pre-empted by one that starts, but neither waits for nor is stopped by
// chat; background work waits for all of them and is pre-empted by each but a query.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Scheduler, type Priority } from '../../sidecar/engine/scheduler';

/** A task that runs until released (or aborted), recording that it started. */
function held(log: string[], name: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const task = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      log.push(`${name} started`);
      signal.addEventListener('abort', () => reject(new Error(`${name} aborted`)), { once: true });
      void released.then(() => resolve(name));
    });
  return { task, release };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const run = (scheduler: Scheduler, priority: Priority, task: (signal: AbortSignal) => Promise<string>, signal = new AbortController().signal) =>
  scheduler.run(priority, signal, task);

describe('scheduler priorities', () => {
  it('a next edit waits while a completion runs, then runs', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const completion = held(log, 'completion');
    const nextEdit = held(log, 'nextEdit');
    const done = [run(scheduler, 'completion', completion.task), run(scheduler, 'nextEdit', nextEdit.task)];
    await tick();
    assert.deepEqual(log, ['completion started']);
    completion.release();
    await tick();
    await tick();
    assert.deepEqual(log, ['completion started', 'nextEdit started']);
    nextEdit.release();
    assert.deepEqual(await Promise.all(done), ['completion', 'nextEdit']);
  });

  it('a completion that starts pre-empts a running next edit (Preempted, to retry)', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const nextEdit = held(log, 'nextEdit');
    const running = run(scheduler, 'nextEdit', nextEdit.task);
    await tick();
    assert.equal(scheduler.load.nextEdit, 1);
    const completion = held(log, 'completion');
    const done = run(scheduler, 'completion', completion.task);
    await assert.rejects(running, (error: unknown) => error instanceof PylotError && error.code === ErrorCodes.Preempted);
    completion.release();
    assert.equal(await done, 'completion');
  });

  it('chat neither holds back nor stops a next edit', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const chat = held(log, 'chat');
    const nextEdit = held(log, 'nextEdit');
    const chatDone = run(scheduler, 'chat', chat.task);
    const nextDone = run(scheduler, 'nextEdit', nextEdit.task);
    await tick();
    assert.deepEqual(log, ['chat started', 'nextEdit started']);
    const chat2 = held(log, 'chat2');
    const chat2Done = run(scheduler, 'chat', chat2.task);
    await tick();
    nextEdit.release();
    assert.equal(await nextDone, 'nextEdit');
    chat.release();
    chat2.release();
    assert.deepEqual(await Promise.all([chatDone, chat2Done]), ['chat', 'chat2']);
  });

  it('background work waits for a next edit and is pre-empted by one', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const background = held(log, 'background');
    const running = run(scheduler, 'background', background.task);
    await tick();
    const nextEdit = held(log, 'nextEdit');
    const nextDone = run(scheduler, 'nextEdit', nextEdit.task);
    await assert.rejects(running, (error: unknown) => error instanceof PylotError && error.code === ErrorCodes.Preempted);
    const later = held(log, 'later');
    const laterDone = run(scheduler, 'background', later.task);
    await tick();
    assert.ok(!log.includes('later started'), 'waits while the next edit runs');
    nextEdit.release();
    await nextDone;
    await tick();
    await tick();
    assert.ok(log.includes('later started'));
    later.release();
    assert.equal(await laterDone, 'later');
  });

  it('a query lets running background work finish, and new background work waits for it', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const background = held(log, 'background');
    const running = run(scheduler, 'background', background.task);
    await tick();
    const query = held(log, 'query');
    const queryDone = run(scheduler, 'query', query.task);
    await tick();
    assert.ok(log.includes('query started'), 'a query never waits for background work');
    const later = held(log, 'later');
    const laterDone = run(scheduler, 'background', later.task);
    background.release();
    assert.equal(await running, 'background', 'the running unit was not pre-empted');
    await tick();
    assert.ok(!log.includes('later started'), 'new background work waits while the query runs');
    query.release();
    await queryDone;
    await tick();
    await tick();
    assert.ok(log.includes('later started'));
    later.release();
    assert.equal(await laterDone, 'later');
  });

  it('a next edit cancelled while it waits ends with Cancelled and never starts', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const completion = held(log, 'completion');
    const done = run(scheduler, 'completion', completion.task);
    const stop = new AbortController();
    const waiting = run(scheduler, 'nextEdit', held(log, 'nextEdit').task, stop.signal);
    await tick();
    stop.abort();
    await assert.rejects(waiting, (error: unknown) => error instanceof PylotError && error.code === ErrorCodes.Cancelled);
    completion.release();
    await done;
    assert.deepEqual(log, ['completion started']);
  });
});
