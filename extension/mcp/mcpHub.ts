// The MCP servers the user lists for Pylot (pylot.mcp.servers), as the agent's tools. Lives in the
// extension host because approvals and every side effect live there (DESIGN §1, §7): the sidecar
// only sees each tool's name, description and flat parameters, and proposes calls. One SDK Client
// per server, connected on the first turn that needs it (a stdio server is started then) and kept;
// a server that crashed is reconnected on the next turn; one whose settings changed is restarted.
// Every step is time-boxed and size-capped, and a failing server costs only its own tools.
// No `vscode`: the settings come in as a function.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ListToolsResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '../../protocol/settings';
import type { ExternalToolRunner } from '../agent/externalTool';
import { ToolError } from '../agent/tools/tool';
import { cappedFetch } from './cappedFetch';
import { resultText } from './resultText';
import { namespacedName, plainText, riskOf, shapeTool } from './toolShape';

/** The most bytes one message from a server may take (stdio line, HTTP response). */
export const messageLimit = 4 * 1024 * 1024;
/** Pages of tools/list read from one server. */
const maxPages = 4;

export interface McpHubOptions {
  /** How long a server may take to start, list its tools or answer a call. */
  readonly timeoutMs: () => number;
  readonly clientVersion: string;
}

export interface McpTools {
  readonly runners: ExternalToolRunner[];
  /** Tools that are not offered, and why (for the log). */
  readonly problems: string[];
  /** Servers that could not be reached or did not list their tools, and why (the user is told). */
  readonly unavailable: string[];
}

interface Connection {
  readonly key: string;
  readonly client: Client;
  closed: boolean;
}

export class McpHub {
  private readonly connections = new Map<string, Promise<Connection>>();
  /** The end of what each stdio server wrote to stderr, for the error when it fails. */
  private readonly stderr = new Map<string, string>();

  constructor(
    private readonly servers: () => Readonly<Record<string, McpServer>>,
    private readonly options: McpHubOptions,
  ) {}

  /** Every configured server's tools, shaped for the agent; servers are asked in parallel. */
  async tools(signal: AbortSignal): Promise<McpTools> {
    const servers = this.servers();
    for (const name of this.connections.keys()) if (!(name in servers)) void this.close(name);
    const listed = await Promise.all(Object.entries(servers).map(([name, config]) => this.serverTools(name, config, signal)));
    const runners: ExternalToolRunner[] = [];
    const problems: string[] = [];
    const unavailable: string[] = [];
    const names = new Set<string>();
    for (const server of listed) {
      problems.push(...server.problems);
      unavailable.push(...server.unavailable);
      for (const runner of server.runners) {
        if (names.has(runner.tool.name)) problems.push(`${runner.origin}: tool ${runner.tool.name} is skipped: another tool has that name.`);
        else {
          runners.push(runner);
          names.add(runner.tool.name);
        }
      }
    }
    return { runners, problems, unavailable };
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((name) => this.close(name)));
  }

  private async serverTools(name: string, config: McpServer, signal: AbortSignal): Promise<McpTools> {
    const origin = `MCP server "${name}"`;
    try {
      const connection = await this.connect(name, config);
      const tools: Tool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < maxPages; page++) {
        const result = await connection.client.request(
          { method: 'tools/list', params: cursor ? { cursor } : {} },
          ListToolsResultSchema,
          this.requestOptions(signal),
        );
        tools.push(...result.tools);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      const runners: ExternalToolRunner[] = [];
      const problems: string[] = [];
      for (const listed of tools) {
        const shaped = shapeTool(namespacedName('mcp', name, listed.name), listed, riskOf(listed.annotations));
        if (!shaped.ok) {
          problems.push(`${origin}: tool "${plainText(listed.name, 60)}" is not offered: ${shaped.reason}.`);
          continue;
        }
        runners.push({
          tool: shaped.tool,
          risk: shaped.tool.risk,
          trusted: config.trusted === true,
          origin,
          invoke: (args, callSignal) => this.call(name, config, listed.name, args, callSignal),
        });
      }
      return { runners, problems, unavailable: [] };
    } catch (error) {
      if (signal.aborted) return { runners: [], problems: [], unavailable: [] };
      return { runners: [], problems: [], unavailable: [`${origin} is not available: ${this.describe(name, error)}`] };
    }
  }

  private async call(name: string, config: McpServer, tool: string, args: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<string> {
    const origin = `MCP server "${name}"`;
    let result;
    try {
      const connection = await this.connect(name, config);
      result = await connection.client.request(
        { method: 'tools/call', params: { name: tool, arguments: { ...args } } },
        CallToolResultSchema,
        this.requestOptions(signal),
      );
    } catch (error) {
      throw new ToolError(`${origin} failed: ${this.describe(name, error)}`);
    }
    const text = resultText(result);
    if (result.isError) throw new ToolError(`${origin} says the call failed: ${text || '(no message)'}`);
    return text;
  }

  private requestOptions(signal: AbortSignal) {
    const timeout = this.options.timeoutMs();
    return { signal, timeout, maxTotalTimeout: timeout };
  }

  /** The server's live connection: made on first need, made again after a crash or a change of settings. */
  private async connect(name: string, config: McpServer): Promise<Connection> {
    const key = JSON.stringify(config);
    const existing = this.connections.get(name);
    if (existing) {
      const connection = await existing.catch(() => undefined);
      if (connection && !connection.closed && connection.key === key) return connection;
      await this.close(name);
    }
    const connecting = this.open(name, config, key);
    this.connections.set(name, connecting);
    connecting.catch(() => {
      if (this.connections.get(name) === connecting) this.connections.delete(name);
    });
    return connecting;
  }

  private async open(name: string, config: McpServer, key: string): Promise<Connection> {
    const client = new Client({ name: 'pylot', version: this.options.clientVersion });
    const connection: Connection = { key, client, closed: false };
    this.stderr.delete(name);
    client.onclose = () => (connection.closed = true);
    client.onerror = () => undefined; // a bad message from the server fails the request it answers, or is dropped
    let transport;
    if ('command' in config) {
      const stdio = new StdioClientTransport({
        command: config.command,
        args: config.args ?? [],
        env: { ...getDefaultEnvironment(), ...config.env },
        ...(config.cwd ? { cwd: config.cwd } : {}),
        stderr: 'pipe',
        maxBufferSize: messageLimit,
      });
      // Read all of stderr (a server that floods it must not block), keep its end.
      stdio.stderr?.on('data', (chunk: Buffer) => this.stderr.set(name, ((this.stderr.get(name) ?? '') + chunk.toString('utf8')).slice(-2000)));
      transport = stdio;
    } else {
      transport = new StreamableHTTPClientTransport(new URL(config.url), {
        requestInit: { headers: { ...config.headers } },
        fetch: cappedFetch(messageLimit),
      });
    }
    const timeout = this.options.timeoutMs();
    try {
      await client.connect(transport, { timeout, maxTotalTimeout: timeout });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    return connection;
  }

  private async close(name: string): Promise<void> {
    const connecting = this.connections.get(name);
    this.connections.delete(name);
    const connection = await connecting?.catch(() => undefined);
    await connection?.client.close().catch(() => undefined);
  }

  /** An error in words for the model and the user, with the end of the server's stderr when it has one. */
  private describe(name: string, error: unknown): string {
    const message = plainText(error instanceof Error ? error.message : String(error), 300);
    const stderr = this.stderr.get(name)?.trim();
    return `${message}${stderr ? ` (its last output: ${plainText(stderr.slice(-300), 300)})` : ''}`;
  }
}
