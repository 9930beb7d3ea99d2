// search_text: every workspace folder, or the one folder the call names, searched for a text or a
// regular expression; protected files are skipped. get_definitions falls back on it too.
import { searchText as spec } from '../../../protocol/agent/tools/searchText';
import { searchText, type SearchRoot } from './fileTools';
import { implement, type Target, type ToolContext } from './tool';

export const searchTextTool = implement(spec, {
  invoke: (args, context) => searchWorkspace(args.query, args.isRegex === true, context.paths.get('path'), context),
});

export async function searchWorkspace(query: string, isRegex: boolean, under: Target | undefined, context: ToolContext): Promise<string> {
  const { workspace } = context;
  const roots = await workspace.roots();
  const searchRoots: SearchRoot[] = under
    ? [{ absolute: under.absolute, relative: under.relative, folder: under.folder.path, ...(roots.length > 1 ? { label: under.folder.name } : {}) }]
    : roots.map((root) => ({ absolute: root.path, relative: '', ...(roots.length > 1 ? { label: root.name } : {}) }));
  const rootOf = (root: SearchRoot) => (under ? under.folder : roots.find((r) => r.path === root.absolute)!);
  return searchText(searchRoots, query, isRegex, async (root, relative) => (await workspace.protection(rootOf(root), relative)) !== undefined, context.signal);
}
