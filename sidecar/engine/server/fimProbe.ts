// Which FIM tokens a llama-server's model has, asked through /tokenize with special-token parsing:
// a marker that comes back as one token is in the vocabulary. With these Pylot builds the same
// stable, anchored prompt it builds for local models and sends it to /completion, where the KV
// cache keeps everything but the newly typed tokens (/infill re-lays the prompt on every request).
import * as z from 'zod/mini';
import type { FimTokens } from '../../completion/templates';
import type { ServerHttp } from './http';

const Tokens = z.object({ tokens: z.array(z.number()) });

/** Marker triples (prefix, suffix, middle) of the families templates.ts knows, plus the repo-level tokens. */
const families = [
  ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'],
  ['<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
  ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
  ['[PREFIX]', '[SUFFIX]', ''], // Codestral: suffix first, no middle marker
] as const;
const repoTokens = ['<|file_sep|>', '<|repo_name|>', '<|file_separator|>', '<file_sep>', '<repo_name>', '<filename>'];

export async function probeFimTokens(http: ServerHttp, signal: AbortSignal): Promise<FimTokens | undefined> {
  const single = async (text: string) => {
    const answer = await http.json('POST', '/tokenize', { content: text, add_special: false, parse_special: true }, Tokens, signal);
    return answer.tokens.length === 1;
  };
  for (const [prefix, suffix, middle] of families) {
    const found = await Promise.all([prefix, suffix, middle].filter(Boolean).map(single));
    if (!found.every(Boolean)) continue;
    const present = new Set<string>();
    await Promise.all(repoTokens.map(async (token) => (await single(token)) && present.add(token)));
    return { prefix, suffix, middle, has: (token) => present.has(token) || token === prefix || token === suffix || token === middle };
  }
  return undefined;
}
