// create_file: a new file with the given content; never overwrites.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const createFile = defineTool({
  name: 'create_file',
  description: 'Create a new file with the given content. Fails if the file exists (use edit_file).',
  brief: 'Create a new file.',
  params: {
    path: z.string().check(z.describe('workspace-relative file path')),
    content: z.string().check(z.describe('the whole file content')),
  },
  risk: 'write',
  pathParams: ['path'],
  approvalTitle: (args) => `Create ${args.path}`,
});
