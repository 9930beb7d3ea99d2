// Pylot's tools as VS Code's agent sees them: package.json's `contributes.languageModelTools`
// (hand-written; scripts/settings.mjs leaves it alone) must say what the agent tools' own specs say,
// so the model VS Code drives gets the same name, description and parameters Pylot's agent gets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { toolSpec } from '../../protocol/agent';
import { toolJsonSchema } from '../../protocol/agent/toolSchema';

const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  contributes: { languageModelTools: Array<{ name: string; modelDescription: string; inputSchema: unknown; tags: string[] }> };
};

describe("package.json's languageModelTools", () => {
  it('declares search_code and get_definitions as pylot_*, with their specs’ descriptions and schemas, and only read tools', () => {
    const declared = manifest.contributes.languageModelTools;
    assert.deepEqual(
      declared.map((tool) => tool.name),
      ['pylot_search_code', 'pylot_get_definitions'],
    );
    for (const tool of declared) {
      const spec = toolSpec(tool.name.replace(/^pylot_/, '') as 'search_code' | 'get_definitions');
      assert.equal(spec.risk, 'read');
      assert.equal(tool.modelDescription, spec.description);
      assert.deepEqual(tool.inputSchema, JSON.parse(JSON.stringify(toolJsonSchema(spec))));
      assert.ok(tool.tags.includes('read-only'));
    }
  });
});
