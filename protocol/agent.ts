// The agent's contract. The sidecar runs the loop and only PROPOSES tool calls: it asks the
// extension to execute each one (`agent/executeTool`, a request from the sidecar to the extension),
// and the extension's policy engine decides, asks the user, executes and answers. Progress streams
// as `agent/event` notifications keyed by the turn id. Tools are declared once, here: their flat
// parameters (the model's schema), their risk class and their approval text.
import * as z from 'zod/mini';
import { notification, request } from './rpc';

export const ToolName = z.enum(['read_file', 'list_files', 'search_text', 'search_code', 'get_definitions', 'edit_file', 'create_file', 'run_command']);
export type ToolName = z.infer<typeof ToolName>;

/** read: looks only; write: changes files; command: runs a process. Writes and commands always need a decision. */
export type Risk = 'read' | 'write' | 'command';

export interface ToolParam {
  readonly type: 'string' | 'integer' | 'boolean';
  readonly description: string;
  readonly required?: boolean;
}

export interface ToolSpec {
  readonly name: ToolName;
  readonly description: string;
  readonly params: Readonly<Record<string, ToolParam>>;
  readonly risk: Risk;
  /** One line for the approval prompt, from the call's arguments. */
  readonly approvalTitle: (args: ToolArgs) => string;
}

export type ToolArgs = Readonly<Record<string, string | number | boolean>>;

const str = (args: ToolArgs, key: string) => String(args[key] ?? '');

export const toolSpecs: readonly ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a text file. Lines are numbered. Optionally only lines startLine..endLine (1-based, inclusive).',
    params: {
      path: { type: 'string', description: 'workspace-relative file path', required: true },
      startLine: { type: 'integer', description: 'first line to read (1-based)' },
      endLine: { type: 'integer', description: 'last line to read (inclusive)' },
    },
    risk: 'read',
    approvalTitle: (a) => `Read ${str(a, 'path')}`,
  },
  {
    name: 'list_files',
    description: 'List the files and folders in a workspace folder.',
    params: {
      path: { type: 'string', description: 'workspace-relative folder path; "." for the root', required: true },
      recursive: { type: 'boolean', description: 'include subfolders' },
    },
    risk: 'read',
    approvalTitle: (a) => `List ${str(a, 'path') || '.'}`,
  },
  {
    name: 'search_text',
    description: 'Search the workspace files for a text (or a regular expression); returns matching lines with their file and line number.',
    params: {
      query: { type: 'string', description: 'text to find', required: true },
      isRegex: { type: 'boolean', description: 'treat query as a JavaScript regular expression' },
      path: { type: 'string', description: 'only search under this workspace-relative folder' },
    },
    risk: 'read',
    approvalTitle: (a) => `Search for "${str(a, 'query')}"`,
  },
  {
    name: 'search_code',
    description: 'Semantic search of the workspace index: code related to a natural-language query.',
    params: { query: { type: 'string', description: 'what the code does or is about', required: true } },
    risk: 'read',
    approvalTitle: (a) => `Search the code index for "${str(a, 'query')}"`,
  },
  {
    name: 'get_definitions',
    description: 'Find where a symbol (function, class, type, variable) is defined; returns its file, line and source.',
    params: { symbol: { type: 'string', description: 'the symbol name', required: true } },
    risk: 'read',
    approvalTitle: (a) => `Find the definition of ${str(a, 'symbol')}`,
  },
  {
    name: 'edit_file',
    description:
      'Edit a file: replace oldText (copied exactly from the file, unique in it) with newText; or replace lines startLine..endLine with newText.',
    params: {
      path: { type: 'string', description: 'workspace-relative file path', required: true },
      newText: { type: 'string', description: 'the replacement text', required: true },
      oldText: { type: 'string', description: 'the exact text to replace' },
      startLine: { type: 'integer', description: 'first line to replace (1-based), instead of oldText' },
      endLine: { type: 'integer', description: 'last line to replace (inclusive)' },
    },
    risk: 'write',
    approvalTitle: (a) => `Edit ${str(a, 'path')}`,
  },
  {
    name: 'create_file',
    description: 'Create a new file with the given content. Fails if the file exists (use edit_file).',
    params: {
      path: { type: 'string', description: 'workspace-relative file path', required: true },
      content: { type: 'string', description: 'the whole file content', required: true },
    },
    risk: 'write',
    approvalTitle: (a) => `Create ${str(a, 'path')}`,
  },
  {
    name: 'run_command',
    description: 'Run a shell command in the workspace (tests, builds, linters); returns its exit code and output.',
    params: {
      command: { type: 'string', description: 'the command line', required: true },
      cwd: { type: 'string', description: 'workspace-relative folder to run it in' },
    },
    risk: 'command',
    approvalTitle: (a) => `Run: ${str(a, 'command')}`,
  },
];

export function toolSpec(name: ToolName): ToolSpec {
  return toolSpecs.find((spec) => spec.name === name)!;
}

/** Checks a call's arguments against its tool's flat parameters; returns the problems, none when valid. */
export function argumentProblems(spec: ToolSpec, args: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const [key, param] of Object.entries(spec.params)) {
    const value = args[key];
    if (value === undefined || value === null) {
      if (param.required) problems.push(`"${key}" is required`);
      continue;
    }
    const ok = param.type === 'string' ? typeof value === 'string' : param.type === 'boolean' ? typeof value === 'boolean' : Number.isInteger(value);
    if (!ok) problems.push(`"${key}" must be ${param.type === 'integer' ? 'an integer' : `a ${param.type}`}`);
  }
  for (const key of Object.keys(args)) if (!(key in spec.params)) problems.push(`unknown parameter "${key}"`);
  return problems;
}

const ArgValue = z.union([z.string(), z.number(), z.boolean()]);

export const ToolCall = z.object({
  id: z.string(),
  tool: ToolName,
  args: z.record(z.string(), ArgValue),
});
export type ToolCall = z.infer<typeof ToolCall>;

/** How the model's call was read: its own tool format, a grammar-constrained JSON call, or the lenient text parser. */
export const CallFormat = z.enum(['native', 'json', 'text']);
export type CallFormat = z.infer<typeof CallFormat>;

export const AgentMode = z.enum(['ask', 'agent']);
export type AgentMode = z.infer<typeof AgentMode>;

const count = z.int().check(z.nonnegative());

export const AgentHistoryMessage = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });

export const AgentOutcome = z.enum(['answered', 'cancelled', 'stepLimit', 'errorLimit', 'loopStopped']);
export type AgentOutcome = z.infer<typeof AgentOutcome>;

/** One agent turn: the task, earlier turns, and the guards' limits. Ends with the model's answer or why it stopped. */
export const AgentRun = request(
  'agent/run',
  z.object({
    turnId: z.string().check(z.minLength(1)),
    task: z.string().check(z.minLength(1)),
    history: z.optional(z.array(AgentHistoryMessage)),
    /** ask: read-only tools only. */
    mode: z.optional(AgentMode),
    /** Names of the workspace folders, for the system prompt. */
    workspaceFolders: z.optional(z.array(z.string())),
    maxSteps: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
    maxConsecutiveErrors: z.optional(z.int().check(z.minimum(1), z.maximum(20))),
    /** Tool output beyond this many tokens is cut to its head and tail. */
    toolOutputTokens: z.optional(z.int().check(z.minimum(64), z.maximum(32_768))),
    maxTokensPerStep: z.optional(z.int().check(z.minimum(16), z.maximum(8192))),
  }),
  z.object({
    turnId: z.string(),
    outcome: AgentOutcome,
    answer: z.string(),
    steps: count,
    /** Tokens the model generated over all steps, and prompt tokens the engine evaluated. */
    tokens: z.optional(count),
    promptTokens: z.optional(count),
  }),
);

export const ToolStatus = z.enum(['ok', 'error', 'denied']);
export type ToolStatus = z.infer<typeof ToolStatus>;

/** Sidecar → extension: run this call if the policy and the user allow it. */
export const ExecuteTool = request(
  'agent/executeTool',
  z.object({ turnId: z.string(), step: count, call: ToolCall }),
  z.object({
    status: ToolStatus,
    output: z.string(),
    /** What the user said when denying: goes back to the model. */
    feedback: z.optional(z.string()),
  }),
);
export type ToolResult = z.infer<typeof ExecuteTool.result>;

/** Sidecar → extension: a guard fired (e.g. the same call three times); go on only if the user says so. */
export const AskContinue = request('agent/askContinue', z.object({ turnId: z.string(), reason: z.string() }), z.object({ continue: z.boolean() }));

export const AgentEvent = notification(
  'agent/event',
  z.discriminatedUnion('type', [
    /** Text for the user, to append: the answer as it is generated, or its rest when the turn ends. */
    z.object({ type: z.literal('text'), turnId: z.string(), text: z.string() }),
    z.object({ type: z.literal('toolCall'), turnId: z.string(), step: count, call: ToolCall, format: CallFormat }),
    z.object({ type: z.literal('toolResult'), turnId: z.string(), step: count, callId: z.string(), status: ToolStatus, output: z.string() }),
    z.object({ type: z.literal('notice'), turnId: z.string(), message: z.string() }),
  ]),
);
export type AgentEventParams = z.infer<typeof AgentEvent.params>;
