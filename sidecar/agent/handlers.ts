// agent/run on the sidecar: the chat role's engine runs the loop; tool calls and "go on?"
// questions travel to the extension as requests from the sidecar, cancelled with the turn.
import { AgentEvent, AgentRun, AskContinue, ExecuteTool } from '../../protocol/agent';
import type { Endpoint } from '../../protocol/endpoint';
import type { Runtime } from '../engine/runtime';
import type { Scheduler } from '../engine/scheduler';
import type { ModelSlots } from '../models/slots';
import { runAgent } from './loop';

export function registerAgentHandlers(endpoint: Endpoint, slots: ModelSlots, scheduler: Scheduler, runtime: () => Promise<Runtime>): void {
  endpoint.onRequest(AgentRun, async (params, signal) => {
    await runtime();
    const engine = slots.require('chat');
    return runAgent(
      params,
      {
        engine,
        schedule: (s, task) => scheduler.run('chat', s, task),
        executeTool: (call, step, s) => endpoint.request(ExecuteTool, { turnId: params.turnId, step, call }, { signal: s }),
        askContinue: async (reason, s) => (await endpoint.request(AskContinue, { turnId: params.turnId, reason }, { signal: s })).continue,
        emit: (event) => void endpoint.notify(AgentEvent, event),
      },
      signal,
    );
  });
}
