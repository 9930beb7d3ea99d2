// run_command: the allowed line runs in the folder the call names, else the first workspace folder;
// the host runs it (the background runner, mirrored to a terminal if the user wants).
import { runCommand as spec } from '../../../protocol/agent/tools/runCommand';
import { implement, ToolError } from './tool';

export const runCommandTool = implement(spec, {
  async invoke({ command, waitSeconds }, context) {
    const folder = context.paths.get('cwd')?.absolute ?? (await context.workspace.roots())[0]?.path;
    if (!folder) throw new ToolError('No workspace folder is open to run the command in.');
    return context.host.run(command, folder, context.signal, { ...(waitSeconds ? { waitMs: waitSeconds * 1000 } : {}), onOutput: context.onOutput });
  },
});
