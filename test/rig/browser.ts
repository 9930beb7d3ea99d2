// Headless Debian Chromium driven by playwright-core (no browser download), and the workbench
// gestures UI tests share: waiting for the workbench, quick open, palette, status bar, ghost text, screenshots.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Frame, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root in CI
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Generous: the workbench took 4–10 s to load on 2 busy cores. */
const UI_TIMEOUT_MS = 60_000;

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Closes Chromium and removes its fresh profile. */
  close(): Promise<void>;
}

/**
 * `ownSignals`: the caller handles SIGINT/SIGTERM/SIGHUP itself and closes the browser; otherwise Playwright
 * does, and its SIGINT handler then exits the process (code 130) before any cleanup of the caller's runs.
 */
export async function launchBrowser(opts: { ownSignals?: boolean } = {}): Promise<BrowserSession> {
  // A fresh profile each time; Playwright refuses --user-data-dir in args, so it is the first parameter.
  const profileDir = await mkdtemp(join(tmpdir(), 'pylot-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      handleSIGINT: !opts.ownSignals,
      handleSIGTERM: !opts.ownSignals,
      handleSIGHUP: !opts.ownSignals,
      // Chromium's crash handler writes under $XDG_CONFIG_HOME/chromium: keep that in the fresh profile too.
      env: { ...process.env, XDG_CONFIG_HOME: join(profileDir, 'xdg-config'), XDG_CACHE_HOME: join(profileDir, 'xdg-cache') },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      context,
      page,
      close: async () => {
        await context.close().catch(() => undefined);
        await rm(profileDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(profileDir, { recursive: true, force: true });
    throw err;
  }
}

export async function waitForWorkbench(page: Page, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Opens a workspace file through quick open (Ctrl+P) and waits for its editor tab to be active. */
export async function openFile(page: Page, relativePath: string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  const name = relativePath.split('/').pop() ?? relativePath;
  const input = await openQuickInput(page, 'Control+P', timeoutMs);
  await input.fill(relativePath);
  // File search runs on the server: wait until the file is listed before accepting.
  await quickInputRow(page, name).waitFor({ state: 'visible', timeout: timeoutMs });
  await input.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.editor-instance .monaco-editor.focused').waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Runs a command by its palette title (Ctrl+Shift+P), e.g. "Pylot: Show Status". A command that
 * opens a quick pick of its own leaves the widget open: pass `opensQuickPick`.
 */
export async function runCommand(page: Page, title: string, timeoutMs = UI_TIMEOUT_MS, opensQuickPick = false): Promise<void> {
  const input = await openQuickInput(page, 'Control+Shift+P', timeoutMs);
  await input.fill(`>${title}`);
  const row = quickInputRow(page, title)
    .filter({ hasText: new RegExp(`^${escapeRegExp(title)}`) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
  if (opensQuickPick) await row.waitFor({ state: 'detached', timeout: timeoutMs });
  else await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Runs a command from the palette with the keyboard alone: Ctrl+Shift+P, its title, Enter. */
export async function runCommandByKeyboard(page: Page, title: string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await openQuickInput(page, 'Control+Shift+P', timeoutMs);
  // The palette opens with its ">" already typed.
  await page.keyboard.type(title);
  // The first row is the one Enter runs: wait until it is the command.
  await quickInputRow(page, title).first().waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.quick-input-widget .monaco-list-row').first().filter({ hasText: title }).waitFor({ timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/**
 * The document of the webview whose page title is exactly `title` ("Pylot Chat", "Pylot Engine").
 * Views of one container each have their own iframe, and the workbench's markup does not say which
 * view an iframe belongs to: the page's own title does.
 */
export async function webviewFrame(page: Page, title: string, timeoutMs = UI_TIMEOUT_MS): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.parentFrame()) {
        const frameTitle = await frame.title().catch(() => undefined);
        if (frameTitle === title && !frame.isDetached()) return frame;
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview titled "${title}" within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Opens the chat panel with its command; its frame, once the composer shows (within `timeoutMs`). */
export async function openChatPanel(page: Page, timeoutMs = UI_TIMEOUT_MS): Promise<Frame> {
  await runCommand(page, 'Pylot: Open Chat');
  const panel = await webviewFrame(page, 'Pylot Chat');
  await panel.getByLabel('Message to Pylot').waitFor({ timeout: timeoutMs });
  return panel;
}

/** Picks a mode ("Agent", "Ask"…) in the chat panel's Mode dropdown, as a person would: open it, click the option. */
export async function chooseChatMode(panel: Frame, label: string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await panel.getByRole('combobox', { name: 'Mode' }).click({ timeout: timeoutMs });
  await panel.getByRole('option', { name: label, exact: true }).click({ timeout: timeoutMs });
  await panel.getByRole('combobox', { name: 'Mode' }).filter({ hasText: label }).waitFor({ timeout: timeoutMs });
}

/** The mode the chat panel's Mode dropdown shows. */
export async function chatMode(panel: Frame): Promise<string> {
  return (await panel.getByRole('combobox', { name: 'Mode' }).innerText()).trim();
}

/** Waits until the Mode dropdown offers Agent (it does once the agent is wired in). */
export async function waitForAgentMode(panel: Frame, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  await panel.locator('vscode-option[value="agent"]:not([disabled])').waitFor({ state: 'attached', timeout: timeoutMs });
}

/** The name of what has the focus in the webview (through the components' shadow roots). */
export function focusedName(panel: Frame): Promise<string> {
  return panel.evaluate(() => {
    type Focusable = {
      shadowRoot: { activeElement: Focusable | null } | null;
      getRootNode(): { host?: Focusable };
      getAttribute(name: string): string | null;
      textContent: string | null;
    };
    let active = (globalThis as unknown as { document: { activeElement: Focusable | null } }).document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const host = active?.getRootNode().host;
    return (active?.getAttribute('aria-label') || host?.getAttribute('aria-label') || host?.getAttribute('label') || active?.textContent || '').trim();
  });
}

export async function waitForFocus(panel: Frame, name: string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await focusedName(panel)) !== name) {
    if (Date.now() > deadline) throw new Error(`the focus never reached "${name}" (it is on "${await focusedName(panel)}")`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A status bar item whose text starts with `prefix`. */
export function statusBarItem(page: Page, prefix: string): Locator {
  return page
    .locator('.part.statusbar .statusbar-item')
    .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(prefix)}`) })
    .first();
}

export async function waitForStatusBarItem(page: Page, prefix: string, timeoutMs = UI_TIMEOUT_MS): Promise<Locator> {
  const item = statusBarItem(page, prefix);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return item;
}

/** Inline-suggestion ghost text in the active editor. */
export function ghostText(page: Page): Locator {
  return page.locator('.monaco-editor.focused').locator('.ghost-text-decoration, .ghost-text');
}

export async function waitForGhostText(page: Page, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  const ghost = ghostText(page).first();
  await ghost.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await ghostText(page).allTextContents()).join('');
}

export interface Screenshots {
  dir: string;
  /** Saves `NN-step.png`, numbered in the order taken; returns its path. */
  take(step: string): Promise<string>;
}

/** Screenshots of one test under out/test-results/ui/<test>/ (relative to the working directory). */
export async function screenshots(page: Page, testName: string, root = 'out/test-results/ui'): Promise<Screenshots> {
  const dir = resolve(root, slug(testName));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let count = 0;
  return {
    dir,
    take: async (step) => {
      count += 1;
      const file = join(dir, `${String(count).padStart(2, '0')}-${slug(step)}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
}

async function openQuickInput(page: Page, shortcut: string, timeoutMs: number): Promise<Locator> {
  await page.keyboard.press(shortcut);
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  return input;
}

function quickInputRow(page: Page, text: string): Locator {
  return page.locator('.quick-input-widget .monaco-list-row', { hasText: text });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '');
}

/** Polls a file on disk until `ready` accepts its text (what a saved editor wrote). */
export async function waitForFile(file: string, ready: (text: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await readFile(file, 'utf8');
    if (ready(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${file} never got the expected text; it has:\n${text}`);
}

export interface DiffText {
  /** The left side, line by line (the file as it is). */
  readonly original: readonly string[];
  /** The right side, line by line (the proposal). */
  readonly modified: readonly string[];
}

/**
 * Waits until the visible diff editor shows exactly these lines on both sides (trailing spaces and
 * trailing empty lines aside), and fails with what it does show. A diff editor that opened is not
 * a diff that is right: an empty right side once read as "delete the whole file".
 */
export async function expectDiff(page: Page, expected: DiffText, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  const diff = page.locator('.monaco-diff-editor').first();
  await diff.waitFor({ state: 'visible', timeout: timeoutMs });
  const side = async (name: 'original' | 'modified') =>
    trimLines(
      await diff.locator(`.editor.${name} .view-lines .view-line`).evaluateAll((lines) =>
        // Monaco positions its line elements absolutely: order them by where they are drawn.
        lines
          .map((line) => ({ top: parseFloat((line as unknown as { style: { top: string } }).style.top) || 0, text: line.textContent ?? '' }))
          .sort((a, b) => a.top - b.top)
          .map((line) => line.text),
      ),
    );
  const want = { original: trimLines(expected.original), modified: trimLines(expected.modified) };
  const deadline = Date.now() + timeoutMs;
  let seen: DiffText = { original: [], modified: [] };
  while (Date.now() < deadline) {
    seen = { original: await side('original'), modified: await side('modified') };
    if (JSON.stringify(seen) === JSON.stringify(want)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the diff editor shows\n${JSON.stringify(seen, null, 2)}\nnot\n${JSON.stringify(want, null, 2)}`);
}

function trimLines(lines: readonly string[]): string[] {
  const out = lines.map((line) => line.replace(/\u00a0/g, ' ').trimEnd());
  while (out.length && out.at(-1) === '') out.pop();
  return out;
}

export interface ReviewLine {
  readonly text: string;
  /** Drawn struck through: a line the change removes. */
  readonly struck: boolean;
}

/** The focused editor's lines as drawn (in order), each with whether it is struck through (the review editor's removed lines). */
export async function editorLines(page: Page): Promise<ReviewLine[]> {
  const lines = await page.locator('.editor-instance .monaco-editor.focused .view-lines .view-line').evaluateAll((elements) =>
    elements.map((line) => {
      // The test's tsconfig has no DOM lib: the page's own getComputedStyle, typed by hand.
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { textDecorationLine: string } }).getComputedStyle;
      return {
        top: parseFloat((line as unknown as { style: { top: string } }).style.top) || 0,
        text: (line.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd(),
        struck: [...line.querySelectorAll('span')].some((span) => style(span).textDecorationLine.includes('line-through')),
      };
    }),
  );
  const ordered = lines.sort((a, b) => a.top - b.top).map(({ text, struck }) => ({ text, struck }));
  while (ordered.length && ordered.at(-1)!.text === '') ordered.pop();
  return ordered;
}

/** Waits until the focused editor shows exactly `expected` (lines, and which are struck through), and fails with what it shows. */
export async function expectEditorLines(page: Page, expected: readonly ReviewLine[], timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: ReviewLine[] = [];
  while (Date.now() < deadline) {
    seen = await editorLines(page);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the editor shows\n${JSON.stringify(seen, null, 2)}\nnot\n${JSON.stringify(expected, null, 2)}`);
}
