// The context engine's side of the contract: editor signals in, snippets out, and the snippets
// inline completions fill in by themselves. One line in server.ts registers all of it.
import type { Endpoint } from '../../protocol/endpoint';
import { ContextSignals, ContextSnippets } from '../../protocol/context';
import { cutWindow, type CompletionWindow } from '../completion/window';
import type { Snippet } from '../completion/templates';
import type { DocumentStore, TextDocument } from '../documents/store';
import { ContextService } from './contextService';

/** What the completion service asks for when a request brings no snippets of its own. */
export interface CompletionContext {
  snippetsFor(document: TextDocument, window: CompletionWindow): Promise<Snippet[]>;
}

/** Registers the context handlers; returns what completions ask for, and the service (its trees and boundary are shared). */
export function registerContextHandlers(endpoint: Endpoint, documents: DocumentStore): { completion: CompletionContext; service: ContextService } {
  const service = new ContextService(documents);
  endpoint.onNotification(ContextSignals, (params) => {
    if (params.workspace) service.setWorkspace(params.workspace.folders, params.workspace.exclude, params.workspace.pythonEnvironment);
    service.signals.update(params);
    if (params.openTabs) void service.warm(params.openTabs);
  });
  endpoint.onRequest(ContextSnippets, async (params) => {
    const document = documents.get(params.uri, params.version);
    return service.assemble(document, cutWindow(document.text, document.offsetAt(params.position)), { budgetChars: params.budgetChars });
  });
  endpoint.onDispose(() => service.dispose());
  return { completion: new StableSnippets(service), service };
}

/**
 * Snippets open the prompt, so any change to them re-evaluates the whole prompt. When a new
 * assembly picks the same snippets as the last one for this document, the last list is returned
 * unchanged (same order), so the engine's cached prefix stays valid.
 */
export class StableSnippets implements CompletionContext {
  private last: { uri: string; key: string; snippets: Snippet[] } | undefined;

  constructor(private readonly service: Pick<ContextService, 'assemble'>) {}

  async snippetsFor(document: TextDocument, window: CompletionWindow): Promise<Snippet[]> {
    const { snippets } = await this.service.assemble(document, window);
    const key = snippets
      .map((s) => `${s.filename}\0${s.text}`)
      .sort()
      .join('\0\0');
    if (this.last?.uri === document.uri && this.last.key === key) return this.last.snippets;
    const chosen = snippets.map(({ filename, text }) => ({ filename, text }));
    this.last = { uri: document.uri, key, snippets: chosen };
    return chosen;
  }
}
