// edit_file: the replacement is worked out before the prompt (a text that does not match, or
// matches twice, is an error for the model, never a prompt), shown as a diff, and written only if
// the file is still what the user saw.
import { editFile as spec } from '../../../protocol/agent/tools/editFile';
import { computeEdit } from '../edits/editText';
import { applyChange, currentText } from './fileChange';
import { implement, pathArg, ToolError } from './tool';

export const editFileTool = implement(spec, {
  async prepare({ oldText, newText, startLine, endLine }, context) {
    const target = pathArg(context, 'path');
    const before = await currentText(target, context.host);
    if (before === undefined) throw new ToolError(`${target.relative} does not exist; use create_file to make it.`);
    const edit = computeEdit(before, { oldText, newText, startLine, endLine });
    if (!edit.ok) throw new ToolError(`${target.relative} was not changed: ${edit.error}`);
    return { target, before, after: edit.text };
  },
  async invoke(args, context, change) {
    const note = await applyChange(change!, args.path, context);
    return note ? `Edited ${change!.target.relative}. ${note}` : `Edited ${change!.target.relative}.`;
  },
});
