// git_diff: the workspace's uncommitted changes (staged or not), optionally for one path; read-only.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const gitDiff = defineTool({
  name: 'git_diff',
  description:
    "Show the workspace's uncommitted git changes: the changed files, then the diff. By default the changes not yet staged (and untracked files); staged: true for what is staged for commit.",
  brief: 'Uncommitted git changes (diff).',
  params: {
    staged: z.optional(z.boolean().check(z.describe('show what is staged for commit instead'))),
    path: z.optional(z.string().check(z.describe('only this workspace-relative file or folder'))),
  },
  risk: 'read',
  pathParams: ['path'],
  approvalTitle: (args) => `Git diff${args.staged ? ' (staged)' : ''}${args.path ? ` of ${args.path}` : ''}`,
});
