// Which implementation runs each tool, by name. Adding a tool: its spec in protocol/agent/tools/
// (one line in protocol/agent/toolSpecs.ts), its implementation in this folder, one line here.
// The type asks for every tool exactly once; test/unit/agentToolRegistry checks each pairs with its spec.
import type { ToolName, ToolSpecOf } from '../../../protocol/agent/toolSpecs';
import { createFileTool } from './createFile';
import { editFileTool } from './editFile';
import { getDefinitionsTool } from './getDefinitions';
import { gitDiffTool } from './gitDiff';
import { listFilesTool } from './listFiles';
import { readCommandOutputTool } from './readCommandOutput';
import { readFileTool } from './readFile';
import { readOutputTool } from './readOutput';
import { runCommandTool } from './runCommand';
import { searchCodeTool } from './searchCode';
import { searchTextTool } from './searchText';
import type { AgentTool } from './tool';
import { updatePlanTool } from './updatePlan';

export const toolImplementations: { readonly [N in ToolName]: AgentTool<ToolSpecOf<N>> } = {
  read_file: readFileTool,
  list_files: listFilesTool,
  search_text: searchTextTool,
  search_code: searchCodeTool,
  get_definitions: getDefinitionsTool,
  git_diff: gitDiffTool,
  read_output: readOutputTool,
  edit_file: editFileTool,
  create_file: createFileTool,
  run_command: runCommandTool,
  read_command_output: readCommandOutputTool,
  update_plan: updatePlanTool,
};

/** The implementation of a tool, its arguments typed loosely (the caller checked them against the spec). */
export function toolImplementation(name: ToolName): AgentTool {
  return toolImplementations[name] as unknown as AgentTool;
}
