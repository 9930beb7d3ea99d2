// run_command: a shell command line in a workspace folder. The policy parses the line against the
// allow and deny rules; the line is the `command` parameter, its folder `cwd`.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const runCommand = defineTool({
  name: 'run_command',
  description: 'Run a shell command in the workspace (tests, builds, linters); returns its exit code and output.',
  brief: 'Run a shell command; returns exit code and output.',
  params: {
    command: z.string().check(z.describe('the command line')),
    cwd: z.optional(z.string().check(z.describe('workspace-relative folder to run it in'))),
    waitSeconds: z.optional(
      z.int().check(z.minimum(1), z.maximum(3600), z.describe('return after this long if it still runs; read on with read_command_output')),
    ),
  },
  risk: 'command',
  pathParams: ['cwd'],
  approvalTitle: (args) => `Run: ${args.command}`,
});
