// The module VS Code's extension host loads for --extensionTestsPath: runs every *.test.js beside it (and below)
// with Mocha, and rejects when a test fails or when there is no test file at all.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // Timeouts are generous: the extension host shares 2 busy cores with the workbench and code-server.
  // PYLOT_TEST_FILES (a substring of the file names) runs a subset while working on one feature.
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false });
  const only = process.env.PYLOT_TEST_FILES;
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js') && (!only || f.includes(only)))
    .sort();
  if (files.length === 0) throw new Error(`no *.test.js file in ${__dirname}`);
  for (const file of files) mocha.addFile(join(__dirname, file));
  const failures = await new Promise<number>((done) => mocha.run(done));
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}
