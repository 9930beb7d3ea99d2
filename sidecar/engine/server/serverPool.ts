// A role served by a pool of servers (the same model on each): every request goes to the least busy
// healthy server; completions stay on the server they used last while it answers, so its KV cache
// is reused as the user types; a server that fails before any text arrived is marked down and the
// same request moves on to the next; servers marked down are looked at in the background until
// they answer again. The load succeeds as soon as one server connects; the others join when they do.
import { setMaxListeners } from 'node:events';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import { sourceKey, type ModelInfo, type ModelSource, type PoolMemberHealth, type Role } from '../../../protocol/sidecar';
import { describeError, log } from '../../log';
import type { ChatMessage, Engine, GenerateOptions, Generation, InfillInput, ServerHealth, ToolCallGeneration, ToolDefinition } from '../engine';
import { connectServerEngine } from './connect';
import type { ServerSource } from './http';

type PoolSource = Extract<ModelSource, { kind: 'pool' }>;

/** How often servers marked down are looked at again, and how long one look may take. */
export const poolCheckIntervalMs = 2_000;
const checkTimeoutMs = 2_000;

interface Member {
  readonly source: ServerSource;
  engine?: Engine;
  connecting?: Promise<void>;
  checking?: boolean;
  state: PoolMemberHealth['state'];
  reason?: string;
  /** Requests on it now: what "least busy" counts. */
  busy: number;
}

export async function connectServerPool(role: Role, source: PoolSource, signal: AbortSignal, contextSize: number): Promise<ServerPool> {
  const pool = new ServerPool(role, source, contextSize);
  try {
    await pool.ready(signal);
  } catch (error) {
    await pool.dispose();
    throw error;
  }
  return pool;
}

export class ServerPool implements Engine {
  private readonly members: Member[];
  private readonly lifetime = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private first?: Engine;
  /** The server completions stay on while it answers. */
  private sticky?: Member;

  constructor(
    private readonly role: Role,
    private readonly source: PoolSource,
    private readonly contextSize: number,
  ) {
    // The next server is the retry: a member fails fast instead of backing off, unless its profile asks.
    // Every server connects and is checked under it at once: more listeners than Node's warning expects.
    setMaxListeners(16 * source.servers.length, this.lifetime.signal);
    this.members = source.servers.map((server) => ({ source: { ...server, retries: server.retries ?? 0 }, state: 'down', busy: 0 }));
    for (const member of this.members) this.connect(member);
    this.timer = setInterval(() => void this.checkDown(), poolCheckIntervalMs);
    this.timer.unref();
  }

  /** Resolves once one server is connected; rejects, naming each server's reason, when none can be. */
  async ready(signal: AbortSignal): Promise<void> {
    const cancelled = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new PylotError(ErrorCodes.Cancelled, `Connecting to ${this.names()} was cancelled.`));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    const connected = new Promise<void>((resolve, reject) => {
      let pending = this.members.length;
      for (const member of this.members) {
        void member.connecting!.then(() => {
          if (member.engine) resolve();
          else if (--pending === 0) reject(this.noneAnswering(ErrorCodes.ModelLoadFailed));
        });
      }
    });
    await Promise.race([connected, cancelled]);
  }

  get info(): ModelInfo {
    const info = this.first!.info;
    return {
      ...info,
      key: sourceKey(this.source),
      location: this.members.map((member) => `${member.source.name} (${member.engine?.info.location ?? member.source.baseUrl})`).join(', '),
    };
  }

  get capabilities(): Engine['capabilities'] {
    return this.first!.capabilities;
  }

  fimTokens(): ReturnType<NonNullable<Engine['fimTokens']>> {
    return this.first?.fimTokens?.();
  }

  infill(input: InfillInput, options: GenerateOptions): Promise<Generation> {
    return this.route(this.role === 'completion', options, (engine, attempt) => engine.infill(input, attempt));
  }

  complete(prompt: string, options: GenerateOptions): Promise<Generation> {
    return this.route(this.role === 'completion', options, (engine, attempt) => engine.complete(prompt, attempt));
  }

  chat(messages: readonly ChatMessage[], options: GenerateOptions): Promise<Generation> {
    return this.route(false, options, (engine, attempt) => engine.chat(messages, attempt));
  }

  chatWithTools(messages: readonly ChatMessage[], tools: readonly ToolDefinition[], options: GenerateOptions): Promise<ToolCallGeneration> {
    return this.route(false, options, (engine, attempt) => {
      if (!engine.chatWithTools) throw new PylotError(ErrorCodes.Unsupported, `${engine.info.name} has no tool-call format.`);
      return engine.chatWithTools(messages, tools, attempt);
    });
  }

  async embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    return (await this.route(false, { signal }, async (engine) => ({ vectors: await engine.embed(texts, signal) }))).vectors;
  }

  async tokenize(text: string, signal: AbortSignal): Promise<number[]> {
    return (await this.route(this.role === 'completion', { signal }, async (engine) => ({ tokens: await engine.tokenize(text, signal) }))).tokens;
  }

  /** Looks at every server now; 'ok' while one answers. */
  async health(signal: AbortSignal): Promise<ServerHealth> {
    await Promise.all(this.members.map((member) => this.check(member, signal)));
    const states = this.members.map((member) => member.state);
    return states.includes('ok') ? 'ok' : states.includes('loading') ? 'loading' : 'down';
  }

  servers(): readonly PoolMemberHealth[] {
    return this.members.map(({ source, state, reason }) => ({ name: source.name, state, ...(reason && { reason }) }));
  }

  async dispose(): Promise<void> {
    clearInterval(this.timer);
    this.lifetime.abort();
    await Promise.allSettled(this.members.map((member) => member.connecting));
    await Promise.allSettled(this.members.map((member) => member.engine?.dispose()));
  }

  /**
   * Runs `call` on a healthy server, and on the next when one fails before any text came (marked
   * down, looked at again in the background). `sticky`: the server used last, while it answers.
   */
  private async route<O extends Pick<GenerateOptions, 'signal' | 'onText'>, T extends object>(
    sticky: boolean,
    options: O,
    call: (engine: Engine, options: O) => Promise<T>,
  ): Promise<T & { server?: string }> {
    const tried = new Set<Member>();
    for (;;) {
      const member = this.pick(sticky, tried);
      // Every server failed or is down: say why for each (the one just tried included).
      if (!member) throw this.noneAnswering(ErrorCodes.EngineFailed);
      tried.add(member);
      if (sticky) this.sticky = member;
      // Text already handed on cannot be taken back: after it, a failure is the request's.
      let streamed = false;
      const { onText } = options;
      const attempt: O = onText
        ? {
            ...options,
            onText: (text: string) => {
              streamed = true;
              onText(text);
            },
          }
        : options;
      member.busy++;
      try {
        return { ...(await call(member.engine!, attempt)), server: member.source.name };
      } catch (error) {
        if (options.signal.aborted || streamed || !failsOver(error)) throw error;
        this.markDown(member, error);
        log('warn', `${member.source.name} failed (${describeError(error)}); trying another server of the pool.`);
      } finally {
        member.busy--;
      }
    }
  }

  private pick(sticky: boolean, tried: ReadonlySet<Member>): Member | undefined {
    const usable = this.members.filter((member) => member.state === 'ok' && member.engine && !tried.has(member));
    if (sticky && this.sticky && usable.includes(this.sticky)) return this.sticky;
    // Least busy; on a tie the one listed first, so a quiet pool keeps to one server.
    return usable.reduce<Member | undefined>((best, member) => (!best || member.busy < best.busy ? member : best), undefined);
  }

  private markDown(member: Member, error: unknown): void {
    member.state = 'down';
    member.reason = describeError(error);
    if (this.sticky === member) this.sticky = undefined;
  }

  private connect(member: Member): void {
    member.reason ??= 'not connected yet';
    member.connecting = (async () => {
      try {
        const engine = await connectServerEngine(this.role, member.source, this.lifetime.signal, this.contextSize);
        if (this.lifetime.signal.aborted) return void (await engine.dispose());
        member.engine = engine;
        member.state = 'ok';
        member.reason = undefined;
        this.first ??= engine;
      } catch (error) {
        member.state = 'down';
        member.reason = describeError(error);
      } finally {
        member.connecting = undefined;
      }
    })();
  }

  private async checkDown(): Promise<void> {
    await Promise.all(this.members.filter((member) => member.state !== 'ok').map((member) => this.check(member, this.lifetime.signal)));
  }

  /** One look at a server: /health when connected, else another try at connecting. */
  private async check(member: Member, signal: AbortSignal): Promise<void> {
    if (!member.engine) {
      // A connect can take a whole read timeout (a server that accepts and never answers): look no longer than a check.
      if (!member.connecting) this.connect(member);
      return within(member.connecting!, checkTimeoutMs);
    }
    if (member.checking) return;
    member.checking = true;
    try {
      const state = (await member.engine.health?.(AbortSignal.any([signal, this.lifetime.signal, AbortSignal.timeout(checkTimeoutMs)]))) ?? 'ok';
      if (state !== member.state) log('info', `${member.source.name} (pool for ${this.role}) is ${state === 'ok' ? 'answering again' : state}.`);
      // Down already: the failure that said so tells more than a health check that got no answer.
      const known = member.state === 'down' ? member.reason : undefined;
      member.state = state;
      member.reason = state === 'down' ? (known ?? 'it did not answer its health check') : state === 'loading' ? 'it is loading its model' : undefined;
    } finally {
      member.checking = false;
    }
  }

  private names(): string {
    return this.members.map((member) => `"${member.source.name}"`).join(', ');
  }

  private noneAnswering(code: number): PylotError {
    const reasons = this.members.map((member) => `${member.source.name}: ${member.reason ?? member.state}`).join('; ');
    return new PylotError(code, `None of the servers of the pool ${this.names()} is answering (${reasons}).`);
  }
}

/** A server's own failure (connection, timeout, 5xx, a cut stream): another server may well answer. */
function failsOver(error: unknown): boolean {
  return !(error instanceof PylotError) || error.code === ErrorCodes.EngineFailed;
}

function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
