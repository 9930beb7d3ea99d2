// The next-edit side of the contract: the edit history listens to the document mirror from the
// start, and nextEdit/suggest answers with the model-free suggestions for a document, plus a
// next-edit model's rewrite of the region around the cursor when the request asks for one (run at
// the scheduler's next-edit priority). One line in server.ts registers it; the syntax trees and
// the workspace boundary are the context engine's.
import type { Endpoint } from '../../protocol/endpoint';
import { NextEditSuggest, type NextEditSuggestion } from '../../protocol/nextEdit';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { ContextService } from '../context/contextService';
import type { DocumentStore } from '../documents/store';
import type { Scheduler } from '../engine/scheduler';
import type { ModelSlots } from '../models/slots';
import { EditHistory } from './editHistory';
import { ModelNextEdits } from './modelEdits';
import { byDistance, isSecretUri, suggestNextEdits } from './nextEdits';
import type { Suggestion } from './suggestion';
import { describeError, log } from '../log';

export interface NextEditDeps {
  readonly documents: DocumentStore;
  readonly context: Pick<ContextService, 'trees' | 'boundary' | 'displayNameOfUri'>;
  readonly slots: Pick<ModelSlots, 'get'>;
  readonly scheduler: Scheduler;
}

export function registerNextEditHandlers(endpoint: Endpoint, deps: NextEditDeps): { history: EditHistory; model: ModelNextEdits } {
  const { documents, context, scheduler } = deps;
  const history = new EditHistory({ textOf: (uri) => documents.peek(uri)?.text });
  documents.onEdit((uri, edit) => history.record(uri, edit));
  const model = new ModelNextEdits({
    engineFor: (role) => deps.slots.get(role),
    history,
    allows: (uri) => context.boundary.allowsUri(uri),
    filenameOf: (uri) => context.displayNameOfUri(uri),
  });
  endpoint.onRequest(NextEditSuggest, async (params, signal) => {
    const document = documents.get(params.uri, params.version);
    const tree = await context.trees.treeFor(document);
    // The tree was brought up to date for this text; an edit meanwhile makes the answer stale.
    if (documents.peek(params.uri)?.version !== params.version) return { suggestions: [] };
    const cursor = document.offsetAt(params.position);
    const ruled = suggestNextEdits(document, tree, history, cursor);
    const predicted =
      ruled.length || isSecretUri(document.uri)
        ? []
        : await predict(() => model.suggest(document, cursor, params.model ?? 'off', (stop, task) => scheduler.run('nextEdit', stop, task), signal));
    const positionAt = positionsOf(document.text);
    return {
      suggestions: byDistance([...ruled, ...predicted], cursor).map(({ rule, start, end, text, label, rename }): NextEditSuggestion => ({
        rule,
        range: { start: positionAt(start), end: positionAt(end) },
        text,
        label,
        ...(rename && {
          rename: {
            from: rename.from,
            to: rename.to,
            site: { start: positionAt(rename.siteStart), end: positionAt(rename.siteEnd) },
            declaration: rename.declaration,
          },
        }),
      })),
    };
  });
  return { history, model };
}

/** The model's suggestions; pre-empted by a completion, asked again once it is done (the scheduler waits), twice at most. */
async function predict(ask: () => Promise<Suggestion[]>): Promise<Suggestion[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask();
    } catch (error) {
      const preempted = error instanceof PylotError && error.code === ErrorCodes.Preempted;
      if (preempted && attempt < 2) continue;
      // The rules' suggestions still go out; a failing model is said once per request, without user code.
      if (!preempted && !(error instanceof PylotError && error.code === ErrorCodes.Cancelled))
        log('warn', `next edit from the model failed: ${describeError(error)}`);
      return [];
    }
  }
}

/** Offset → line/character for one text, by a binary search over its line starts. */
export function positionsOf(text: string): (offset: number) => { line: number; character: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - starts[low]! };
  };
}
