// One Pylot workbench for a UI test: a fresh workspace folder holding the test's files, a hermetic
// code-server with the packaged .vsix installed, and Chromium showing that folder — opened together,
// closed together, and whatever had started closed again if a later step fails.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, waitForStatusBarItem, waitForWorkbench, type BrowserSession } from './browser';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';

/** Tests run bundled from out/test/<layer>/, so the repository is three folders up. */
const root = path.resolve(import.meta.dirname, '../../..');
/** What `node scripts/package.mjs --out out/pylot.vsix` builds: the extension as a user installs it. */
export const packagedVsix = path.join(root, 'out/pylot.vsix');

export interface WorkbenchOptions extends Pick<CodeServerOptions, 'settings' | 'machineSettings'> {
  /** Names the workspace's temp folder (`pylot-ui-<name>-…`), so a leftover one says whose it is. */
  name: string;
  /** The workspace's files, by path relative to it. */
  files: Record<string, string>;
  /** Also wait (up to this many ms) for Pylot's status bar item: its commands exist once it shows. */
  pylotReadyMs?: number;
}

export interface Workbench {
  /** The workspace folder VS Code has open. */
  readonly workspace: string;
  readonly server: CodeServer;
  readonly browser: BrowserSession;
  readonly page: Page;
  /** Closes Chromium, stops code-server (its logs kept for a failed test) and removes the workspace. */
  close(opts: { keepLogs: boolean }): Promise<void>;
}

export async function openWorkbench(opts: WorkbenchOptions): Promise<Workbench> {
  const workspace = await mkdtemp(path.join(tmpdir(), `pylot-ui-${opts.name}-`));
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  const close = async ({ keepLogs }: { keepLogs: boolean }) => {
    await browser?.close();
    await server?.stop({ keepLogs });
    await rm(workspace, { recursive: true, force: true });
  };
  try {
    for (const [name, text] of Object.entries(opts.files)) {
      await mkdir(path.dirname(path.join(workspace, name)), { recursive: true });
      await writeFile(path.join(workspace, name), text);
    }
    server = await startCodeServer({ extensions: [packagedVsix], settings: opts.settings, machineSettings: opts.machineSettings });
    browser = await launchBrowser();
    const page = browser.page;
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    if (opts.pylotReadyMs !== undefined) await waitForStatusBarItem(page, 'Pylot', opts.pylotReadyMs);
    return { workspace, server, browser, page, close };
  } catch (error) {
    await close({ keepLogs: true });
    throw error;
  }
}
