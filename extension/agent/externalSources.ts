// Where a turn's external tools come from: the MCP servers in pylot.mcp.servers (McpHub) and, when
// pylot.mcp.vscodeTools is on, VS Code's own (`vscode.lm.tools`). At most externalToolLimit in all,
// MCP servers' first. What is not offered is logged; a server that is down is also said in the turn.
import * as vscode from 'vscode';
import { externalToolLimit } from '../../protocol/agent/externalTools';
import type { Log } from '../log';
import { vscodeToolRunners } from '../lm/vscodeTools';
import type { McpHub } from '../mcp/mcpHub';
import { readSetting } from '../settingsReader';
import type { ExternalToolRunner, ExternalTools } from './externalTool';

export interface TurnTools {
  readonly tools: ExternalTools;
  /** For the user, in the turn: servers that are down, tools cut by the limit. */
  readonly notices: string[];
}

/** The MCP client, bundled apart (dist/mcp.js, beside dist/extension.js): loading the SDK took 150–400 ms here, so only users with a server pay it. */
function loadHub(): typeof import('../mcp/mcpHub') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./mcp.js') as typeof import('../mcp/mcpHub');
}

export class ExternalSources implements vscode.Disposable {
  private hub: McpHub | undefined;

  constructor(
    private readonly log: Log,
    private readonly version: string,
  ) {}

  async forTurn(signal: AbortSignal): Promise<TurnTools> {
    const warn = (message: string) => this.log.warn(message);
    const servers = () => readSetting('mcp.servers', warn);
    if (!this.hub && Object.keys(servers()).length > 0) {
      const { McpHub } = loadHub();
      this.hub = new McpHub(servers, { timeoutMs: () => readSetting('mcp.timeoutSeconds', warn) * 1000, clientVersion: this.version });
    }
    const mcp = this.hub ? await this.hub.tools(signal) : { runners: [], problems: [], unavailable: [] };
    const vscodeTools = readSetting('mcp.vscodeTools', warn) ? vscodeToolRunners() : { runners: [], problems: [] };
    for (const problem of [...mcp.problems, ...vscodeTools.problems, ...mcp.unavailable]) this.log.warn(problem);
    const all: ExternalToolRunner[] = [...mcp.runners, ...vscodeTools.runners];
    const notices = [...mcp.unavailable];
    if (all.length > externalToolLimit)
      notices.push(`${all.length} MCP and VS Code tools are configured; the first ${externalToolLimit} are offered to the model.`);
    return { tools: new Map(all.slice(0, externalToolLimit).map((runner) => [runner.tool.name, runner])), notices };
  }

  dispose(): void {
    void this.hub?.dispose();
  }
}
