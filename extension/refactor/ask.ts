// One structured question to the chat model: the answer is constrained to a JSON schema (a grammar
// on the local engine, json_schema on a server), then validated with zod, which also checks what a
// JSON schema cannot say (an identifier's shape, a non-blank text). An invalid answer is asked
// once more, with what was wrong; a second invalid answer is an error the user sees as such.
import type * as z from 'zod/mini';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import { Generate } from '../../protocol/sidecar';
import type { ModelManager } from '../models/modelManager';
import type { Sidecar } from '../sidecar/supervisor';
import type { Run } from './run';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface Question<T> {
  readonly messages: readonly ChatMessage[];
  /** What the engine constrains the output to. */
  readonly jsonSchema: Readonly<Record<string, unknown>>;
  /** What the answer must satisfy, beyond the JSON schema. */
  readonly schema: z.ZodMiniType<T>;
  readonly maxTokens?: number;
}

export interface AskDeps {
  readonly sidecar: Sidecar;
  readonly models: ModelManager;
  /** The project's rules as a block for the system prompt ('' when none apply). */
  readonly rules?: () => Promise<string>;
}

export async function askModel<T>(deps: AskDeps, question: Question<T>, run: Run): Promise<T> {
  run.report('loading the chat model…');
  const model = await deps.models.ensureLoaded('chat', run.signal);
  // Half the context at most, so the prompt keeps room on a small local context.
  const sized = { ...question, maxTokens: Math.min(question.maxTokens ?? 2048, Math.max(256, Math.floor(model.contextSize / 2))) };
  const rules = (await deps.rules?.()) ?? '';
  const withRules = rules ? question.messages.map((m, i) => (i === 0 && m.role === 'system' ? { ...m, content: m.content + rules } : m)) : question.messages;
  let messages = [...withRules];
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    run.report(attempt === 1 ? `asking ${model.name}…` : `the answer was not valid; asking ${model.name} again…`);
    const answer = await generate(deps, sized, messages, run);
    if (answer.ok) {
      const parsed = question.schema.safeParse(answer.json);
      if (parsed.success) return parsed.data;
      problem = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'answer'}: ${issue.message}`).join('; ');
    } else {
      problem = answer.problem;
    }
    // The second try sees its first answer and what was wrong with it.
    const retry: ChatMessage = { role: 'user', content: `That answer was not valid (${problem}). Answer again with JSON that follows the schema exactly.` };
    messages = answer.text ? [...withRules, { role: 'assistant', content: answer.text }, retry] : [...withRules, retry];
  }
  throw new PylotError(ErrorCodes.EngineFailed, `the model gave an invalid answer twice (${problem}). Try again, or choose a stronger chat model.`);
}

type Answer = { ok: true; json: unknown; text: string } | { ok: false; problem: string; text: string };

async function generate(deps: AskDeps, question: Question<unknown>, messages: readonly ChatMessage[], run: Run): Promise<Answer> {
  try {
    // Proposals mostly copy the code they were given: prompt lookup guesses from it (its gate stops it where it misses).
    const result = await deps.sidecar.request(
      Generate,
      { role: 'chat', messages: [...messages], jsonSchema: { ...question.jsonSchema }, maxTokens: question.maxTokens, temperature: 0, copiesInput: true },
      { signal: run.signal },
    );
    if (result.stopReason === 'aborted') throw new PylotError(ErrorCodes.Cancelled, 'Cancelled');
    return { ok: true, json: result.json, text: result.text };
  } catch (error) {
    // The sidecar refuses output that is not JSON at all (e.g. cut off by the token limit).
    if (error instanceof PylotError && error.code === ErrorCodes.EngineFailed && /valid JSON/.test(error.message)) {
      return { ok: false, problem: error.message, text: '' };
    }
    throw error;
  }
}
