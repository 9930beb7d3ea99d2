// read_output: a part of a long tool result the extension saved whole (its head and tail went to the model).
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const readOutput = defineTool({
  name: 'read_output',
  description: 'Read lines of a long tool output that was saved whole (its id is given in the cut result). Up to 200 lines per call.',
  brief: 'Read lines of a saved long tool output.',
  params: {
    id: z.string().check(z.describe('the saved output id, "output-…"')),
    startLine: z.optional(z.int().check(z.describe('first line to read (1-based)'))),
    endLine: z.optional(z.int().check(z.describe('last line to read (inclusive)'))),
  },
  risk: 'read',
  approvalTitle: (args) => `Read ${args.id}`,
});
