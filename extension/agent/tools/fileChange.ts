// What the two writing tools share: the text a change starts from (an open editor's buffer first,
// as the user sees it), and writing an allowed change only if nothing moved while the prompt was open.
import { readTextFile } from './fileTools';
import { ToolError, type FileChange, type Target, type ToolContext, type ToolHost } from './tool';

/** The file's text as the user sees it (an open editor's buffer first); undefined if it does not exist. */
export async function currentText(target: Target, host: ToolHost): Promise<string | undefined> {
  const open = host.openText(target);
  if (open !== undefined) return open;
  if (!target.exists) return undefined;
  return readTextFile(target.absolute, target.relative, target.folder.path).catch((error: unknown) => {
    if (error instanceof ToolError && /does not exist/.test(error.message)) return undefined;
    throw error;
  });
}

/** Writes the change the user allowed. `path` is the call's path argument as the model wrote it. */
export async function applyChange(change: FileChange, path: string, context: ToolContext): Promise<string | void> {
  const { target, before } = change;
  // The prompt may have been open a while: the path must still lead where it did, the text be what was shown.
  const again = await context.workspace.resolve(path);
  if (!again.ok || again.absolute !== target.absolute) throw new ToolError(`${target.relative} moved while waiting for approval; nothing was written.`);
  if ((await currentText(again, context.host)) !== before)
    throw new ToolError(`${target.relative} changed while waiting for approval; nothing was written. Read it again.`);
  await context.beforeWrite(target, before);
  return context.host.write(change, context.signal);
}
