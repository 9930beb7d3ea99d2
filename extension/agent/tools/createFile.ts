// create_file: never over an existing file (nor one open unsaved in an editor); shown as a diff
// against nothing, written only if the path is still free when the user allows it.
import { createFile as spec } from '../../../protocol/agent/tools/createFile';
import { applyChange, currentText } from './fileChange';
import { implement, pathArg, ToolError } from './tool';

export const createFileTool = implement(spec, {
  async prepare({ content }, context) {
    const target = pathArg(context, 'path');
    const before = await currentText(target, context.host);
    if (before !== undefined || target.exists) throw new ToolError(`${target.relative} already exists; use edit_file to change it.`);
    return { target, before, after: content };
  },
  async invoke(args, context, change) {
    await applyChange(change!, args.path, context);
    return `Created ${change!.target.relative}.`;
  },
});
