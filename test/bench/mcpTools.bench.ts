// Issue-14 MCP numbers: what MCP tools cost the agent's prompt, in real tokens (Qwen2's and Llama 3's
// vocabularies), at a small context (compact prompt) and a large one, side by side in one run: the
// agent's own tools alone; with the test notes server's 3 tools; with a hostile server's tool whose
// description is a megabyte, as offered (capped) and as it would be uncapped.
import { getLlama } from 'node-llama-cpp';
import { externalToolSpec, toolSpecs, type ToolSpec } from '../../protocol/agent';
import { promptSizeFor, systemPrompt } from '../../sidecar/agent/prompt';
import { toolDefinitions } from '../../sidecar/agent/propose';
import { namespacedName, riskOf, shapeTool, type ListedTool } from '../../extension/mcp/toolShape';
import { tools as listed, type McpShape } from '../fixtures/mcpServer';
import { vocabFile } from '../fixtures/vocab';
import { table } from './stats';

const folders = ['/home/user/projects/shop'];
const shaped = (server: string, shape: McpShape): ToolSpec[] =>
  (listed(shape) as ListedTool[]).flatMap((tool) => {
    const result = shapeTool(namespacedName('mcp', server, tool.name), tool, riskOf(tool.annotations));
    return result.ok ? [externalToolSpec(result.tool)] : [];
  });
const notes = shaped('notes', 'notes');
const huge = shaped('huge', 'huge').slice(0, 1);
const hugeDescription = String((listed('huge')[0] as ListedTool).description);

const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1 });
for (const vocab of ['qwen2', 'llama-bpe']) {
  const model = await llama.loadModel({ modelPath: await vocabFile(vocab), vocabOnly: true });
  const tokens = (text: string) => model.tokenize(text, false).length;
  const rows = [['context', 'own 9 tools (JSON / native)', '+ notes server, 3 tools', '+ hostile tool, capped', 'its description uncapped']];
  for (const contextSize of [4096, 32768]) {
    const size = promptSizeFor(contextSize);
    const cost = (tools: readonly ToolSpec[]) => {
      const json = tokens(systemPrompt(tools, folders, false, size));
      const native = tokens(systemPrompt(tools, folders, true, size)) + tokens(JSON.stringify(toolDefinitions(tools, size)));
      return { json, native };
    };
    const own = cost(toolSpecs);
    const withNotes = cost([...toolSpecs, ...notes]);
    const withHuge = cost([...toolSpecs, ...huge]);
    const show = (now: { json: number; native: number }) =>
      `${now.json} (×${(now.json / own.json).toFixed(2)}) / ${now.native} (×${(now.native / own.native).toFixed(2)})`;
    rows.push([
      `${contextSize / 1024}k (${size})`,
      `${own.json} / ${own.native}`,
      show(withNotes),
      show(withHuge),
      `+${tokens(hugeDescription)} (×${((own.json + tokens(hugeDescription)) / own.json).toFixed(0)})`,
    ]);
  }
  console.log(`\nAgent prompt with MCP tools, tokens in the ${vocab} vocabulary`);
  console.log(table(rows));
  await model.dispose();
}
