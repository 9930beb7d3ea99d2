// Messages between the extension host and the chat panel (webview-ui/chat/). Every turn has an id
// that its streamed deltas, its end and its abort carry. Tool-call cards are here too, so the agent
// (wired in by the extension) renders its approval prompts through the same typed channel.
import * as z from 'zod/mini';
import { TurnStamps } from './turnTiming';
import { statsLimits, Vote } from './usageStats';

/** Ask: plain chat, read-only. Agent: tools with approval. Debug / Architect: Ask with a preset prompt. */
export const ChatMode = z.enum(['ask', 'agent', 'debug', 'architect']);
export type ChatMode = z.infer<typeof ChatMode>;

/** rules: a project rules file (AGENTS.md, .pylot/rules/…) given with every message; git: the uncommitted changes. */
export const AttachmentKind = z.enum(['file', 'symbol', 'selection', 'codebase', 'problems', 'text', 'rules', 'git']);
export type AttachmentKind = z.infer<typeof AttachmentKind>;

/** Context given to the model with a message, shown as a chip. */
export const Attachment = z.object({
  kind: AttachmentKind,
  /** What the chip says, e.g. `math.ts:3-9`. */
  label: z.string(),
  text: z.string(),
  /** The document it came from, as a URI string. */
  uri: z.optional(z.string()),
});
export type Attachment = z.infer<typeof Attachment>;

export const TurnUsage = z.object({
  /** Prompt tokens the engine evaluated (fewer than the prompt when it reused its cache). */
  promptTokens: z.optional(z.int()),
  /** Tokens generated. */
  tokens: z.int(),
  /** Our estimate of the whole prompt, against the model's context size. */
  estimatedPromptTokens: z.optional(z.int()),
  /** The model's context size the prompt was fitted to. */
  contextSize: z.optional(z.int()),
  /** Earlier messages left out so the conversation fits the context. */
  droppedMessages: z.optional(z.int()),
});
export type TurnUsage = z.infer<typeof TurnUsage>;

export const Risk = z.enum(['read', 'write', 'command']);
export type Risk = z.infer<typeof Risk>;

export const ApprovalDecision = z.enum(['once', 'session', 'always', 'deny']);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;

/** An edit's change as its card shows it inline: changed lines per hunk (1-based starts), with counts. */
export const CardDiff = z.object({
  path: z.string(),
  added: z.int(),
  removed: z.int(),
  hunks: z.array(z.object({ oldStart: z.int(), newStart: z.int(), removed: z.array(z.string()), added: z.array(z.string()) })),
  /** More changed lines than the card shows: the diff editor has them all. */
  truncated: z.optional(z.boolean()),
});
export type CardDiff = z.infer<typeof CardDiff>;

/** One tool call the agent proposed, rendered as a card; `pending` shows the approval buttons. */
export const ToolCallCard = z.object({
  id: z.string(),
  /** The assistant turn it belongs to. */
  turnId: z.string(),
  tool: z.string(),
  /** The call in one line, e.g. `edit_file src/a.ts (lines 3-9)`. */
  summary: z.string(),
  risk: Risk,
  /** Why the policy asks (or allowed it), e.g. "writes a file", "matches rule npm test". */
  reason: z.optional(z.string()),
  /** Offers "Open in diff editor"; the host opens VS Code's diff editor against a virtual document. */
  hasDiff: z.boolean(),
  /** The edit's change, shown inline in the card. */
  diff: z.optional(CardDiff),
  /** A command's exact line and the workspace-relative folder it runs in ("." is the workspace folder). */
  command: z.optional(z.object({ line: z.string(), folder: z.string() })),
  /** The decisions to offer while pending (all four when absent); risky shapes offer only once or deny. */
  options: z.optional(z.array(ApprovalDecision)),
  state: z.enum(['pending', 'allowed', 'denied', 'running', 'done', 'failed']),
  /** Tool output or the denial feedback, shortened. */
  result: z.optional(z.string()),
});
export type ToolCallCard = z.infer<typeof ToolCallCard>;

export const ChatCommand = z.enum(['selectModel', 'restartSidecar', 'showLogs', 'useDemoModel']);
export type ChatCommand = z.infer<typeof ChatCommand>;

export const ChatTurn = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  attachments: z.optional(z.array(Attachment)),
  usage: z.optional(TurnUsage),
  /** The user pressed Stop: the text is what had arrived. */
  stopped: z.optional(z.boolean()),
  /** Why the turn failed, in words a user can act on. */
  error: z.optional(z.string()),
  /** What fixes the error, offered as a button (e.g. Select Model… when none is set). */
  action: z.optional(ChatCommand),
  /** The agent's tool calls in this reply, in order. */
  toolCalls: z.optional(z.array(ToolCallCard)),
  /** The agent changed files in this reply: "Restore" puts them back as they were before it. */
  checkpoint: z.optional(z.object({ files: z.int(), restored: z.optional(z.boolean()) })),
  /** The user's 👍/👎 on this reply (counted in the local usage statistics, once). */
  feedback: z.optional(Vote),
});
export type ChatTurn = z.infer<typeof ChatTurn>;

export const ChatSummary = z.object({ id: z.string(), title: z.string(), updatedAt: z.number(), turns: z.int() });
export type ChatSummary = z.infer<typeof ChatSummary>;

/** The chat model as the header shows it. */
export const ChatModelView = z.object({
  state: z.enum(['none', 'unloaded', 'loading', 'ready', 'error']),
  name: z.optional(z.string()),
  contextSize: z.optional(z.int()),
  error: z.optional(z.string()),
  /** The engine is restarting or stopped: turns fail until it is back. */
  engine: z.optional(z.string()),
  /** An offline demo chat model can be set (`npm start` made one). */
  demoAvailable: z.optional(z.boolean()),
});
export type ChatModelView = z.infer<typeof ChatModelView>;

const id = z.string().check(z.minLength(1), z.maxLength(200));

/** The reply being written when the panel (re)loads: what has arrived so far. */
export const BusyTurn = z.object({ turnId: z.string(), text: z.string(), toolCalls: z.array(ToolCallCard) });
export type BusyTurn = z.infer<typeof BusyTurn>;

/** Host → chat panel. */
export const ChatHostMessage = z.discriminatedUnion('type', [
  /** The whole chat on show (on load, New chat, opening one from the history). */
  z.object({
    type: z.literal('chat'),
    chatId: z.string(),
    title: z.string(),
    mode: ChatMode,
    turns: z.array(ChatTurn),
    busy: z.optional(BusyTurn),
    agentAvailable: z.boolean(),
  }),
  z.object({ type: z.literal('model'), model: ChatModelView }),
  z.object({ type: z.literal('history'), chats: z.array(ChatSummary) }),
  /** A turn began: the user's message and the id its reply streams under. */
  z.object({ type: z.literal('turnStart'), user: ChatTurn, replyId: z.string() }),
  z.object({ type: z.literal('turnDelta'), turnId: z.string(), text: z.string() }),
  z.object({ type: z.literal('turnEnd'), turn: ChatTurn }),
  z.object({ type: z.literal('toolCall'), card: ToolCallCard }),
  /** Fill the composer (pylot.openChat with a prompt), optionally with chips. */
  z.object({ type: z.literal('compose'), text: z.optional(z.string()), attachments: z.array(Attachment) }),
  /** The editor's current selection, offered as a chip the user can keep or drop. */
  z.object({ type: z.literal('selection'), attachment: z.optional(Attachment) }),
  z.object({ type: z.literal('showHistory') }),
  /** Debug only (protocol/turnTiming.ts): the host's stage stamps of a turn, sent after its first delta. */
  z.object({ type: z.literal('turnTiming'), turnId: z.string(), stamps: TurnStamps }),
]);
export type ChatHostMessage = z.infer<typeof ChatHostMessage>;

export const CodeAction = z.enum(['copy', 'insert', 'apply']);
export type CodeAction = z.infer<typeof CodeAction>;

/** Chat panel → host. */
export const ChatWebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('send'), turnId: id, text: z.string().check(z.maxLength(200_000)), mode: ChatMode, attachments: z.array(Attachment) }),
  z.object({ type: z.literal('abort'), turnId: id }),
  /** What the composer holds once typing pauses (blank: nothing to read ahead); a local chat model reads it before Enter. */
  z.object({ type: z.literal('draft'), text: z.string().check(z.maxLength(200_000)), mode: ChatMode, attachments: z.array(Attachment) }),
  /** Run the last user message of this chat again (after an error, or for another answer). */
  z.object({ type: z.literal('retry'), turnId: id }),
  /** Send an earlier user message (its id) again with new text; the conversation after it is dropped. */
  z.object({ type: z.literal('resend'), turnId: id, text: z.string().check(z.minLength(1), z.maxLength(200_000)) }),
  z.object({ type: z.literal('newChat') }),
  z.object({ type: z.literal('openChat'), chatId: id }),
  z.object({ type: z.literal('deleteChat'), chatId: id }),
  z.object({ type: z.literal('setMode'), mode: ChatMode }),
  z.object({ type: z.literal('code'), action: CodeAction, code: z.string(), language: z.optional(z.string()) }),
  /** Ask the host to pick a file or symbol (VS Code's own quick pick) and attach it. */
  z.object({ type: z.literal('pickMention'), kind: z.enum(['file', 'symbol']) }),
  z.object({
    type: z.literal('approval'),
    callId: id,
    decision: ApprovalDecision,
    feedback: z.optional(z.string().check(z.maxLength(4000))),
    /** An edit allowed in part: the indexes of the card's diff hunks the user rejected. */
    rejectedHunks: z.optional(z.array(z.int().check(z.minimum(0), z.maximum(1_000_000))).check(z.maxLength(10_000))),
  }),
  z.object({ type: z.literal('showDiff'), callId: id }),
  z.object({ type: z.literal('restoreCheckpoint'), turnId: id }),
  /** 👍/👎 on a reply, with an optional note; kept only on this machine. */
  z.object({ type: z.literal('feedback'), turnId: id, vote: Vote, note: z.optional(z.string().check(z.maxLength(statsLimits.noteChars))) }),
  /** Open the document a chip came from. */
  z.object({ type: z.literal('openAttachment'), uri: z.string().check(z.minLength(1), z.maxLength(4000)) }),
  z.object({ type: z.literal('command'), command: ChatCommand }),
  /** A workspace-relative file named in an answer, opened at its (1-based) line. */
  z.object({
    type: z.literal('openFile'),
    path: z.string().check(z.minLength(1), z.maxLength(1000)),
    line: z.optional(z.int().check(z.minimum(1), z.maximum(10_000_000))),
  }),
]);
export type ChatWebviewMessage = z.infer<typeof ChatWebviewMessage>;
