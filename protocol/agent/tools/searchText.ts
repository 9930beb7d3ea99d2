// search_text: lines of the workspace's files that hold a text or match a regular expression.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const searchText = defineTool({
  name: 'search_text',
  description: 'Search the workspace files for a text (or a regular expression); returns matching lines with their file and line number.',
  brief: 'Find text or a regex in the files.',
  params: {
    query: z.string().check(z.describe('text to find')),
    isRegex: z.optional(z.boolean().check(z.describe('treat query as a JavaScript regular expression'))),
    path: z.optional(z.string().check(z.describe('only search under this workspace-relative folder'))),
  },
  risk: 'read',
  pathParams: ['path'],
  approvalTitle: (args) => `Search for "${args.query}"`,
});
