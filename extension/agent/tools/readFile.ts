// read_file: the file as the user sees it (an open editor's unsaved text first), lines numbered.
import { readFile as spec } from '../../../protocol/agent/tools/readFile';
import { readNumbered } from './fileTools';
import { implement, pathArg } from './tool';

export const readFileTool = implement(spec, {
  async invoke(args, context) {
    const target = pathArg(context, 'path');
    return readNumbered(target.absolute, target.relative, context.host.openText(target), args.startLine, args.endLine, target.folder.path);
  },
});
