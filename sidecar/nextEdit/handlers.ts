// The next-edit side of the contract: the edit history listens to the document mirror from the
// start, and nextEdit/suggest answers with the model-free suggestions for a document. One line in
// server.ts registers it; the syntax trees and the workspace boundary are the context engine's.
import type { Endpoint } from '../../protocol/endpoint';
import { NextEditSuggest, type NextEditSuggestion } from '../../protocol/nextEdit';
import type { ContextService } from '../context/contextService';
import type { DocumentStore } from '../documents/store';
import { EditHistory } from './editHistory';
import { suggestNextEdits } from './nextEdits';

export function registerNextEditHandlers(endpoint: Endpoint, documents: DocumentStore, context: Pick<ContextService, 'trees'>): EditHistory {
  const history = new EditHistory({ textOf: (uri) => documents.peek(uri)?.text });
  documents.onEdit((uri, edit) => history.record(uri, edit));
  endpoint.onRequest(NextEditSuggest, async (params) => {
    const document = documents.get(params.uri, params.version);
    const tree = await context.trees.treeFor(document);
    // The tree was brought up to date for this text; an edit meanwhile makes the answer stale.
    if (documents.peek(params.uri)?.version !== params.version) return { suggestions: [] };
    const suggestions = suggestNextEdits(document, tree, history, document.offsetAt(params.position));
    const positionAt = positionsOf(document.text);
    return {
      suggestions: suggestions.map(({ rule, start, end, text, label }): NextEditSuggestion => ({
        rule,
        range: { start: positionAt(start), end: positionAt(end) },
        text,
        label,
      })),
    };
  });
  return history;
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
