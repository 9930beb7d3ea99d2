// read_file: a text file with numbered lines, or a range of them.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const readFile = defineTool({
  name: 'read_file',
  description: 'Read a text file. Lines are numbered. Optionally only lines startLine..endLine (1-based, inclusive).',
  brief: 'Read a file (numbered lines), or lines startLine..endLine.',
  params: {
    path: z.string().check(z.describe('workspace-relative file path')),
    startLine: z.optional(z.int().check(z.describe('first line to read (1-based)'))),
    endLine: z.optional(z.int().check(z.describe('last line to read (inclusive)'))),
  },
  risk: 'read',
  pathParams: ['path'],
  approvalTitle: (args) => `Read ${args.path}`,
});
