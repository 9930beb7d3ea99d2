// read_command_output: what a command run_command left running has printed since the last read.
import * as z from 'zod/mini';
import { defineTool } from '../tool';

export const readCommandOutput = defineTool({
  name: 'read_command_output',
  description:
    'Read what a command still running in the background (run_command with waitSeconds) printed since the last read, and whether it has exited. Waits up to waitSeconds for new output.',
  brief: 'Read new output of a running command.',
  params: {
    id: z.string().check(z.describe('the command id, "cmd-…"')),
    waitSeconds: z.optional(z.int().check(z.minimum(0), z.maximum(120), z.describe('seconds to wait for new output (default 10)'))),
  },
  risk: 'read',
  approvalTitle: (args) => `Read the output of ${args.id}`,
});
