// edit_file: one replacement in an existing file, by its exact old text or by a line range.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const editFile = defineTool({
  name: 'edit_file',
  description: 'Edit a file: replace oldText (copied exactly from the file, unique in it) with newText; or replace lines startLine..endLine with newText.',
  brief: 'Replace oldText (exact, unique) or lines startLine..endLine with newText.',
  params: {
    path: z.string().check(z.describe('workspace-relative file path')),
    newText: z.string().check(z.describe('the replacement text')),
    oldText: z.optional(z.string().check(z.describe('the exact text to replace'))),
    startLine: z.optional(z.int().check(z.describe('first line to replace (1-based), instead of oldText'))),
    endLine: z.optional(z.int().check(z.describe('last line to replace (inclusive)'))),
  },
  risk: 'write',
  pathParams: ['path'],
  approvalTitle: (args) => `Edit ${args.path}`,
});
