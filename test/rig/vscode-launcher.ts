#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }): it takes the
// flags runTests passes, runs the extension tests in code-server's real extension host with headless Chromium
// as the window, forwards the extension host's output and exits with the tests' exit code.
// Built to out/test/rig/vscode-launcher.mjs by `node esbuild.mjs --tests`; runs on Node 20, code-server on Node 24.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { launchBrowser, type BrowserSession } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';

const TIMEOUT_MS = Number(process.env.PYLOT_LAUNCHER_TIMEOUT_MS) || 10 * 60_000;
const started = Date.now();

interface LaunchRequest {
  developmentPaths: string[];
  testsPath?: string;
  /** Folders, .code-workspace files or files to open, as given on the command line. */
  paths: string[];
}

// Flags of the desktop CLI that take a value; everything else starting with `--` is a switch.
const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale']);

function parseArgs(argv: string[]): LaunchRequest {
  const request: LaunchRequest = { developmentPaths: [], paths: [] };
  const rest = [...argv];
  for (let arg = rest.shift(); arg !== undefined; arg = rest.shift()) {
    if (!arg.startsWith('--')) {
      request.paths.push(resolve(arg));
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const value = eq >= 0 ? arg.slice(eq + 1) : VALUE_FLAGS.has(name) ? rest.shift() : undefined;
    if (name === 'extensionDevelopmentPath' && value) request.developmentPaths.push(resolve(value));
    else if (name === 'extensionTestsPath' && value) request.testsPath = resolve(value);
    // The rest (--user-data-dir, --extensions-dir, --disable-extensions, sandbox/GPU/update/welcome switches)
    // is already the case or has no meaning here: every run gets a fresh, empty profile and extensions dir.
  }
  return request;
}

/** The workbench URL: the folder or workspace in the query, development and test paths in the smoke-test payload. */
function workbenchUrl(server: CodeServer, request: LaunchRequest): string {
  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${pathToFileURL(path).pathname}`;
  const url = new URL(server.url);
  const payload: [string, string][] = request.developmentPaths.map((p) => ['extensionDevelopmentPath', remote(p)]);
  if (request.testsPath) payload.push(['extensionTestsPath', remote(request.testsPath)]);
  for (const path of request.paths) {
    if (path.endsWith('.code-workspace')) url.searchParams.set('workspace', path);
    else if (statSync(path).isDirectory()) url.searchParams.set('folder', path);
    else payload.push(['openFile', remote(path)]);
  }
  if (!url.searchParams.has('folder') && !url.searchParams.has('workspace')) url.searchParams.set('ew', 'true');
  url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

function note(message: string): void {
  process.stderr.write(`[vscode-launcher +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

/** Forwards a workbench log line; the extension host's console output (Mocha's reporter) arrives here too, as console-style arguments. */
function forwardLog(type: string, args: unknown): void {
  const line = Array.isArray(args) ? format(...args) : format(args);
  (type === 'error' || type === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

async function main(): Promise<number> {
  const request = parseArgs(process.argv.slice(2));
  if (!request.testsPath) note('no --extensionTestsPath given: the window stays open until the timeout');
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  let exitCode = 1;
  let stopping: Promise<void> | undefined;
  // Once only: a signal can arrive while the normal path is already stopping.
  const stopAll = () =>
    (stopping ??= (async () => {
      await browser?.close();
      await server?.stop({ keepLogs: exitCode !== 0 });
      if (exitCode !== 0 && server) note(`logs kept in ${server.dir}`);
    })());
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    note(`${signal}: stopping`);
    exitCode = code;
    void stopAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', onSignal('SIGINT', 130));
  process.once('SIGTERM', onSignal('SIGTERM', 143));

  let settle!: { exit: (code: number) => void; fail: (err: Error) => void };
  const finished = new Promise<number>((exit, fail) => (settle = { exit, fail }));
  finished.catch(() => undefined); // handled below; a failure may come before we await it
  const timer = setTimeout(() => settle.fail(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  try {
    server = await startCodeServer({ smokeTestDriver: true });
    note(`code-server ready at ${server.url}`);
    server.exited.then(() => settle.fail(new Error('code-server exited during the run')));
    browser = await launchBrowser({ ownSignals: true });
    const { page } = browser;
    await page.exposeFunction('codeAutomationExit', (code: number) => settle.exit(code));
    await page.exposeFunction('codeAutomationLog', forwardLog);
    page.on('crash', () => settle.fail(new Error('the workbench page crashed')));
    page.on('pageerror', (err) => note(`page error: ${err.message}`));
    await Promise.race([page.goto(workbenchUrl(server, request)), finished]);
    note('workbench page loaded');
    exitCode = await finished;
    note(`tests finished with exit code ${exitCode}`);
  } catch (err) {
    // After a signal, errors are the shutdown's own (an aborted page load): keep the signal's exit code.
    if (!stopping) {
      exitCode = 1;
      note(`failed: ${(err as Error).message}`);
    }
  } finally {
    clearTimeout(timer);
    await stopAll();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    note(`failed: ${(err as Error).stack}`);
    process.exit(1);
  },
);
