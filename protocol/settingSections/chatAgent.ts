// The Chat & Agent section of `pylot.*` settings (the chat, the agent's policy, rules files); see protocol/settings.ts.
import * as z from 'zod/mini';
import { declare } from '../settingDeclaration';
import { patterns } from './models';

export const chatAgentSettings = {
  // ── Chat & Agent ── Loosening rules are `application`-scoped and read from the user's own settings only (extension/agent/settings.ts).
  'agent.autoApproveReads': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: true,
    scope: 'application',
    order: 30,
    markdownDescription:
      'Let the agent read, list and search workspace files without asking. Protected files (`.git/`, `.pylotignore`, secrets) stay off limits either way. Writes and commands always ask unless a saved rule allows them. Read from your user settings only.',
  }),
  'agent.allowCommands': declare({
    section: 'Chat & Agent',
    schema: patterns,
    default: [],
    scope: 'application',
    order: 31,
    markdownDescription:
      'Commands the agent may run without asking, as prefixes in words (e.g. `npm test`, `git status`). A rule covers only the program found on PATH outside the workspace (never `./ls` or `node_modules/.bin/…`) and further words that are operands or options known to be harmless for it (`npm test --prefix=..` still asks). A command line with substitution (`$(…)`, backticks), redirection, subshells, variables or wrappers (`sh -c`, `xargs`…) still asks. "Always" answers add rules here. Read from your user settings only: a workspace cannot pre-approve commands.',
  }),
  'agent.denyCommands': declare({
    section: 'Chat & Agent',
    schema: patterns,
    default: ['rm -rf /', 'sudo', 'su', 'doas', 'mkfs', 'dd', 'shutdown', 'reboot', 'git push --force', 'chmod -R 777 /'],
    order: 32,
    markdownDescription:
      'Commands the agent may never run: a program, then options and operands it must have. Deny wins over allow and catches every spelling: any path to the program, options in any order or combined (`-rf`, `-r -f`, `--recursive`), paths written any way (`//`, `/tmp/..`), and commands inside wrappers like `sh -c "…"`, `env`, `nice`, `timeout` or `xargs`. A command it could catch only at run time (`rm -rf $DIR`) asks, without "Always".',
  }),
  'agent.allowWrites': declare({
    section: 'Chat & Agent',
    schema: patterns,
    default: [],
    scope: 'application',
    order: 33,
    markdownDescription:
      'Workspace paths (gitignore patterns, e.g. `/src/**`) the agent may edit or create without asking. "Always" answers add rules here. Read from your user settings only.',
  }),
  // Seconds may be fractional; the counts below are integers.
  'agent.approvalTimeoutSeconds': declare({
    section: 'Chat & Agent',
    schema: z.number().check(z.minimum(1), z.maximum(3600)),
    default: 120,
    order: 34,
    description: 'An approval prompt left unanswered this long counts as a denial.',
  }),
  'agent.commandTimeoutSeconds': declare({
    section: 'Chat & Agent',
    schema: z.number().check(z.minimum(1), z.maximum(3600)),
    default: 120,
    order: 35,
    description: 'A command the agent runs is stopped after this long.',
  }),
  'agent.commandOutputLimit': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1000), z.maximum(10_000_000)),
    default: 100_000,
    order: 36,
    description: "Characters of a command's output kept (its start and its end).",
  }),
  'agent.runCommandsInTerminal': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: false,
    order: 37,
    description:
      'Run the agent\'s commands in a "Pylot Agent" terminal, through VS Code\'s shell integration: you see them run, the agent reads their output as it comes. Where shell integration does not start (a shell without it, or `terminal.integrated.shellIntegration.enabled` off), they run in the background and are shown in the terminal.',
  }),
  'agent.reviewEdits': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: false,
    order: 37.5,
    description:
      "An agent edit is reviewed in its chat card either way: reject any of its changes there, and Allow writes the rest (one undo). On: an allowed edit also opens in the review editor, where you accept or reject each remaining change before it is written (the agent's Stop closes it, nothing written). Off: edits allowed for the session are written without asking again.",
  }),
  'agent.maxSteps': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1), z.maximum(100)),
    default: 15,
    order: 38,
    description: 'Tool calls the agent may make in one turn before it stops.',
  }),
  'agent.maxConsecutiveErrors': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1), z.maximum(20)),
    default: 3,
    order: 39,
    description: 'Failed or malformed tool calls in a row after which the agent stops.',
  }),
  'agent.toolOutputTokens': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(64), z.maximum(32_768)),
    default: 1500,
    order: 40,
    description: 'Tool output longer than this many tokens is cut to its start and end before the model reads it.',
  }),
  'agent.checkpointMaxMB': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1), z.maximum(4096)),
    default: 64,
    order: 41,
    markdownDescription:
      "The most memory, in MB, the agent's checkpoints may hold: the exact content each file had before the agent first changed it in a turn (files it did not touch are never copied). Older turns' checkpoints are dropped first; a file that does not fit is still changed, but you are told it cannot be restored.",
  }),
  'chat.readAhead': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: true,
    order: 45,
    description:
      'While you type in the chat, a local chat model reads your message (with its rules, mentions and the conversation) once you pause, so the answer starts sooner after Enter. Never sent to a server model: a server sees only what you send. Off: nothing is read before Enter.',
  }),
  'rules.enabled': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: true,
    order: 50,
    description:
      "Give chat and the agent the project's rules files: AGENTS.md (the nearest to the active file), .pylot/rules/*.md (front matter: description, globs, alwaysApply), .github/copilot-instructions.md, .cursorrules, .clinerules. Shown as chips on the message.",
  }),
  'rules.inUntrustedWorkspaces': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: false,
    order: 51,
    description: 'Also read rules files in a workspace you have not trusted (Restricted Mode). Off: an untrusted repository cannot instruct the model.',
  }),
  'rules.contextPercent': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(2), z.maximum(50)),
    default: 10,
    order: 52,
    description: "The most of the chat model's context, in percent, the rules files may take; what is over is cut.",
  }),
};
