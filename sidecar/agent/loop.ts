// One agent turn: the model proposes one tool call per step (in its own tool format, else as
// grammar-constrained JSON, else read leniently from its text; see propose.ts); a call that cannot
// be read or fails its schema gets one repair turn under the call grammar; older messages are
// summarised by the model when the transcript outgrows the context; the extension executes it
// (or the user denies it), the result goes back to the model, until it answers or a guard stops it.
// The loop never touches files or processes itself.
import type { AgentEventParams, AgentOutcome, AgentRun, ToolCall, ToolResult } from '../../protocol/agent';
import { externalToolSpec, toolSpecs, type ToolSpec } from '../../protocol/agent';
import { ErrorCodes, PylotError, type ParamsOf, type ResultOf } from '../../protocol/rpc';
import { settingDefaults } from '../../protocol/settings';
import type { ChatMessage, Engine } from '../engine/engine';
import { countTokens, cutToolResults, perMessageOverhead, type CountTokens } from '../engine/tokenBudget';
import { RepeatDetector } from './guards';
import { bestMode, fallbackMode, propose, repairCall, type Proposal } from './propose';
import { callMessage, correctionMessage, promptSizeFor, resultMessage, systemPrompt } from './prompt';
import { foldIntoSummary } from './summarise';
import { truncateByTokens } from './truncate';

/** For a request that leaves a limit out: the settings' defaults, and the reply cap per step (not a setting). */
export const defaults = {
  maxSteps: settingDefaults['agent.maxSteps'],
  maxConsecutiveErrors: settingDefaults['agent.maxConsecutiveErrors'],
  toolOutputTokens: settingDefaults['agent.toolOutputTokens'],
  maxTokensPerStep: 1024,
};

export interface AgentDeps {
  readonly engine: Engine;
  /** Runs one generation when the scheduler allows (chat priority); the default runs it at once. */
  readonly schedule?: <T>(signal: AbortSignal, task: (signal: AbortSignal) => Promise<T>) => Promise<T>;
  readonly executeTool: (call: ToolCall, step: number, signal: AbortSignal) => Promise<ToolResult>;
  readonly askContinue: (reason: string, signal: AbortSignal) => Promise<boolean>;
  readonly emit: (event: AgentEventParams) => void;
}

type RunParams = ParamsOf<typeof AgentRun>;
type RunResult = ResultOf<typeof AgentRun>;

export async function runAgent(params: RunParams, deps: AgentDeps, signal: AbortSignal): Promise<RunResult> {
  const { turnId } = params;
  const limits = {
    maxSteps: params.maxSteps ?? defaults.maxSteps,
    maxErrors: params.maxConsecutiveErrors ?? defaults.maxConsecutiveErrors,
    outputTokens: params.toolOutputTokens ?? defaults.toolOutputTokens,
    maxTokens: params.maxTokensPerStep ?? defaults.maxTokensPerStep,
  };
  // The agent's own tools, then those of MCP servers and VS Code (the extension decides which, and runs them).
  const offered: ToolSpec[] = [...toolSpecs, ...(params.tools ?? []).map(externalToolSpec)];
  const tools = params.mode === 'ask' ? offered.filter((spec) => spec.risk === 'read') : offered;
  const { engine } = deps;
  let mode = bestMode(engine);
  const promptSize = promptSizeFor(engine.info.contextSize);
  const schedule = deps.schedule ?? ((s, task) => task(s));
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(tools, params.workspaceFolders ?? [], mode === 'native', promptSize) },
    ...(params.history ?? []),
    { role: 'user', content: params.task },
  ];
  let taskIndex = messages.length - 1;
  // Tool results: what gives way, oldest first, when even a summary leaves the transcript too long.
  const results = new Set<ChatMessage>();
  const budget = engine.info.contextSize - limits.maxTokens - 64;
  // Messages are counted every step; a server tokenizer is a request each, so remember the counts.
  const tokenCounts = new Map<string, number>();
  const counted = async (text: string) => tokenCounts.get(text) ?? tokenCounts.set(text, await countTokens(engine, text, signal)).get(text)!;
  const repeats = new RepeatDetector();
  let errors = 0;
  /** The answer's text already streamed this step: only the rest is sent at the end. */
  let streamed = '';
  const usage: { tokens: number; promptTokens?: number } = { tokens: 0 };
  const end = (outcome: AgentOutcome, answer: string, steps: number): RunResult => {
    const rest = answer.startsWith(streamed) ? answer.slice(streamed.length) : `\n${answer}`;
    if (rest) deps.emit({ type: 'text', turnId, text: rest });
    return { turnId, outcome, answer, steps, ...usage };
  };
  const notice = (message: string) => deps.emit({ type: 'notice', turnId, message });
  const count = (proposal: Pick<Proposal, 'tokens' | 'promptTokens'>) => {
    usage.tokens += proposal.tokens;
    // Servers that report no prompt use leave it unknown rather than zero.
    if (proposal.promptTokens !== undefined) usage.promptTokens = (usage.promptTokens ?? 0) + proposal.promptTokens;
  };
  /** Over budget: the older messages are summarised by the model (the user is told); what still overflows is cut. */
  const fitTranscript = async () => {
    const total = await transcriptTokens(messages, counted);
    if (total > budget) {
      const folded = await schedule(signal, (granted) => foldIntoSummary(engine, messages, taskIndex, counted, granted)).catch(() => undefined);
      if (folded) {
        messages.splice(0, messages.length, ...folded.messages);
        taskIndex = 1;
        count(folded);
        const now = await transcriptTokens(messages, counted);
        notice(`Summarised ${folded.folded} earlier messages to fit the model's ${engine.info.contextSize}-token context (${total} → ${now} tokens).`);
      }
    }
    const resultIndices = messages.flatMap((message, index) => (results.has(message) ? [index] : []));
    let over = (await cutToolResults(messages, resultIndices, budget, counted)) - budget;
    // Still over (a task or a latest result longer than the context): cut the longest messages in
    // the middle, so the engine is never handed more than it holds.
    for (let index = longestMessage(messages); over > 0 && index > 0; index = longestMessage(messages)) {
      const before = await counted(messages[index]!.content);
      if (before <= 32) break;
      const content = await truncateByTokens(messages[index]!.content, Math.max(32, before - over), counted);
      const after = await counted(content);
      if (after >= before) break;
      messages[index] = { ...messages[index]!, content };
      over -= before - after;
      notice(`Cut a message of ${before} tokens to ${after} to fit the model's ${engine.info.contextSize}-token context.`);
    }
  };

  for (let step = 1; step <= limits.maxSteps; step++) {
    if (signal.aborted) return end('cancelled', '', step - 1);
    await fitTranscript();
    if (signal.aborted) return end('cancelled', '', step - 1);
    let proposal: Proposal;
    try {
      streamed = '';
      const onAnswerText = (text: string) => {
        streamed += text;
        deps.emit({ type: 'text', turnId, text });
      };
      proposal = await schedule(signal, (granted) =>
        propose(engine, mode, messages, tools, { maxTokens: limits.maxTokens, signal: granted, onAnswerText, promptSize }),
      );
    } catch (error) {
      if (mode !== 'native' || signal.aborted || (error instanceof PylotError && error.code === ErrorCodes.Cancelled)) throw error;
      // The server or template refused tools (e.g. llama-server without --jinja): JSON calls work everywhere.
      mode = fallbackMode(engine);
      messages[0] = { role: 'system', content: systemPrompt(tools, params.workspaceFolders ?? [], false, promptSize) };
      notice(`The model's own tool-call format failed (${error instanceof Error ? error.message : String(error)}); using JSON calls instead.`);
      step--;
      continue;
    }
    count(proposal);
    if (signal.aborted || proposal.aborted) return end('cancelled', '', step - 1);
    if (proposal.reply.kind === 'invalid' && engine.capabilities.grammar) {
      // One repair turn under the call grammar, with the error; a repaired call enters the
      // transcript as if it had been written right (a small context keeps no broken attempts).
      const { problem } = proposal.reply;
      const broken = proposal;
      const repaired = await schedule(signal, (granted) =>
        repairCall(engine, messages, broken, problem, tools, { maxTokens: limits.maxTokens, signal: granted }),
      );
      count(repaired);
      if (signal.aborted || repaired.aborted) return end('cancelled', '', step - 1);
      if (repaired.reply.kind !== 'invalid') notice(`Repaired the model's tool call (${problem.replace(/\.$/, '')}).`);
      // Still wrong: its latest attempt and problem are what the next step hears about.
      proposal = repaired;
    }
    const { reply } = proposal;

    if (reply.kind === 'answer') return end('answered', reply.text, step);
    if (reply.kind === 'invalid') {
      notice(reply.problem);
      if (++errors >= limits.maxErrors) return end('errorLimit', `Stopped: the model made ${errors} mistakes in a row. Last: ${reply.problem}`, step);
      messages.push({ role: 'assistant', content: proposal.raw }, correctionMessage(reply.problem));
      continue;
    }

    if (repeats.repeated(reply.tool, reply.args)) {
      const reason = `The model asked for the same ${reply.tool} call three times. Let it go on?`;
      if (!(await deps.askContinue(reason, signal))) {
        return end(
          signal.aborted ? 'cancelled' : 'loopStopped',
          signal.aborted ? '' : `Stopped: the model repeated ${reply.tool} with the same arguments three times.`,
          step,
        );
      }
      repeats.forgive(reply.tool, reply.args);
    }

    const call: ToolCall = { id: `${turnId}.${step}`, tool: reply.tool, args: reply.args };
    deps.emit({ type: 'toolCall', turnId, step, call, format: proposal.format });
    const result = await deps.executeTool(call, step, signal);
    if (signal.aborted) return end('cancelled', '', step);
    const output = await truncateByTokens(result.output, limits.outputTokens, (text) => countTokens(engine, text, signal));
    deps.emit({ type: 'toolResult', turnId, step, callId: call.id, status: result.status, output });
    const nativeId = proposal.format === 'native' ? `call_${step}` : undefined;
    messages.push(callMessage(call, nativeId), resultMessage(call, result, output, nativeId));
    results.add(messages.at(-1)!);
    errors = result.status === 'error' ? errors + 1 : 0;
    if (errors >= limits.maxErrors) return end('errorLimit', `Stopped: ${errors} tool calls in a row failed. Last: ${output}`, step);
  }
  return end('stepLimit', `Stopped after ${limits.maxSteps} steps without an answer. Ask again to go on from here.`, limits.maxSteps);
}

async function transcriptTokens(messages: readonly ChatMessage[], count: CountTokens): Promise<number> {
  const counts = await Promise.all(messages.map((message) => count(message.content)));
  return counts.reduce((sum, n) => sum + n + perMessageOverhead, 0);
}

/** The longest message after the system prompt, by characters (0 when there is none). */
function longestMessage(messages: readonly ChatMessage[]): number {
  let longest = messages.length > 1 ? 1 : 0;
  for (let index = 2; index < messages.length; index++) if (messages[index]!.content.length > messages[longest]!.content.length) longest = index;
  return longest;
}
