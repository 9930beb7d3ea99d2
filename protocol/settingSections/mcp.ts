// The MCP part of the Chat & Agent section (`pylot.mcp.*`): the MCP servers whose tools the agent
// may use, and whether it may use the tools VS Code already knows; see protocol/settings.ts.
import * as z from 'zod/mini';
import { declare } from '../settingDeclaration';

const trusted = z.optional(
  z
    .boolean()
    .check(
      z.describe(
        'Take its tools\' "read-only" annotation on trust: such tools then follow pylot.agent.autoApproveReads. Every other call of its tools asks either way.',
      ),
    ),
);

/** A server Pylot starts: a program and its arguments, spoken to over stdin/stdout. */
export const McpStdioServer = z.strictObject({
  command: z.string().check(z.minLength(1), z.describe('The program to start (looked up on PATH).')),
  args: z.optional(z.array(z.string()).check(z.describe('Its arguments.'))),
  env: z.optional(
    z.record(z.string(), z.string()).check(z.describe('Environment variables to add (it gets only HOME, PATH, SHELL, TERM, USER, LOGNAME otherwise).')),
  ),
  cwd: z.optional(z.string().check(z.describe('Folder to start it in.'))),
  trusted,
});

/** A server that is already running, spoken to over streamable HTTP. */
export const McpHttpServer = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).check(z.describe('Its streamable HTTP endpoint, e.g. http://127.0.0.1:3000/mcp')),
  headers: z.optional(z.record(z.string(), z.string()).check(z.describe('Headers sent with every request (e.g. Authorization).'))),
  trusted,
});

export const McpServer = z.union([McpStdioServer, McpHttpServer]);
export type McpServer = z.infer<typeof McpServer>;

/** A server's name becomes part of its tools' names (`mcp_<name>_<tool>`), so it is short and plain. */
export const mcpServerName = /^[A-Za-z0-9][A-Za-z0-9_-]{0,23}$/;

export const mcpSettings = {
  'mcp.servers': declare({
    section: 'Chat & Agent',
    schema: z.record(z.string().check(z.regex(mcpServerName)), McpServer),
    default: {},
    // A server is a program Pylot starts or a place it sends arguments to: the user's to name, never a repository's.
    scope: 'machine',
    restricted: true,
    order: 60,
    markdownDescription:
      'MCP servers whose tools the agent may use, by name: `{ "command": "npx", "args": ["-y", "some-mcp-server"] }` (started by Pylot, stdio) or `{ "url": "http://127.0.0.1:3000/mcp" }` (streamable HTTP). Their tools reach the model as `mcp_<name>_<tool>`. Every call asks for approval, except calls of tools a server marks read-only when you set `"trusted": true` on it (they then follow `#pylot.agent.autoApproveReads#`). User or remote settings only.',
  }),
  'mcp.vscodeTools': declare({
    section: 'Chat & Agent',
    schema: z.boolean(),
    default: false,
    scope: 'machine',
    restricted: true,
    order: 61,
    markdownDescription:
      "Also offer the agent the tools VS Code knows (`vscode.lm.tools`: other extensions' tools and the MCP servers installed in VS Code), as `vscode_<tool>`. Every call asks for approval. Off by default: each tool costs a small model's context tokens.",
  }),
  'mcp.timeoutSeconds': declare({
    section: 'Chat & Agent',
    schema: z.int().check(z.minimum(1), z.maximum(3600)),
    default: 60,
    order: 62,
    description: 'An MCP server that has not started, listed its tools or answered a call within this long is given up on (the call fails; the turn goes on).',
  }),
};
