// The contract between the extension and the sidecar, read as a whole: every method says which
// side sends it, the sending side's production code sends it, the other side's handles it, and no
// method is left that nothing but a test uses.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import * as agent from '../../protocol/agent';
import * as context from '../../protocol/context';
import * as index from '../../protocol/index';
import * as localApi from '../../protocol/localApi';
import * as models from '../../protocol/models';
import * as nextEdit from '../../protocol/nextEdit';
import type { NotificationDef, RequestDef } from '../../protocol/rpc';
import * as sidecar from '../../protocol/sidecar';

const root = path.resolve(import.meta.dirname, '../../..');

interface Entry {
  readonly name: string;
  readonly def: RequestDef | NotificationDef;
}

const contract: Entry[] = (Object.entries({ ...agent, ...context, ...index, ...localApi, ...models, ...nextEdit, ...sidecar }) as Array<[string, unknown]>)
  .filter((entry): entry is [string, RequestDef | NotificationDef] => {
    const value = entry[1] as { kind?: unknown } | undefined;
    return typeof value === 'object' && value !== null && (value.kind === 'request' || value.kind === 'notification');
  })
  .map(([name, def]) => ({ name, def }));

function source(dir: string): string {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

const code = { extension: source('extension'), sidecar: source('sidecar') };
const other = { extension: 'sidecar', sidecar: 'extension' } as const;

describe('the extension ⇄ sidecar contract', () => {
  it('finds every method', () => {
    assert.ok(contract.length >= 25, `${contract.length} methods`);
    assert.equal(new Set(contract.map(({ def }) => def.method)).size, contract.length, 'one definition per method');
  });

  it('says of every method which side sends it', () => {
    for (const { name, def } of contract) assert.ok(def.from === 'extension' || def.from === 'sidecar', `${name} (${def.method}) has no direction`);
  });

  it('is sent by the sending side and handled by the other, in production code', () => {
    const problems: string[] = [];
    for (const { name, def } of contract) {
      const sends = new RegExp(`\\.(request|notify|send)\\(\\s*${name}\\b`);
      const handles = new RegExp(`\\.(onRequest|onNotification)\\(\\s*${name}\\b`);
      if (!sends.test(code[def.from])) problems.push(`${def.method} (${name}): the ${def.from} never sends it`);
      if (!handles.test(code[other[def.from]])) problems.push(`${def.method} (${name}): the ${other[def.from]} never handles it`);
      if (handles.test(code[def.from])) problems.push(`${def.method} (${name}): the ${def.from} handles what it sends`);
    }
    assert.deepEqual(problems, []);
  });
});
