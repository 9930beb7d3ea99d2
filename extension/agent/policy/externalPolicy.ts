// The policy for tools that are not Pylot's own (MCP servers' and VS Code's). Their risk class comes
// from annotations their server wrote (readOnlyHint, destructiveHint…), and a server is not ours: a
// "read-only" label alone never skips the prompt. Only a tool classed read on a server the user
// marked `trusted` follows the read rules (pylot.agent.autoApproveReads); every other call asks,
// and "for this session" remembers that one tool only. Nothing is ever saved as "always".
import type { Risk } from '../../../protocol/agent';

/** What the policy knows of an external tool: its class, and whether the user trusts its server. */
export interface ExternalToolTrust {
  readonly risk: Risk;
  /** The user marked its server trusted (pylot.mcp.servers[…].trusted); VS Code's tools never are. */
  readonly trusted: boolean;
  /** Where it comes from, in words: `MCP server "notes"`, `VS Code`. */
  readonly origin: string;
}

export type ExternalVerdict =
  | { readonly kind: 'allow'; readonly reason: string }
  | { readonly kind: 'ask'; readonly reasons: readonly string[]; readonly rule: { readonly kind: 'reads' } | { readonly kind: 'tool'; readonly name: string } };

export interface ExternalSession {
  readonly reads: boolean;
  readonly tools: readonly string[];
}

export function judgeExternal(name: string, tool: ExternalToolTrust, autoApproveReads: boolean, session: ExternalSession): ExternalVerdict {
  if (tool.risk === 'read' && tool.trusted) {
    if (autoApproveReads) return { kind: 'allow', reason: `pylot.agent.autoApproveReads, ${tool.origin} is trusted` };
    if (session.reads) return { kind: 'allow', reason: 'reads allowed for this session' };
    return { kind: 'ask', reasons: ['reading needs approval (pylot.agent.autoApproveReads is off)'], rule: { kind: 'reads' } };
  }
  if (session.tools.includes(name)) return { kind: 'allow', reason: `${name} allowed for this session` };
  const why =
    tool.risk === 'read'
      ? `${tool.origin} calls this tool read-only, but the server is not marked trusted`
      : tool.risk === 'write'
        ? `${tool.origin} says this tool changes things`
        : `${tool.origin} does not say this tool only reads (it may change or delete things)`;
  return { kind: 'ask', reasons: [why], rule: { kind: 'tool', name } };
}
