// The path every code-changing command shares: ask for the new text of the target's lines, refuse
// if the document changed meanwhile, then the one review flow (review/reviewSession.ts): per-hunk
// accept / reject, the kept hunks applied as one edit.
import * as z from 'zod/mini';
import { askModel, type AskDeps, type ChatMessage } from './ask';
import { isCurrent, type Proposal } from '../review/proposal';
import type { Reviews } from '../review/reviewSession';
import { CommandRefused, type Outcome, type Run } from './run';

export interface FlowDeps extends AskDeps {
  readonly reviews: Reviews;
  /** Hunks kept and rejected in a preview (the usage statistics). */
  readonly hunksDecided?: (kept: number, rejected: number) => void;
}

/** `code`: the complete new text of the lines shown. */
export const CodeAnswer = z.object({ code: z.string().check(z.refine((code) => code.trim().length > 0, 'the code is empty')) });
export const codeAnswerSchema = { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] };
export const codeAnswerShape = 'Answer as JSON: {"code": "<the complete new text of the code shown, every line of it, indented as in the file>"}';

export async function askForCode(deps: AskDeps, messages: readonly ChatMessage[], run: Run): Promise<string> {
  const answer = await askModel(deps, { messages, jsonSchema: codeAnswerSchema, schema: CodeAnswer }, run);
  return stripFence(answer.code);
}

/** Shows the proposal and applies what the user keeps. */
export async function reviewAndApply(deps: FlowDeps, proposal: Proposal): Promise<Outcome> {
  refuseIfStale(proposal);
  if (proposal.oldText === proposal.newText) return { kind: 'done', detail: 'no change proposed' };
  const review = await deps.reviews.start(proposal);
  const result = await review.result;
  switch (result.kind) {
    case 'applied':
      deps.hunksDecided?.(result.kept, result.rejected);
      return { kind: 'applied', detail: `${result.kept} change(s)` };
    case 'rejected':
      deps.hunksDecided?.(0, review.hunks.length);
      return { kind: 'rejected' };
    case 'unchanged':
      return { kind: 'done', detail: 'no change proposed' };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'stale':
      throw new CommandRefused(`the file changed while Pylot's change to it was under review, so nothing was applied. Run "${proposal.title}" again.`);
    case 'failed':
      throw new Error(result.message);
  }
}

function refuseIfStale(proposal: Proposal): void {
  if (!isCurrent(proposal))
    throw new CommandRefused(`the file changed while Pylot was working on "${proposal.title}", so nothing was applied. Run the command again.`);
}

/** Small models wrap code in a Markdown fence even inside JSON; the fence is not code. */
export function stripFence(code: string): string {
  const fenced = /^\s*```[\w+-]*\r?\n([\s\S]*?)\r?\n```\s*$/.exec(code);
  return fenced ? fenced[1]! : code;
}
