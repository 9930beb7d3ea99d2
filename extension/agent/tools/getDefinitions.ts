// get_definitions: the language servers' answer first, each shown only where the policy lets the
// agent read (a server may point into node_modules typings or other folders); with no server that
// knows the name, the usual definition shapes found by a text search.
import { getDefinitions as spec } from '../../../protocol/agent/tools/getDefinitions';
import { readNumbered } from './fileTools';
import { searchWorkspace } from './searchText';
import { implement, ToolError } from './tool';

export const getDefinitionsTool = implement(spec, {
  async invoke({ symbol }, context) {
    if (!/^[\w$.:#-]{1,200}$/.test(symbol)) throw new ToolError('Give a single symbol name, e.g. parseConfig or Stack.push.');
    const name = symbol.split(/[.:#]/).pop()!;
    const symbols = await context.host.workspaceSymbols(name);
    const exact = symbols.filter((s) => s.name === name || s.name.startsWith(`${name}(`));
    const shown: string[] = [];
    for (const found of exact.slice(0, 20)) {
      if (context.signal.aborted || shown.length >= 5) break;
      const where = await context.workspace.resolve(await context.host.relativePath(found.absolute));
      if (!where.ok || where.protection || where.absolute !== found.absolute) continue;
      const end = Math.max(found.endLine, found.startLine + 14);
      shown.push(await readNumbered(where.absolute, where.relative, context.host.openText(where), found.startLine, Math.min(end, found.startLine + 60)));
    }
    if (shown.length) return shown.join('\n\n');
    const escaped = name.replace(/[$]/g, '\\$');
    const pattern = `\\b(function\\*?|class|interface|type|enum|const|let|var|def|fn|func|struct|trait|module|namespace)\\s+${escaped}\\b`;
    const found = await searchWorkspace(pattern, true, undefined, context);
    return found.startsWith('No matches') ? `No definition of ${symbol} was found.` : `Possible definitions of ${symbol}:\n${found}`;
  },
});
