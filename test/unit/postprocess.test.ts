// Golden cases for completion post-processing: each file in golden/postprocess/ is one situation
// (text around the cursor, the model's raw output, what must be shown). Adding a case is adding a file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { postprocess } from '../../sidecar/completion/postprocess';

interface GoldenCase {
  description: string;
  languageId: string;
  prefix: string;
  suffix: string;
  raw: string;
  expected: string | null;
}

const folder = path.resolve(import.meta.dirname, '../../../test/unit/golden/postprocess');
const files = readdirSync(folder).filter((file) => file.endsWith('.json'));

describe('completion post-processing (golden cases)', () => {
  it('has cases', () => assert.ok(files.length >= 10));
  for (const file of files) {
    const golden = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as GoldenCase;
    it(`${file.replace(/\.json$/, '')}: ${golden.description}`, () => {
      const shown = postprocess({ prefix: golden.prefix, suffix: golden.suffix, languageId: golden.languageId, text: golden.raw });
      assert.equal(shown ?? null, golden.expected);
    });
  }
});
