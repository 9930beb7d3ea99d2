// read_output: reads a part of a saved long tool result from the workspace's storage (savedOutputs.ts).
import { readOutput as spec } from '../../../protocol/agent/tools/readOutput';
import { implement, ToolError } from './tool';

export const readOutputTool = implement(spec, {
  async invoke(args, context) {
    if (!context.outputs) throw new ToolError('No tool output was saved in this workspace.');
    try {
      return await context.outputs.read(args.id, args.startLine, args.endLine);
    } catch (error) {
      throw new ToolError(error instanceof Error ? error.message : String(error));
    }
  },
});
