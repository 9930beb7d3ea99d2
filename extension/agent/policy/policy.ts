// The policy engine: for each proposed call, allow it, deny it, or ask a person — and what a
// "for this session" or "always" answer would remember. The sidecar's proposal carries no say in
// this. Reads may be auto-approved by a setting; writes and commands only by a saved rule.
import ignore from 'ignore';
import { homedir } from 'node:os';
import path from 'node:path';
import { isExternalToolName, toolSpec, type Risk, type ToolCall } from '../../../protocol/agent';
import { programsToLocate } from './allowRules';
import { judgeCommand } from './commandPolicy';
import { judgeExternal, type ExternalToolTrust } from './externalPolicy';
import type { ResolvedPath, WorkspacePaths } from './paths';
import { locateProgram, pathHasRelativeEntries, type ProgramLocation } from './programPath';

export interface PolicySettings {
  readonly autoApproveReads: boolean;
  readonly allowCommands: readonly string[];
  readonly denyCommands: readonly string[];
  /** gitignore-style patterns of workspace-relative paths the agent may write without asking. */
  readonly allowWrites: readonly string[];
}

/** What "Allow for this session" / "Always" would remember for a call like this one. */
export type RememberedRule =
  | { readonly kind: 'reads' }
  | { readonly kind: 'commands'; readonly patterns: readonly string[] }
  | { readonly kind: 'writes'; readonly patterns: readonly string[] }
  /** One tool of an MCP server or of VS Code, for this session only (never saved). */
  | { readonly kind: 'tool'; readonly name: string };

/** What the command runner's shell will see: its environment (PATH), platform and home folder. */
export interface CommandEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly home: string;
}

const hostEnvironment = (): CommandEnvironment => ({ env: process.env, platform: process.platform, home: homedir() });

export type Verdict =
  | { readonly kind: 'allow'; readonly reason: string }
  | { readonly kind: 'deny'; readonly reason: string }
  | { readonly kind: 'ask'; readonly reasons: readonly string[]; readonly rule?: RememberedRule };

/** `rejectedHunks`: an edit allowed in part, the changes (indexes of its diff's hunks) the user dropped. */
export type ApprovalDecision =
  | { readonly kind: 'allowOnce' | 'allowSession' | 'always'; readonly rejectedHunks?: readonly number[] }
  | { readonly kind: 'deny'; readonly feedback?: string };
export type DecisionKind = ApprovalDecision['kind'];

export interface CheckedCall {
  readonly call: ToolCall;
  readonly risk: Risk;
  readonly verdict: Verdict;
  /** The call's path arguments, resolved (only when they all resolved inside the workspace). */
  readonly paths: ReadonlyMap<string, Extract<ResolvedPath, { ok: true }>>;
}

export class AgentPolicy {
  private readonly session = { reads: false, commands: [] as string[], writes: [] as string[], tools: [] as string[] };

  constructor(
    readonly paths: WorkspacePaths,
    private readonly settings: () => PolicySettings,
    private readonly commandEnvironment: () => CommandEnvironment = hostEnvironment,
  ) {}

  /** `external`: what is known of a tool that is not Pylot's own (its class and its server's trust). */
  async check(call: ToolCall, external?: ExternalToolTrust): Promise<CheckedCall> {
    if (isExternalToolName(call.tool)) {
      // An external tool the caller cannot describe is refused, never guessed at.
      if (!external) return { call, risk: 'command', verdict: { kind: 'deny', reason: `There is no tool ${call.tool} in this turn.` }, paths: new Map() };
      const verdict = judgeExternal(call.tool, external, this.settings().autoApproveReads, this.session);
      return { call, risk: external.risk, verdict, paths: new Map() };
    }
    const { risk, pathParams, local } = toolSpec(call.tool);
    const resolved = new Map<string, Extract<ResolvedPath, { ok: true }>>();
    const checked = (verdict: Verdict): CheckedCall => ({ call, risk, verdict, paths: resolved });
    for (const key of pathParams) {
      const value = call.args[key];
      if (value === undefined) continue;
      const where = await this.paths.resolve(value);
      if (!where.ok) return checked({ kind: 'deny', reason: where.reason });
      const protectedReason = protectionReason(where, risk);
      if (protectedReason) return checked({ kind: 'deny', reason: protectedReason });
      resolved.set(key, where);
    }
    const settings = this.settings();
    if (risk === 'read') {
      if (local) return checked({ kind: 'allow', reason: 'touches nothing outside the turn' });
      if (settings.autoApproveReads) return checked({ kind: 'allow', reason: 'pylot.agent.autoApproveReads' });
      if (this.session.reads) return checked({ kind: 'allow', reason: 'reads allowed for this session' });
      return checked({ kind: 'ask', reasons: ['reading needs approval (pylot.agent.autoApproveReads is off)'], rule: { kind: 'reads' } });
    }
    if (risk === 'write') {
      // A write tool writes the file its first path parameter names (see protocol/agent/tool.ts).
      const target = resolved.get(pathParams[0]!)!;
      const rules = ignore().add([...settings.allowWrites, ...this.session.writes].map((pattern) => pattern.normalize('NFC')));
      if (target.relative && rules.ignores(target.relative.normalize('NFC'))) return checked({ kind: 'allow', reason: 'a saved write rule' });
      return checked({
        kind: 'ask',
        reasons: [`${call.tool === 'create_file' ? 'creates' : 'changes'} ${target.relative}`],
        rule: { kind: 'writes', patterns: [writePattern(target.relative)] },
      });
    }
    const line = String(call.args.command ?? '');
    const environment = this.commandEnvironment();
    const roots = (await this.paths.roots()).map((root) => root.path);
    const cwd = resolved.get('cwd')?.absolute ?? roots[0];
    // Each program is looked up on PATH as the runner's shell will, before the (synchronous) judgement.
    const located = new Map<string, ProgramLocation>();
    for (const name of programsToLocate(line)) {
      located.set(name, cwd ? await locateProgram(name, { env: environment.env, platform: environment.platform, cwd, roots }) : { kind: 'missing' });
    }
    const verdict = judgeCommand(
      line,
      { allow: [...settings.allowCommands, ...this.session.commands], deny: settings.denyCommands },
      {
        locate: (name) => located.get(name),
        home: environment.home,
        relativePath: pathHasRelativeEntries(environment.env, environment.platform),
        ...(cwd ? { cwd } : {}),
      },
    );
    if (verdict.kind === 'allow') return checked({ kind: 'allow', reason: `allowed by ${verdict.rules.join(', ')}` });
    if (verdict.kind === 'deny') return checked(verdict);
    return checked({
      kind: 'ask',
      reasons: verdict.reasons,
      ...(verdict.suggestedRules ? { rule: { kind: 'commands', patterns: verdict.suggestedRules } } : {}),
    });
  }

  /** The answers a prompt offers for this verdict: remembering needs a rule to remember. */
  static options(verdict: Extract<Verdict, { kind: 'ask' }>): DecisionKind[] {
    if (verdict.rule?.kind === 'tool') return ['allowOnce', 'allowSession', 'deny'];
    return verdict.rule ? ['allowOnce', 'allowSession', 'always', 'deny'] : ['allowOnce', 'deny'];
  }

  /** Remembers "Allow for this session"; "Always" is saved to settings by the caller. */
  rememberForSession(rule: RememberedRule): void {
    if (rule.kind === 'reads') this.session.reads = true;
    else if (rule.kind === 'commands') this.session.commands.push(...rule.patterns);
    else if (rule.kind === 'tool') this.session.tools.push(rule.name);
    else this.session.writes.push(...rule.patterns);
  }
}

function protectionReason(where: Extract<ResolvedPath, { ok: true }>, risk: Risk): string | undefined {
  const name = where.relative || '.';
  switch (where.protection) {
    case 'git':
      return `${name} is inside .git/, which the agent may not touch.`;
    case 'secret':
      return `${name} looks like a secret file; the agent may not touch it.`;
    case 'ignored':
      return `${name} is listed in .pylotignore.`;
    case 'vscode':
      return risk === 'read' ? undefined : `${name} is inside .vscode/, which the agent may not change.`;
    default:
      return undefined;
  }
}

/** A file at the root is remembered as itself, a deeper one as its folder: `src/a.ts` → `src/**`. */
function writePattern(relative: string): string {
  const dir = path.posix.dirname(relative);
  return dir === '.' ? `/${relative}` : `/${dir}/**`;
}
