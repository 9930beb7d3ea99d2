// `npm start`: builds and packages Pylot, installs it into a persistent VS Code (code-server 1.139)
// under .pylot-dev/, and serves it on 127.0.0.1 with a demo workspace. Two small scripted demo
// models (completion, and chat that is also a demo agent) are generated offline and offered when no
// model is set. Ctrl+C stops it.
// Environment: PORT (default 8080), PYLOT_CACHE (tool and model cache, default ~/.cache/pylot),
// PYLOT_DEV (the persistent VS Code profile and workspace, default .pylot-dev/ in the clone).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dev = path.resolve(process.env.PYLOT_DEV ?? path.join(root, '.pylot-dev'));
const port = Number(process.env.PORT ?? 8080);
const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options }).trim();
const step = (message) => console.log(`\x1b[1m▸ ${message}\x1b[0m`);

step('Installing VS Code for the browser (code-server) into the cache, if needed');
const tools = Object.fromEntries(
  run('bash', ['test/tools/install-test-tools.sh', '--no-browser'])
    .split('\n')
    .map((line) => line.split('=')),
);

step('Building and packaging Pylot');
run(process.execPath, ['esbuild.mjs', '--tests']);
const vsix = path.join(dev, 'pylot.vsix');
mkdirSync(dev, { recursive: true });
run(process.execPath, ['scripts/package.mjs', '--out', vsix]);

step('Generating the offline demo models');
const demoModel = run(process.execPath, ['out/test/fixtures/cli.mjs', 'scripted', '--script', 'return a + b;', '--name', 'demo']);
// Chats one scripted sentence; in the chat's Agent mode proposes creating hello.ts, then answers.
const demoChatModel = run(process.execPath, ['out/test/fixtures/cli.mjs', 'demo-chat']);

const userData = path.join(dev, 'user-data');
const extensions = path.join(dev, 'extensions');
const workspace = path.join(dev, 'workspace');
mkdirSync(path.join(userData, 'User'), { recursive: true });
mkdirSync(workspace, { recursive: true });
const settingsFile = path.join(userData, 'User', 'settings.json');
if (!existsSync(settingsFile))
  writeFileSync(
    settingsFile,
    `${JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'telemetry.telemetryLevel': 'off' }, null, 2)}\n`,
  );
const demoFile = path.join(workspace, 'demo.ts');
if (!existsSync(demoFile)) writeFileSync(demoFile, readFileSync(path.join(root, 'media/demo.ts'), 'utf8'));

const codeServer = (args) => [tools.PYLOT_CODE_SERVER, '--user-data-dir', userData, '--extensions-dir', extensions, ...args];
step('Installing Pylot into it');
run(tools.PYLOT_NODE24, codeServer(['--install-extension', vsix, '--force']));

const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
step(`Starting VS Code on ${url}`);
const server = spawn(
  tools.PYLOT_NODE24,
  // Workspace trust off: this profile exists to try Pylot on its own demo workspace, which would
  // otherwise open in Restricted Mode, where Pylot ignores the workspace's model settings.
  // Its own config file, so nothing is written into the user's ~/.config/code-server.
  codeServer([
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--disable-workspace-trust',
    '--config',
    path.join(dev, 'code-server.yaml'),
  ]),
  {
    cwd: workspace,
    stdio: ['ignore', 'inherit', 'inherit'],
    // No marketplace: nothing leaves the machine.
    env: { ...process.env, PYLOT_DEMO_MODEL: demoModel, PYLOT_DEMO_CHAT_MODEL: demoChatModel, EXTENSIONS_GALLERY: '{}' },
    detached: true,
  },
);
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));

await waitForHealth(`http://127.0.0.1:${port}/healthz`);
console.log(`
  Pylot is running in VS Code at:

      ${url}

  Open demo.ts and follow the comment at its top. When you type, Pylot offers the demo models
  (tiny scripted ones: the completion model always suggests the same line, the chat model always
  gives the same answer, and in Agent mode proposes the same new file); "Pylot: Select Model…"
  takes real ones.
  Settings and extensions persist in ${dev}. Ctrl+C stops.
`);

async function waitForHealth(healthz) {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      if ((await fetch(healthz)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer on ${healthz}`);
}
