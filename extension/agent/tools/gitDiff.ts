// git_diff: each workspace folder's (or the named path's) uncommitted changes, through
// git/workspaceGit.ts; files the policy hides are left out, the diff is capped.
import { gitDiff as spec } from '../../../protocol/agent/tools/gitDiff';
import { describeChanges, gitChanges, GitError } from '../git/workspaceGit';
import { implement, ToolError } from './tool';

/** Characters of diff read per folder; the sidecar cuts what the model reads further, and read_output has the rest. */
const maxDiffChars = 400_000;

export const gitDiffTool = implement(spec, {
  async invoke(args, context) {
    const { workspace, signal } = context;
    const staged = args.staged === true;
    const under = context.paths.get('path');
    const roots = await workspace.roots();
    const scopes = under ? [{ root: under.folder, scope: under.relative }] : roots.map((root) => ({ root, scope: '' }));
    const parts: string[] = [];
    for (const { root, scope } of scopes) {
      const where = [roots.length > 1 ? root.name : '', scope].filter(Boolean).join('/') || 'the workspace';
      try {
        const changes = await gitChanges({
          folder: root.path,
          scope,
          staged,
          hidden: async (relative) => (await workspace.protection(root, relative)) !== undefined,
          maxChars: maxDiffChars,
          signal,
        });
        parts.push(describeChanges(changes, staged, where));
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        if (scopes.length === 1) throw new ToolError(error.message);
        parts.push(`${where}: ${error.message}`);
      }
    }
    return parts.join('\n\n');
  },
});
