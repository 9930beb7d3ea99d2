// The agent's prompt for small contexts: at 8k tokens and less the system prompt and the tool
// definitions are compact (briefs, parameter names), and still name every tool and parameter the
// grammar and the reader accept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toolSpecs } from '../../protocol/agent';
import { toolParameters } from '../../protocol/agent/toolSchema';
import { promptSizeFor, systemPrompt } from '../../sidecar/agent/prompt';
import { toolDefinitions } from '../../sidecar/agent/propose';

describe('the compact agent prompt', () => {
  it('is chosen for contexts of 8k tokens and less', () => {
    assert.deepEqual([2048, 4096, 8192, 8193, 32768].map(promptSizeFor), ['compact', 'compact', 'compact', 'full', 'full']);
  });

  it('names every tool with all its parameters, optional ones marked, in under half the full prompt', () => {
    const compact = systemPrompt(toolSpecs, ['/ws'], false, 'compact');
    const full = systemPrompt(toolSpecs, ['/ws'], false, 'full');
    for (const spec of toolSpecs) {
      const params = toolParameters(spec).map((p) => `${p.name}${p.required ? '' : '?'}`);
      assert.ok(compact.includes(`- ${spec.name}(${params.join(', ')}): ${spec.brief}`), spec.name);
      assert.ok(spec.brief.length < spec.description.length || spec.brief === spec.description);
    }
    assert.match(compact, /\/ws/);
    assert.match(compact, /\{"tool": name, "args": \{…\}\}.*\{"answer": text\}/);
    assert.ok(compact.length < full.length / 2, `${compact.length} vs ${full.length} characters`);
  });

  it("keeps the model's own tool format's schemas whole but for the descriptions", () => {
    const full = toolDefinitions(toolSpecs, 'full');
    const compact = toolDefinitions(toolSpecs, 'compact');
    for (const [i, def] of compact.entries()) {
      assert.equal(def.name, full[i]!.name);
      assert.deepEqual(def.parameters.required, full[i]!.parameters.required);
      const properties = def.parameters.properties as Record<string, { type: string; description?: string }>;
      assert.deepEqual(Object.keys(properties), Object.keys(full[i]!.parameters.properties as object));
      assert.ok(Object.values(properties).every((p) => p.type && p.description === undefined));
    }
    assert.ok(JSON.stringify(compact).length < JSON.stringify(full).length * 0.6);
  });
});
