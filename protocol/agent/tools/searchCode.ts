// search_code: the workspace index's semantic search.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const searchCode = defineTool({
  name: 'search_code',
  description: 'Semantic search of the workspace index: code related to a natural-language query.',
  brief: 'Search the code index by meaning.',
  params: { query: z.string().check(z.describe('what the code does or is about')) },
  risk: 'read',
  approvalTitle: (args) => `Search the code index for "${args.query}"`,
});
