// A tool is one unit: one spec (protocol/agent/tools/), one implementation (extension/agent/tools/),
// one line in each registry. Checked here: every spec is implemented exactly once, by an
// implementation that holds that very spec; the model's JSON schema is generated from the zod
// parameters; and each tool, run through executeCall with a plain host, does what VS Code's did.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { argumentProblems, toolSpec, toolSpecs, type ToolCall } from '../../protocol/agent';
import { toolJsonSchema, toolParameters } from '../../protocol/agent/toolSchema';
import { executeCall, type ExecuteDeps } from '../../extension/agent/executeCall';
import { WorkspacePaths } from '../../extension/agent/policy/paths';
import { AgentPolicy } from '../../extension/agent/policy/policy';
import { toolImplementations } from '../../extension/agent/tools/registry';
import { callSchema } from '../../sidecar/agent/callSchema';
import { RecordingHost } from './helpers/toolHost';

const root = path.resolve(import.meta.dirname, '../../..');

describe('tool registries', () => {
  it('implement every spec exactly once, with that very spec', () => {
    const names = toolSpecs.map((spec) => spec.name);
    assert.equal(new Set(names).size, names.length, 'tool names are unique');
    assert.deepEqual(Object.keys(toolImplementations), names);
    for (const spec of toolSpecs) assert.equal(toolImplementations[spec.name].spec, spec, spec.name);
  });

  it('name only real string parameters as paths, and give every write a path to write', () => {
    for (const spec of toolSpecs) {
      const parameters = toolParameters(spec);
      for (const name of spec.pathParams) assert.equal(parameters.find((p) => p.name === name)?.type, 'string', `${spec.name}.${name}`);
      if (spec.risk === 'write') assert.ok(parameters.find((p) => p.name === spec.pathParams[0])?.required, `${spec.name} writes a required path`);
    }
  });

  it('keep tool implementations free of vscode, so they run under unit tests', () => {
    const folder = path.join(root, 'extension/agent/tools');
    const offenders = readdirSync(folder).filter((file) => file.endsWith('.ts') && /from\s+['"]vscode['"]/.test(readFileSync(path.join(folder, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});

describe("the model's view of a tool, generated from its zod parameters", () => {
  it('is a flat JSON schema: types, descriptions, the required ones', () => {
    assert.deepEqual(toolJsonSchema(toolSpec('read_file')), {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'workspace-relative file path' },
        startLine: { type: 'integer', description: 'first line to read (1-based)' },
        endLine: { type: 'integer', description: 'last line to read (inclusive)' },
      },
      required: ['path'],
    });
  });

  it('becomes the JSON call grammar: every key written, optional ones nullable, nothing else', () => {
    const calls = (callSchema() as { oneOf: Array<{ properties: { tool?: { const: string }; args?: unknown } }> }).oneOf;
    const edit = calls.find((call) => call.properties.tool?.const === 'edit_file')!.properties.args;
    assert.deepEqual(edit, {
      type: 'object',
      properties: {
        path: { type: 'string' },
        newText: { type: 'string' },
        oldText: { type: ['string', 'null'] },
        startLine: { type: ['integer', 'null'] },
        endLine: { type: ['integer', 'null'] },
      },
      required: ['path', 'newText', 'oldText', 'startLine', 'endLine'],
      additionalProperties: false,
    });
  });

  it('checks arguments in words the model can act on', () => {
    const read = toolSpec('read_file');
    assert.deepEqual(argumentProblems(read, { path: 'a', startLine: 2 }), []);
    assert.deepEqual(argumentProblems(read, { path: 'a', startLine: null }), []);
    assert.deepEqual(argumentProblems(read, { startLine: 1.5, recursive: true }), [
      '"path" is required',
      '"startLine" must be an integer',
      'unknown parameter "recursive"',
    ]);
    assert.deepEqual(argumentProblems(read, { path: 7, endLine: '3' }), ['"path" must be a string', '"endLine" must be an integer']);
    assert.deepEqual(argumentProblems(toolSpec('list_files'), { path: '.', recursive: 'yes' }), ['"recursive" must be a boolean']);
    assert.deepEqual(argumentProblems(read, { path: 'a', toString: 'x', startLine: 2 ** 60 }), ['"startLine" is out of range', 'unknown parameter "toString"']);
  });

  it('titles the approval from the arguments', () => {
    assert.equal(toolSpec('run_command').approvalTitle({ command: 'npm test' }), 'Run: npm test');
    assert.equal(toolSpec('list_files').approvalTitle({ path: '' }), 'List .');
    assert.equal(toolSpec('edit_file').approvalTitle({ path: 'a.ts' }), 'edit_file', 'arguments that do not fit name the tool only');
  });
});

describe('each tool through executeCall, with a plain host', () => {
  const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-tools-registry-')));
  const policy = new AgentPolicy(new WorkspacePaths([{ name: 'ws', path: ws }]), () => ({
    autoApproveReads: true,
    allowCommands: ['make lint'],
    denyCommands: [],
    allowWrites: [],
  }));
  const host = new RecordingHost(ws);
  const deps: ExecuteDeps = {
    policy,
    host,
    approvalTimeoutMs: 1000,
    saveRule: async () => undefined,
    beforeWrite: () => undefined,
    ui: { onEvent: () => undefined, askContinue: async () => false, requestApproval: async () => ({ kind: 'allowOnce' }) },
  };
  let id = 0;
  const call = async (tool: ToolCall['tool'], args: ToolCall['args']) => executeCall({ id: String(++id), tool, args }, deps, new AbortController().signal);

  before(() => {
    mkdirSync(path.join(ws, 'src'), { recursive: true });
    writeFileSync(path.join(ws, 'src/math.ts'), 'export function add(a: number, b: number) {\n  return a + b;\n}\n');
    writeFileSync(path.join(ws, '.env'), 'TOKEN=secret add\n');
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it("reads what the user sees: an open editor's unsaved text first", async () => {
    assert.match(
      (await call('read_file', { path: 'src/math.ts', startLine: 2, endLine: 2 })).output,
      /^src\/math.ts \(lines 2-2 of 4\)\n2 \| {3}return a \+ b;/,
    );
    host.open.set(path.join(ws, 'src/math.ts'), 'unsaved\n');
    assert.match((await call('read_file', { path: 'src/math.ts' })).output, /1 \| unsaved/);
    host.open.clear();
  });

  it('lists and searches without protected files', async () => {
    const listed = await call('list_files', { path: '.', recursive: true });
    assert.equal(listed.status, 'ok');
    assert.doesNotMatch(listed.output, /\.env/);
    assert.match(listed.output, /math\.ts/);
    const found = await call('search_text', { query: 'add' });
    assert.match(found.output, /^src\/math.ts:1:/);
    assert.doesNotMatch(found.output, /\.env/);
  });

  it('finds definitions from the language servers, only where the agent may read, else by their shape', async () => {
    host.symbols = [
      { name: 'add', absolute: path.join(ws, '.env'), startLine: 1, endLine: 1 },
      { name: 'add', absolute: path.join(ws, 'src/math.ts'), startLine: 1, endLine: 3 },
    ];
    const viaServer = await call('get_definitions', { symbol: 'add' });
    assert.match(viaServer.output, /^src\/math.ts \(lines 1-/);
    assert.doesNotMatch(viaServer.output, /TOKEN/);
    host.symbols = [];
    assert.match((await call('get_definitions', { symbol: 'add' })).output, /^Possible definitions of add:\nsrc\/math.ts:1:/);
    assert.equal((await call('get_definitions', { symbol: 'a b' })).status, 'error');
  });

  it('shows index results only where the agent may read, and says when the index cannot answer', async () => {
    const span = (file: string) => ({ path: path.join(ws, file), relativePath: file, startLine: 1, endLine: 1, symbol: 'add', text: 'x', score: 1 });
    host.index = { results: [span('.env'), span('src/math.ts')], mode: 'keyword' };
    assert.equal((await call('search_code', { query: 'adding' })).output, 'src/math.ts:1-1 (add)\nx');
    host.index = { results: [], mode: 'keyword', message: 'The index is still building.' };
    const building = await call('search_code', { query: 'adding' });
    assert.equal(building.status, 'error');
    assert.match(building.output, /still building\. Use search_text/);
  });

  it('writes an allowed edit and a new file through the host, and runs a command in its folder', async () => {
    assert.equal((await call('edit_file', { path: 'src/math.ts', oldText: 'a + b', newText: 'b + a' })).output, 'Edited src/math.ts.');
    assert.equal((await call('create_file', { path: 'src/new.ts', content: 'x\n' })).output, 'Created src/new.ts.');
    assert.deepEqual(host.writes, ['src/math.ts', 'src/new.ts']);
    assert.match(readFileSync(path.join(ws, 'src/math.ts'), 'utf8'), /return b \+ a;/);
    assert.equal((await call('run_command', { command: 'make lint', cwd: 'src' })).status, 'ok');
    assert.equal((await call('run_command', { command: 'make lint' })).status, 'ok');
    assert.deepEqual(host.runFolders, [path.join(ws, 'src'), ws]);
  });
});
