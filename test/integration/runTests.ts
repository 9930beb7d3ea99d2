// Runs the integration suite in a real VS Code extension host with @vscode/test-electron's standard runTests.
// Here the "VS Code executable" is test/rig's launcher (code-server + headless Chromium); --vscode points it
// at a desktop VS Code instead. Exits non-zero when the run fails.
//   node out/test/integration/runTests.mjs [--extension DIR] [--tests FILE] [--vscode EXECUTABLE]
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { badModelFiles, benchModel, demoChatModel, embeddingModel, fimModel, longAnswerModel, scriptedModel } from '../fixtures/models';
import { startLlamaServer } from '../fixtures/llamaServer';
import {
  badRenameScript,
  multiLineScript,
  nextEditAtCursorScript,
  nextEditScript,
  otherScript,
  privacyChatScript,
  privacyCompletionScript,
  renameScript,
  script,
  type TestModels,
} from './suite/fixtureScripts';

const here = dirname(fileURLToPath(import.meta.url)); // out/test/integration
const { values } = parseArgs({
  options: {
    extension: { type: 'string', default: resolve(here, '../../..') },
    tests: { type: 'string', default: join(here, 'suite', 'index.js') },
    vscode: { type: 'string' },
  },
});

const launcher = join(here, '..', 'rig', 'vscode-launcher.mjs');
// runTests spawns it as an executable, and esbuild writes its output without the executable bit.
if (!values.vscode) await chmod(launcher, 0o755);

// Generated here, outside the extension host, and handed over through its environment.
const bad = await badModelFiles();
const models: TestModels = {
  scripted: await scriptedModel(script),
  scriptedOther: await scriptedModel(otherScript, { name: 'scripted-other' }),
  scriptedMultiLine: await scriptedModel(multiLineScript, { name: 'scripted-multiline' }),
  nextEdit: await scriptedModel(nextEditScript, { name: 'zeta-next-edit', vocab: 'qwen2' }),
  nextEditAtCursor: await scriptedModel(nextEditAtCursorScript, { name: 'zeta-next-edit-at-cursor', vocab: 'qwen2' }),
  renameNames: await scriptedModel(renameScript, { name: 'scripted-rename' }),
  renameBadNames: await scriptedModel(badRenameScript, { name: 'scripted-rename-bad' }),
  privacyCompletion: await scriptedModel(privacyCompletionScript, { name: 'scripted-privacy-completion' }),
  privacyChat: await scriptedModel(privacyChatScript, { name: 'scripted-privacy-chat' }),
  fim: await fimModel(),
  bench: await benchModel(),
  longAnswer: await longAnswerModel(),
  demoChat: await demoChatModel(),
  embedding: await embeddingModel(),
  notGguf: bad.notGguf,
  truncatedData: bad.truncatedData,
  tooLarge: bad.tooLarge,
};

// A real llama-server for the server-profile tests; they may stop it themselves.
const server = await startLlamaServer({ model: models.scripted });

const scratch = await mkdtemp(join(tmpdir(), 'pylot-integration-'));
const workspace = join(scratch, 'workspace');
try {
  await mkdir(workspace);
  await runTests({
    vscodeExecutablePath: values.vscode ?? launcher,
    extensionDevelopmentPath: resolve(values.extension),
    extensionTestsPath: resolve(values.tests),
    extensionTestsEnv: {
      PYLOT_TEST_MODELS: JSON.stringify(models),
      PYLOT_TEST_SERVER: JSON.stringify({ url: server.url, pid: server.pid }),
      PYLOT_TEST_FILES: process.env.PYLOT_TEST_FILES ?? '',
    },
    // A fresh workspace and profile; the launcher makes its own profile, a desktop VS Code uses these.
    launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${join(scratch, 'user-data')}`, `--extensions-dir=${join(scratch, 'extensions')}`],
  });
} catch (err) {
  console.error(`integration tests failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await server.stop();
  await rm(scratch, { recursive: true, force: true });
}
