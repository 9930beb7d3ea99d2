// The path every code-changing command shares: ask for the new text of the target's lines, refuse
// if the document changed meanwhile, preview the diff, apply the hunks the user kept as one edit.
import * as z from 'zod/mini';
import { askModel, type AskDeps, type ChatMessage } from './ask';
import { applyProposal, isCurrent, type Proposal } from './proposal';
import type { ProposedDocuments } from '../proposedDocuments';
import { review, type PendingReview } from './review';
import { CommandRefused, type Outcome, type Run } from './run';

export interface FlowDeps extends AskDeps {
  readonly documents: ProposedDocuments;
  readonly reviewShown: (review: PendingReview) => void;
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
  const kept = await review(proposal, deps.documents, deps.reviewShown, deps.hunksDecided);
  if (kept === undefined) return { kind: 'rejected' };
  if (kept.length === 0) return proposal.oldText === proposal.newText ? { kind: 'done', detail: 'no change proposed' } : { kind: 'rejected' };
  const result = await applyProposal(proposal, kept);
  if (result === 'stale') refuseIfStale(proposal);
  if (result === 'failed') throw new Error(`VS Code did not apply the change to ${proposal.uri.fsPath}.`);
  return { kind: 'applied', detail: `${kept.length} change(s)` };
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
