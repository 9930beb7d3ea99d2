// What each role (completion, chat, embeddings) is doing, in the words a person reads: one owner,
// so the status bar, its tooltip and the Engine panel never tell different stories.
import type { Capabilities } from './sidecar';
import type { RoleView } from './webview';

export type RoleCondition = 'missing' | 'not loaded' | 'loading' | 'ready' | 'server' | 'fallback' | 'failed';

export interface RoleSummary {
  readonly condition: RoleCondition;
  /** The model's name, or the file / profile the setting names when nothing is loaded. */
  readonly name?: string;
  /** Short: what the status bar shows after "<role>: ". */
  readonly short: string;
  /** A sentence for tooltips and the panel. */
  readonly long: string;
}

export function summarizeRole(view: RoleView): RoleSummary {
  const name = view.model?.name ?? (view.spec ? specName(view.spec) : undefined);
  switch (view.state) {
    case 'none':
      return { condition: 'missing', short: 'none', long: `no ${view.role} model is set` };
    case 'error':
      return { condition: 'failed', name, short: 'failed', long: `${name ?? 'the model'} could not be loaded${view.error ? `: ${view.error}` : ''}` };
    case 'loading': {
      const percent = view.progress ? ` ${Math.round(view.progress * 100)}%` : '';
      return { condition: 'loading', name, short: `loading${percent}`, long: `loading ${name ?? 'the model'}${percent}…` };
    }
    case 'unloaded':
      return { condition: 'not loaded', name, short: `${name ?? 'set'} (not loaded)`, long: `${name ?? 'the model'} loads when it is first needed` };
    case 'ready': {
      const model = view.model;
      if (!model)
        return { condition: 'not loaded', name, short: `${name ?? 'set'} (not loaded)`, long: `${name ?? 'the model'} loads when it is first needed` };
      if (model.fallbackFrom)
        return { condition: 'fallback', name, short: `fallback ${model.name}`, long: `${model.name} stands in: ${model.fallbackFrom.reason}` };
      if (model.key.startsWith('pool:'))
        return { condition: 'server', name, short: `${model.name} (${model.engine} pool)`, long: poolSentence(view, model.name) };
      if (model.engine !== 'local')
        return {
          condition: 'server',
          name,
          short: `${model.name} (${model.engine})`,
          long: `${model.name} on the ${model.engine} server at ${model.location}${draftWords(model)}`,
        };
      return {
        condition: 'ready',
        name,
        short: model.name,
        long: `${model.name} is loaded (${model.contextSize.toLocaleString('en-US')} tokens of context)${draftWords(model)}`,
      };
    }
  }
}

/** The draft model (speculative decoding) a chat model runs with, or why the one set is not used. */
function draftWords(model: NonNullable<RoleView['model']>): string {
  if (model.draft) return `, drafting with ${model.draft.name}`;
  return model.draftUnused ? `. ${model.draftUnused}` : '';
}

/** A pool: its servers as last seen (or where they are), and which one answered last. */
function poolSentence(view: RoleView, name: string): string {
  const servers = view.servers?.map((server) => `${server.name} ${server.state === 'ok' ? 'answering' : server.state}`).join(', ') ?? view.model!.location;
  return `${name} on a pool of servers (${servers})${view.answeredBy ? `; the last answer came from ${view.answeredBy}` : ''}`;
}

/** What a loaded model can do, as the panel lists it. */
export function capabilityWords(capabilities: Capabilities): string[] {
  const words: Array<[keyof Capabilities, string]> = [
    ['infill', 'fill-in-the-middle'],
    ['chat', 'chat'],
    ['tools', 'tool calls'],
    ['embeddings', 'embeddings'],
    ['grammar', 'JSON-schema output'],
  ];
  return words.filter(([key]) => capabilities[key]).map(([, word]) => word);
}

/** The file name of a path, the profile of `server:<name>` (the profiles of a pool), the id of `catalog:<id>`. */
export function specName(spec: string): string {
  const prefixed = /^(server|catalog):(.+)$/.exec(spec);
  if (prefixed) return prefixed[1] === 'server' ? prefixed[2]!.split(/,\s*server:/).join(', ') : prefixed[2]!;
  return spec.split(/[\\/]/).pop() || spec;
}
