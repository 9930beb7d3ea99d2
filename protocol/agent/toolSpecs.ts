// The agent's tools as both processes know them, in the order the model reads them. Each is one
// spec file under tools/ and one implementation under extension/agent/tools/. Adding a tool: write
// both files, then add one line here and one in extension/agent/tools/registry.ts.
import * as z from 'zod/mini';
import type { ToolSpec } from './tool';
import { createFile } from './tools/createFile';
import { editFile } from './tools/editFile';
import { getDefinitions } from './tools/getDefinitions';
import { gitDiff } from './tools/gitDiff';
import { listFiles } from './tools/listFiles';
import { readCommandOutput } from './tools/readCommandOutput';
import { readFile } from './tools/readFile';
import { readOutput } from './tools/readOutput';
import { runCommand } from './tools/runCommand';
import { searchCode } from './tools/searchCode';
import { searchText } from './tools/searchText';
import { updatePlan } from './tools/updatePlan';

export const toolSpecs = [
  readFile,
  listFiles,
  searchText,
  searchCode,
  getDefinitions,
  gitDiff,
  readOutput,
  editFile,
  createFile,
  runCommand,
  readCommandOutput,
  updatePlan,
] as const;

export type ToolName = (typeof toolSpecs)[number]['name'];
export const ToolName = z.enum(toolSpecs.map((spec) => spec.name) as [ToolName, ...ToolName[]]);

/** The spec of the tool with this name. */
export type ToolSpecOf<N extends ToolName> = Extract<(typeof toolSpecs)[number], { name: N }>;

export function toolSpec<N extends ToolName>(name: N): ToolSpecOf<N> & ToolSpec {
  return toolSpecs.find((spec) => spec.name === name) as ToolSpecOf<N> & ToolSpec;
}
