// list_files: a folder's entries, protected ones left out (see policy/paths).
import { listFiles as spec } from '../../../protocol/agent/tools/listFiles';
import { listFolder } from './fileTools';
import { implement, pathArg } from './tool';

export const listFilesTool = implement(spec, {
  async invoke(args, context) {
    const target = pathArg(context, 'path');
    return listFolder(
      target.absolute,
      target.relative,
      args.recursive === true,
      async (relative) => (await context.workspace.protection(target.folder, relative)) !== undefined,
    );
  },
});
