// agent/run on the sidecar: the chat role's engine runs the loop; tool calls and "go on?"
// questions travel to the extension as requests from the sidecar, cancelled with the turn.
import { CancellationTokenSource, RequestType, type MessageConnection } from 'vscode-jsonrpc/node';
import { AgentEvent, AgentRun, AskContinue, ExecuteTool } from '../../protocol/agent';
import { ErrorCodes, parseOrThrow, PylotError, type ParamsOf, type RequestDef, type ResultOf } from '../../protocol/rpc';
import type { Runtime } from '../engine/runtime';
import type { Scheduler } from '../engine/scheduler';
import type { ModelSlots } from '../models/slots';
import { handle, notify } from '../rpc';
import { runAgent } from './loop';

export function registerAgentHandlers(connection: MessageConnection, slots: ModelSlots, scheduler: Scheduler, runtime: () => Promise<Runtime>): void {
  handle(connection, AgentRun, async (params, signal) => {
    await runtime();
    const engine = slots.require('chat');
    return runAgent(
      params,
      {
        engine,
        schedule: (s, task) => scheduler.run('chat', s, task),
        executeTool: (call, step, s) => ask(connection, ExecuteTool, { turnId: params.turnId, step, call }, s),
        askContinue: async (reason, s) => (await ask(connection, AskContinue, { turnId: params.turnId, reason }, s)).continue,
        emit: (event) => notify(connection, AgentEvent, event),
      },
      signal,
    );
  });
}

/** A request to the extension, validated both ways and cancelled with `signal`. */
async function ask<D extends RequestDef>(connection: MessageConnection, def: D, params: ParamsOf<D>, signal: AbortSignal): Promise<ResultOf<D>> {
  if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, `${def.method} was cancelled`);
  const source = new CancellationTokenSource();
  const onAbort = () => source.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const raw = await connection.sendRequest(new RequestType<unknown, unknown, unknown>(def.method), parseOrThrow(def.params, params, def.method), source.token);
    return parseOrThrow(def.result, raw, `${def.method} result`) as ResultOf<D>;
  } catch (error) {
    if (signal.aborted) throw new PylotError(ErrorCodes.Cancelled, `${def.method} was cancelled`);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.dispose();
  }
}
