// One proposed call, start to end, on the extension side: validate it against its tool's spec, let
// the policy decide, let the tool prepare (an edit is computed before asking: a failed match is an
// error, never a prompt), ask with a timeout, then invoke the tool, which checks again that its
// target did not change while the prompt was open. Nothing is written or run unless the policy or a
// person allowed it. The same for every tool: what differs lives in the tool (tools/registry).
// No `vscode` here: what the tools need from VS Code comes through a ToolHost.
import { argumentProblems, isExternalToolName, type ToolCall, type ToolResult } from '../../protocol/agent';
import { keepHunks } from '../review/hunks';
import { asAgentTool, type ExternalTools } from './externalTool';
import { AgentPolicy, type ApprovalDecision, type RememberedRule } from './policy/policy';
import type { SavedOutputs } from './savedOutputs';
import { toolImplementation } from './tools/registry';
import { ToolError, type FileChange, type Target, type ToolContext, type ToolHost } from './tools/tool';
import type { AgentUi } from './ui';

export { ToolError, type Target } from './tools/tool';

export interface ExecuteDeps {
  readonly policy: AgentPolicy;
  readonly host: ToolHost;
  readonly ui: AgentUi;
  readonly approvalTimeoutMs: number;
  /** "Always": save the rule to settings. */
  readonly saveRule: (rule: RememberedRule) => Promise<void>;
  /** Called before a file is written, for the turn's checkpoint (which copies it the first time). */
  readonly beforeWrite: (target: Target, before: string | undefined) => void | Promise<void>;
  /** Where long results are saved whole, for read_output. */
  readonly outputs?: SavedOutputs;
  /** This turn's tools of MCP servers and VS Code, by name. */
  readonly external?: ExternalTools;
}

const ok = (output: string): ToolResult => ({ status: 'ok', output });
const failed = (output: string): ToolResult => ({ status: 'error', output });

export async function executeCall(call: ToolCall, deps: ExecuteDeps, signal: AbortSignal): Promise<ToolResult> {
  const external = isExternalToolName(call.tool) ? deps.external?.get(call.tool) : undefined;
  if (isExternalToolName(call.tool) && !external) return failed(`There is no tool ${call.tool} in this turn.`);
  const tool = external ? asAgentTool(external) : toolImplementation(call.tool as Parameters<typeof toolImplementation>[0]);
  const problems = argumentProblems(tool.spec, call.args);
  if (problems.length) return failed(`Bad arguments for ${call.tool}: ${problems.join('; ')}.`);
  const checked = await deps.policy.check(call, external);
  const { verdict } = checked;
  if (verdict.kind === 'deny') return { status: 'denied', output: `Not allowed: ${verdict.reason}` };

  const context: ToolContext = {
    paths: checked.paths,
    workspace: deps.policy.paths,
    host: deps.host,
    signal,
    beforeWrite: deps.beforeWrite,
    ...(deps.outputs ? { outputs: deps.outputs } : {}),
    ...(deps.ui.onCommandOutput ? { onOutput: (text: string) => deps.ui.onCommandOutput?.(call.id, text) } : {}),
  };
  let change: FileChange | undefined;
  /** What the tool's result says when the user kept only part of an edit. */
  let partNote = '';
  if (tool.prepare) {
    try {
      change = await tool.prepare(call.args, context);
    } catch (error) {
      return failed(message(error));
    }
  }

  if (verdict.kind === 'ask') {
    const preview = change ? deps.host.preview(change) : undefined;
    const decision = await decide(deps, signal, {
      call,
      risk: checked.risk,
      title: tool.spec.approvalTitle(call.args),
      reasons: verdict.reasons,
      options: AgentPolicy.options(verdict),
      ...(verdict.rule ? { rememberText: describeRule(verdict.rule) } : {}),
      ...(preview ? { change: preview } : {}),
    }).finally(() => preview?.dispose?.().catch(() => undefined));
    if (decision.kind === 'deny') return { status: 'denied', output: decision.why, ...(decision.feedback ? { feedback: decision.feedback } : {}) };
    if (change && decision.rejectedHunks?.length) {
      const part = partOf(change, decision.rejectedHunks);
      if ('status' in part) return part;
      ({ change, note: partNote } = part);
    }
    if (verdict.rule && (decision.kind === 'allowSession' || decision.kind === 'always')) {
      deps.policy.rememberForSession(verdict.rule);
      if (decision.kind === 'always') await deps.saveRule(verdict.rule);
    }
  }
  if (signal.aborted) return { status: 'denied', output: 'The turn was cancelled.' };

  try {
    const output = await tool.invoke(call.args, context, change);
    // A long result goes to the model cut (head and tail, by tokens, in the sidecar); the whole of it
    // is saved, and the note at its end (which the cut keeps) says how to read the rest.
    const note = call.tool !== 'read_output' && deps.outputs ? await deps.outputs.saveIfLong(call.id, output).catch(() => '') : '';
    return ok(output + partNote + note);
  } catch (error) {
    return failed(error instanceof ToolError ? error.message : `${call.tool} failed: ${message(error)}`);
  }
}

type Decision = Exclude<ApprovalDecision, { kind: 'deny' }> | { kind: 'deny'; why: string; feedback?: string };

/**
 * The edit as the user allowed it in part (the card's per-change Reject): the rejected hunks stay as
 * they were. A result instead when nothing is written (every change rejected, or it cannot be split).
 */
function partOf(change: FileChange, rejected: readonly number[]): { change: FileChange; note: string } | ToolResult {
  const { relative } = change.target;
  if (change.before === undefined) return failed(`A new file is created whole or not at all; ${relative} was not created.`);
  const part = keepHunks(change.before, change.after, rejected);
  if (!part) return failed(`${relative} mixes line endings, so part of the edit cannot be applied; nothing was written. Allow the whole edit or deny it.`);
  if (part.kept === part.total) return { change, note: '' };
  if (part.kept === 0) return { status: 'denied', output: `The user rejected every change of the edit; ${relative} is unchanged.` };
  const note = ` The user kept ${part.kept} of the edit's ${part.total} changes and rejected the others: read ${relative} again before editing it further.`;
  return { change: { ...change, after: part.text }, note };
}

/** Asks the UI; no answer within the timeout, a cancelled turn or a failing UI all mean deny. */
async function decide(deps: ExecuteDeps, signal: AbortSignal, request: Parameters<AgentUi['requestApproval']>[0]): Promise<Decision> {
  const prompt = new AbortController();
  const stop = () => prompt.abort();
  signal.addEventListener('abort', stop, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    prompt.abort();
  }, deps.approvalTimeoutMs);
  const ended = new Promise<undefined>((resolve) => prompt.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
  try {
    const answer = await Promise.race([deps.ui.requestApproval(request, prompt.signal), ended]);
    if (timedOut) return { kind: 'deny', why: `No decision within ${Math.round(deps.approvalTimeoutMs / 1000)} s, so it was denied.` };
    if (signal.aborted || !answer) return { kind: 'deny', why: 'The turn was cancelled.' };
    if (answer.kind === 'deny') return { kind: 'deny', why: 'The user denied this call.', ...(answer.feedback ? { feedback: answer.feedback } : {}) };
    const rejectedHunks = answer.rejectedHunks?.length ? { rejectedHunks: answer.rejectedHunks } : {};
    if (!request.options.includes(answer.kind)) return { kind: 'allowOnce', ...rejectedHunks };
    return { kind: answer.kind, ...rejectedHunks };
  } catch (error) {
    return { kind: 'deny', why: `The approval prompt failed (${message(error)}), so it was denied.` };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
    prompt.abort(); // closes the prompt if it is still open
  }
}

function describeRule(rule: RememberedRule): string {
  if (rule.kind === 'reads') return 'all file reads';
  if (rule.kind === 'tool') return `calls of ${rule.name}`;
  if (rule.kind === 'commands') return `commands starting with ${rule.patterns.map((p) => `"${p}"`).join(', ')}`;
  return `writes to ${rule.patterns.map((p) => p.replace(/^\//, '')).join(', ')}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
