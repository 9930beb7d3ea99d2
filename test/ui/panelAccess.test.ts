// The chat panel's look and access, in Chromium against the packaged .vsix: in the dark, light and
// high-contrast themes the webview's body carries the theme's class and its controls take the
// theme's own colours (screenshots of each under out/test-results/ui/panel-themes/), axe-core finds
// nothing serious or critical inside the webview, and a person with only a keyboard asks a question
// and puts the answer's code into the file with Insert at cursor.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { blocking, runAxe } from '../rig/axe';
import { focusedName, openFile, runCommand, runCommandByKeyboard, screenshots, waitForFile, waitForFocus, webviewFrame } from '../rig/browser';
import { openWorkbench, type Workbench } from '../rig/workbench';
import { scriptedModel } from '../fixtures/models';

const root = path.resolve(import.meta.dirname, '../../..');
const timeout = 180_000;
// The same fenced block as chat.test.ts: "\r" breaks the line without a "\n" token.
const codeScript = '```ts\rreturn a + b;';
const themes = [
  // Names as the Color Theme picker lists them.
  { name: 'Dark Modern', bodyClass: 'vscode-dark' },
  { name: 'Light Modern', bodyClass: 'vscode-light' },
  { name: 'Dark High Contrast', bodyClass: 'vscode-high-contrast' },
] as const;

/** A colour as computed by the browser from a `--vscode-*` variable, next to what a control shows. */
interface Themed {
  variable: string;
  value: string;
  shown: string;
}

describe('the chat panel in each theme and by keyboard', { timeout: 15 * 60_000 }, () => {
  let workbench: Workbench;
  let workspace: string;
  let page: Page;
  let passed = 0;

  before(async () => {
    const codeModel = await scriptedModel(codeScript, { name: 'chat-code' });
    workbench = await openWorkbench({
      name: 'access',
      files: { 'math.ts': 'export function add(a: number, b: number): number {\n  \n}\n' },
      machineSettings: { 'pylot.models.chat': codeModel, 'pylot.threads': 1 },
      pylotReadyMs: timeout,
    });
    ({ workspace, page } = workbench);
  });

  after(() => workbench?.close({ keepLogs: passed < 2 }));

  it('keyboard only: asks, then Insert at cursor puts the code into the file', async () => {
    const shots = await screenshots(page, 'panel-keyboard');
    await openFile(page, 'math.ts');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await runCommandByKeyboard(page, 'Pylot: Open Chat');
    const panel = await webviewFrame(page, 'Pylot Chat');
    await panel.getByLabel('Message to Pylot').waitFor({ timeout });
    // The command leaves the focus in the composer: typing goes there.
    await waitForFocus(panel, 'Message to Pylot', timeout);
    await page.keyboard.type('How do I add a and b?');
    await page.keyboard.press('Enter');
    await panel.locator('.turn.assistant .usage', { hasText: 'tokens generated' }).waitFor({ timeout });
    await waitForFocus(panel, 'Message to Pylot', timeout); // back in the composer when the turn ended
    await shots.take('answered');
    // Shift+Tab walks back from the composer into the answer, to its code block's actions.
    for (let step = 0; step < 25 && (await focusedName(panel)) !== 'Insert at cursor'; step++) await page.keyboard.press('Shift+Tab');
    assert.equal(await focusedName(panel), 'Insert at cursor');
    await shots.take('insert-focused');
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor.focused').waitFor({ timeout });
    await page.keyboard.press('Control+S');
    const saved = await waitForFile(path.join(workspace, 'math.ts'), (text) => text.includes('return a + b;'));
    assert.equal(saved, 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    await shots.take('inserted');
    passed++;
  });

  it("takes the theme's class and colours in dark, light and high contrast; axe finds nothing serious", async () => {
    const shots = await screenshots(page, 'panel-themes');
    await runCommandByKeyboard(page, 'Pylot: Open Chat');
    const panel = await webviewFrame(page, 'Pylot Chat');
    await panel.locator('.turn.assistant .code-block code .hljs-keyword').waitFor({ timeout });
    const seen = new Map<string, Themed[]>();
    for (const theme of themes) {
      await setColorTheme(theme.name);
      await panel
        .locator(`body.${theme.bodyClass}`)
        .waitFor({ state: 'attached', timeout: 60_000 })
        .catch(async (error: unknown) => {
          throw new Error(`${theme.name}: the webview's body is "${await panel.locator('body').getAttribute('class')}"`, { cause: error });
        });
      const colours = await themedColours(panel);
      for (const colour of colours) {
        assert.ok(colour.value, `${theme.name} defines ${colour.variable}`);
        assert.equal(colour.shown, colour.value, `${theme.name}: ${colour.variable}`);
      }
      seen.set(theme.name, colours);
      const file = await shots.take(theme.bodyClass);
      const axe = await runAxe(panel);
      console.log(
        `axe in the chat webview, ${theme.name}: ${JSON.stringify(axe.counts)} nodes by impact; ${axe.violations.map((v) => `${v.impact} ${v.id}`).join(', ') || 'none'}; screenshot ${path.relative(root, file)}`,
      );
      assert.deepEqual(blocking(axe), [], `${theme.name}: no serious or critical axe violations`);
    }
    const [dark, light] = [seen.get(themes[0].name)!, seen.get(themes[1].name)!];
    assert.notEqual(dark[0]!.shown, light[0]!.shown, 'the text colour follows the theme');
    passed++;
  });

  /** Preferences: Color Theme, the theme's name, Enter — as a person switches it. */
  const setColorTheme = async (name: string) => {
    await runCommand(page, 'Preferences: Color Theme', timeout, true);
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(name);
    await page.locator('.quick-input-widget .monaco-list-row').first().filter({ hasText: name }).waitFor({ timeout: 30_000 });
    await input.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
  };
});

/**
 * Each pair: a theme variable resolved by the browser (through a probe element, so "#0078d4" and
 * "rgb(0, 120, 212)" compare equal) and the colour a control of the panel computes.
 */
function themedColours(panel: Frame): Promise<Themed[]> {
  return panel.evaluate(() => {
    type Styled = { shadowRoot: { querySelector(s: string): Styled | null } | null; style: Record<string, string> };
    const doc = (
      globalThis as unknown as {
        document: { body: { append(n: unknown): void }; createElement(t: string): Styled & { remove(): void }; querySelector(s: string): Styled | null };
      }
    ).document;
    const computed = (element: Styled | null, property: string) =>
      element ? (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(element)[property]! : '';
    const resolve = (variable: string, property: string) => {
      const probe = doc.createElement('span');
      probe.style[property] = `var(${variable})`;
      doc.body.append(probe);
      const value = computed(probe, property);
      probe.remove();
      const raw = (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(p: string): string } })
        .getComputedStyle((globalThis as unknown as { document: { documentElement: unknown } }).document.documentElement)
        .getPropertyValue(variable)
        .trim();
      return raw ? value : '';
    };
    const send = doc.querySelector('vscode-button.send');
    const base = send?.shadowRoot?.querySelector('.base') ?? null;
    return [
      { variable: '--vscode-foreground', value: resolve('--vscode-foreground', 'color'), shown: computed(doc.querySelector('body'), 'color') },
      { variable: '--vscode-button-background', value: resolve('--vscode-button-background', 'backgroundColor'), shown: computed(base, 'backgroundColor') },
      { variable: '--vscode-button-foreground', value: resolve('--vscode-button-foreground', 'color'), shown: computed(base, 'color') },
      {
        variable: '--vscode-debugTokenExpression-name',
        value: resolve('--vscode-debugTokenExpression-name', 'color'),
        shown: computed(doc.querySelector('.code-block .hljs-keyword'), 'color'),
      },
    ];
  });
}
