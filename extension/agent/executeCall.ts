// One proposed call, start to end, on the extension side: validate it, let the policy decide,
// compute an edit before asking (a failed match is an error, never a prompt), ask with a timeout,
// check again that the target did not change while the prompt was open, then run it. Nothing is
// written or run unless the policy or a person allowed it. No `vscode` here: the tools are a backend.
import { argumentProblems, toolSpec, type ToolCall, type ToolResult } from '../../protocol/agent';
import { computeEdit } from './edits/editText';
import { AgentPolicy, type ApprovalDecision, type RememberedRule } from './policy/policy';
import type { ResolvedPath } from './policy/paths';
import type { AgentUi, ProposedChange } from './ui';

export type Target = Extract<ResolvedPath, { ok: true }>;

/** A tool failed in a way the model should hear about. */
export class ToolError extends Error {}

export interface ToolBackend {
  read(target: Target, startLine?: number, endLine?: number): Promise<string>;
  list(target: Target, recursive: boolean): Promise<string>;
  searchText(query: string, isRegex: boolean, under: Target | undefined, signal: AbortSignal): Promise<string>;
  searchCode(query: string, signal: AbortSignal): Promise<string>;
  definitions(symbol: string, signal: AbortSignal): Promise<string>;
  /** The file's text as the user sees it (an open editor's buffer first); undefined if it does not exist. */
  currentText(target: Target): Promise<string | undefined>;
  preview(target: Target, before: string | undefined, after: string): ProposedChange;
  /** Applies the change as one undoable edit. */
  write(target: Target, before: string | undefined, after: string): Promise<void>;
  run(command: string, cwd: Target | undefined, signal: AbortSignal): Promise<string>;
}

export interface ExecuteDeps {
  readonly policy: AgentPolicy;
  readonly backend: ToolBackend;
  readonly ui: AgentUi;
  readonly approvalTimeoutMs: number;
  /** "Always": save the rule to settings. */
  readonly saveRule: (rule: RememberedRule) => Promise<void>;
  /** Called before a file is first written in this turn, for the checkpoint. */
  readonly beforeWrite: (target: Target, before: string | undefined) => void;
}

const ok = (output: string): ToolResult => ({ status: 'ok', output });
const failed = (output: string): ToolResult => ({ status: 'error', output });

export async function executeCall(call: ToolCall, deps: ExecuteDeps, signal: AbortSignal): Promise<ToolResult> {
  const spec = toolSpec(call.tool);
  const problems = argumentProblems(spec, call.args);
  if (problems.length) return failed(`Bad arguments for ${call.tool}: ${problems.join('; ')}.`);
  const checked = await deps.policy.check(call);
  const { verdict } = checked;
  if (verdict.kind === 'deny') return { status: 'denied', output: `Not allowed: ${verdict.reason}` };

  let change: { target: Target; before: string | undefined; after: string } | undefined;
  if (checked.risk === 'write') {
    const prepared = await prepareWrite(call, checked.paths.get('path')!, deps.backend).catch((error: unknown) => ({ error: message(error) }));
    if ('error' in prepared) return failed(prepared.error);
    change = prepared;
  }

  if (verdict.kind === 'ask') {
    const preview = change ? deps.backend.preview(change.target, change.before, change.after) : undefined;
    const decision = await decide(deps, signal, {
      call,
      risk: checked.risk,
      title: spec.approvalTitle(call.args),
      reasons: verdict.reasons,
      options: AgentPolicy.options(verdict),
      ...(verdict.rule ? { rememberText: describeRule(verdict.rule) } : {}),
      ...(preview ? { change: preview } : {}),
    }).finally(() => preview?.dispose?.().catch(() => undefined));
    if (decision.kind === 'deny') return { status: 'denied', output: decision.why, ...(decision.feedback ? { feedback: decision.feedback } : {}) };
    if (verdict.rule && (decision.kind === 'allowSession' || decision.kind === 'always')) {
      deps.policy.rememberForSession(verdict.rule);
      if (decision.kind === 'always') await deps.saveRule(verdict.rule);
    }
  }
  if (signal.aborted) return { status: 'denied', output: 'The turn was cancelled.' };

  try {
    return await run(call, checked.paths, change, deps, signal);
  } catch (error) {
    return failed(error instanceof ToolError ? error.message : `${call.tool} failed: ${message(error)}`);
  }
}

async function prepareWrite(call: ToolCall, target: Target, backend: ToolBackend): Promise<{ target: Target; before: string | undefined; after: string } | { error: string }> {
  const before = await backend.currentText(target);
  if (call.tool === 'create_file') {
    if (before !== undefined || target.exists) return { error: `${target.relative} already exists; use edit_file to change it.` };
    return { target, before, after: String(call.args.content) };
  }
  if (before === undefined) return { error: `${target.relative} does not exist; use create_file to make it.` };
  const { oldText, newText, startLine, endLine } = call.args as { oldText?: string; newText: string; startLine?: number; endLine?: number };
  const edit = computeEdit(before, { oldText, newText, startLine, endLine });
  return edit.ok ? { target, before, after: edit.text } : { error: `${target.relative} was not changed: ${edit.error}` };
}

type Decision = { kind: Exclude<ApprovalDecision['kind'], 'deny'> } | { kind: 'deny'; why: string; feedback?: string };

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
    if (!request.options.includes(answer.kind)) return { kind: 'allowOnce' };
    return { kind: answer.kind };
  } catch (error) {
    return { kind: 'deny', why: `The approval prompt failed (${message(error)}), so it was denied.` };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
    prompt.abort(); // closes the prompt if it is still open
  }
}

async function run(call: ToolCall, paths: ReadonlyMap<string, Target>, change: { target: Target; before: string | undefined; after: string } | undefined, deps: ExecuteDeps, signal: AbortSignal): Promise<ToolResult> {
  const { backend } = deps;
  const args = call.args;
  switch (call.tool) {
    case 'read_file':
      return ok(await backend.read(paths.get('path')!, args.startLine as number | undefined, args.endLine as number | undefined));
    case 'list_files':
      return ok(await backend.list(paths.get('path')!, args.recursive === true));
    case 'search_text':
      return ok(await backend.searchText(String(args.query), args.isRegex === true, paths.get('path'), signal));
    case 'search_code':
      return ok(await backend.searchCode(String(args.query), signal));
    case 'get_definitions':
      return ok(await backend.definitions(String(args.symbol), signal));
    case 'run_command':
      return ok(await backend.run(String(args.command), paths.get('cwd'), signal));
    case 'edit_file':
    case 'create_file': {
      const { target, before, after } = change!;
      // The prompt may have been open a while: the path must still lead where it did, the text be what was shown.
      const again = await deps.policy.paths.resolve(args.path);
      if (!again.ok || again.absolute !== target.absolute) return failed(`${target.relative} moved while waiting for approval; nothing was written.`);
      if ((await backend.currentText(again)) !== before) return failed(`${target.relative} changed while waiting for approval; nothing was written. Read it again.`);
      deps.beforeWrite(target, before);
      await backend.write(target, before, after);
      return ok(call.tool === 'create_file' ? `Created ${target.relative}.` : `Edited ${target.relative}.`);
    }
  }
}

function describeRule(rule: RememberedRule): string {
  if (rule.kind === 'reads') return 'all file reads';
  if (rule.kind === 'commands') return `commands starting with ${rule.patterns.map((p) => `"${p}"`).join(', ')}`;
  return `writes to ${rule.patterns.map((p) => p.replace(/^\//, '')).join(', ')}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
