// list_files: the files and folders in a workspace folder, optionally its subfolders too.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const listFiles = defineTool({
  name: 'list_files',
  description: 'List the files and folders in a workspace folder.',
  brief: 'List a folder.',
  params: {
    path: z.string().check(z.describe('workspace-relative folder path; "." for the root')),
    recursive: z.optional(z.boolean().check(z.describe('include subfolders'))),
  },
  risk: 'read',
  pathParams: ['path'],
  approvalTitle: (args) => `List ${args.path || '.'}`,
});
