// read_command_output: the host's background runs (backgroundCommands.ts) read in parts.
import { readCommandOutput as spec } from '../../../protocol/agent/tools/readCommandOutput';
import { implement, ToolError } from './tool';

export const readCommandOutputTool = implement(spec, {
  async invoke({ id, waitSeconds }, context) {
    try {
      return await context.host.readCommand(id, (waitSeconds ?? 10) * 1000, context.signal);
    } catch (error) {
      throw new ToolError(error instanceof Error ? error.message : String(error));
    }
  },
});
