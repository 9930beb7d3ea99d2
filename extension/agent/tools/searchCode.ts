// search_code: the workspace index's semantic search, showing only what the policy lets the agent
// read (the index covers every workspace folder, protected files too). When the index cannot
// answer, the model is pointed at the exact-text tools.
import { searchCode as spec } from '../../../protocol/agent/tools/searchCode';
import { ErrorCodes, PylotError } from '../../../protocol/rpc';
import type { CodebaseSearchResult } from '../../index/codebaseIndex';
import { implement, ToolError, type ToolContext } from './tool';

export const searchCodeTool = implement(spec, {
  async invoke(args, context) {
    let answer: CodebaseSearchResult;
    try {
      answer = await context.host.searchIndex(args.query, { limit: 10, signal: context.signal });
    } catch (error) {
      if (error instanceof PylotError && error.code === ErrorCodes.Cancelled) throw error;
      throw new ToolError(
        `The workspace index could not search (${error instanceof Error ? error.message : String(error)}). Use search_text (exact text) or get_definitions instead.`,
      );
    }
    if (!answer.results.length && answer.message) throw new ToolError(`${answer.message} Use search_text (exact text) or get_definitions instead.`);
    return formatResults(answer, context);
  },
});

/** The index's answer, whatever its exact shape: results with a path, a line and text. */
async function formatResults(answer: CodebaseSearchResult, context: ToolContext): Promise<string> {
  if (answer.results.length === 0) return 'The index found nothing for that query.';
  const shown: string[] = [];
  for (const span of answer.results.slice(0, 10)) {
    const where = await context.workspace.resolve(await context.host.relativePath(span.path));
    if (!where.ok || where.protection) continue;
    shown.push(`${where.relative}:${span.startLine}-${span.endLine}${span.symbol ? ` (${span.symbol})` : ''}\n${span.text.trimEnd()}`);
  }
  return shown.length ? shown.join('\n\n') : 'The index found nothing the agent may read.';
}
