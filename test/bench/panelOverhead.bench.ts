// Issue #13's panel overhead: from Enter in the chat composer to the first answer character in the
// panel (real code-server, the packaged .vsix, Chromium), against the same prompt sent straight to
// the sidecar over its IPC (request → first streamed text) and the model's own first token
// (node-llama-cpp in this process). The three alternate round by round; every round asks a question
// of its own, the same one on each path, so each path's KV cache holds what the others' hold. Two
// models: a scripted one (a first token in milliseconds: the pipeline's fixed cost) and the
// ~0.5B-shaped bench model (a CPU's realistic first token). Packages out/pylot.vsix from dist/ first.
// The panel path types the question as a user does and pauses before Enter, so the panel reads the
// draft ahead (chat/warm); the sidecar path is asked cold, and, as a second row, after the same
// warm (a question of its own, so neither sidecar row finds the other's words in its cache).
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getLlama, LlamaChat } from 'node-llama-cpp';
import type { Frame, Page } from 'playwright-core';
import { settingDefaults } from '../../protocol/settings';
import { Generate, GenerateDelta, LoadModel, WarmChat } from '../../protocol/sidecar';
import { chatHistory } from '../../sidecar/engine/local/llamaChatHistory';
import { benchModel, scriptedModel } from '../fixtures/models';
import { launchBrowser, runCommand, waitForStatusBarItem, waitForWorkbench, webviewFrame } from '../rig/browser';
import { startCodeServer } from '../rig/codeServer';
import { startHarness } from '../sidecar/harness';
import { stageRows, type PanelTiming, type StageTimes } from './panelStages';
import { median, percentile, table } from './stats';

const root = path.resolve(import.meta.dirname, '../../..');
const threads = Number(process.env.PYLOT_BENCH_THREADS ?? 1);
const rounds = Number(process.env.PYLOT_BENCH_ROUNDS ?? 6);
/** How long the user pauses between the last keystroke and Enter (the panel posts the draft 400 ms into it). */
const pauseMs = Number(process.env.PYLOT_BENCH_PAUSE_MS ?? 1500);
const contextSize = 4096;
const timeout = 180_000;
// What extension/chat/askBackend.ts sends for an Ask turn with no attachments.
const systemPrompt = (await readFile(path.join(root, 'media/prompts/chat/ask.md'), 'utf8')).trim();
const askRequest = (question: string) => ({
  role: 'chat' as const,
  messages: [
    { role: 'system' as const, content: systemPrompt },
    { role: 'user' as const, content: question },
  ],
  fitToContext: true,
  maxTokens: Math.min(2048, Math.floor(contextSize / 4)),
  temperature: 0.3,
});
/** The first answer character: the first text that is not white space (the panel shows nothing else). */
const shows = (text: string) => text.trim().length > 0;

/** The DOM the in-page probe uses (the tests compile without DOM types). */
/** Frame-clock stamps: Enter down, the question shown in the transcript (the host's echo), the answer's first character. */
interface Probe {
  enter?: number;
  /** Enter on the clock the host's stamps use (protocol/turnTiming.ts). */
  enterEpoch?: number;
  echo?: number;
  first?: number;
}

interface ProbeGlobals {
  document: {
    body: unknown;
    addEventListener(type: 'keydown', listener: (event: { key: string }) => void, capture: boolean): void;
    removeEventListener(type: 'keydown', listener: (event: { key: string }) => void, capture: boolean): void;
    querySelector(selectors: string): unknown;
    querySelectorAll(selectors: string): ArrayLike<{ textContent: string | null; querySelector(selectors: string): unknown }>;
  };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, boolean>): void; disconnect(): void };
  performance: { now(): number; timeOrigin: number };
  pylotProbe?: Probe;
  pylotTurnTiming?: PanelTiming;
}

/**
 * Runs in the panel's frame: notes when Enter goes down, when the host has echoed the question into
 * the (new, empty) transcript, and when the newest reply first shows text instead of its "Thinking…" placeholder. Both stamps are on the frame's own clock.
 */
function armProbe(): void {
  const g = globalThis as unknown as ProbeGlobals;
  const probe: Probe = {};
  g.pylotProbe = probe;
  const onKey = (event: { key: string }) => {
    if (event.key === 'Enter' && probe.enter === undefined) {
      probe.enter = g.performance.now();
      probe.enterEpoch = g.performance.timeOrigin + probe.enter;
    }
  };
  g.document.addEventListener('keydown', onKey, true);
  const observer = new g.MutationObserver(() => {
    if (probe.enter === undefined) return;
    if (probe.echo === undefined && g.document.querySelector('.turn.user')) probe.echo = g.performance.now();
    const replies = g.document.querySelectorAll('.turn.assistant .markdown');
    const reply = replies[replies.length - 1];
    if (!reply || reply.querySelector('.thinking') || !reply.textContent?.trim()) return;
    probe.first = g.performance.now();
    observer.disconnect();
    g.document.removeEventListener('keydown', onKey, true);
  });
  observer.observe(g.document.body, { childList: true, subtree: true, characterData: true });
}

interface Paths {
  panel(question: string): Promise<number>;
  sidecar(question: string): Promise<number>;
  /** The same request after chat/warm of it (the warm itself not counted: it runs while the user pauses). */
  sidecarWarm(question: string): Promise<number>;
  model(question: string): Promise<number>;
}

const models = [
  { label: 'scripted chat model (64-d)', file: await scriptedModel('Here is how.', { name: 'chat-panel-bench' }) },
  { label: '0.5B-shaped bench model, Q8_0', file: await benchModel() },
];

// The panel runs what a user installs, built from this checkout's dist/.
const vsix = path.join(root, 'out/pylot.vsix');
if (spawnSync(process.execPath, ['scripts/package.mjs', '--out', vsix], { cwd: root, stdio: 'inherit' }).status !== 0)
  throw new Error('packaging the .vsix failed');
const workspace = await mkdtemp(path.join(tmpdir(), 'pylot-bench-panel-'));
const server = await startCodeServer({
  extensions: [vsix],
  machineSettings: { 'pylot.models.chat': models[0]!.file, 'pylot.threads': threads, 'pylot.contextSize': contextSize },
  // The host stamps each turn's stages and hands them to the panel (debug only; protocol/turnTiming.ts).
  env: { PYLOT_TURN_TIMING: '1' },
});
const browser = await launchBrowser();
const harness = startHarness({
  settings: () => ({
    threads,
    gpu: settingDefaults.gpu,
    flashAttention: settingDefaults['advanced.flashAttention'],
    kvCacheType: settingDefaults['advanced.kvCacheType'],
  }),
});
const llama = await getLlama({ build: 'never', maxThreads: threads });
const results: string[][] = [['path (median of rounds)', 'ms', 'p90 ms', '÷ sidecar']];
const summary: string[] = [];
/** Per panel round: Enter → the question echoed by the host, before the sidecar is asked. */
const echoMs: number[] = [];
/** Per panel round: each stage's stamp, in ms after Enter. */
let stageTimes: StageTimes[] = [];
const breakdowns: string[] = [];

try {
  const page = browser.page;
  await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  await waitForStatusBarItem(page, 'Pylot', timeout);
  await runCommand(page, 'Pylot: Open Chat');
  const panel = await webviewFrame(page, 'Pylot Chat');
  await panel.getByLabel('Message to Pylot').waitFor({ timeout });
  await harness.sidecar.ensureStarted();

  let serial = 0;
  for (const [index, { label, file }] of models.entries()) {
    if (index) await useChatModel(panel, file);
    const paths = await openPaths(page, panel, file);
    // The first question loads the model on every path and fills its cache with the system prompt.
    for (const run of Object.values(paths)) await run(`Warm-up ${serial++}: what is a closure?`);
    echoMs.length = 0;
    stageTimes = [];
    const times: Record<keyof Paths, number[]> = { panel: [], sidecar: [], sidecarWarm: [], model: [] };
    for (let round = 0; round < rounds; round++) {
      const question = `Question ${10 + (serial++ % 90)}: how do I add two numbers in TypeScript?`;
      // Its own question of the same length: the warm row must not find the cold row's words cached, nor the other way round.
      const other = `Question ${10 + (serial++ % 90)}: how do I add two numbers in TypeScript?`;
      // Rotate the order so no path always runs first on a machine that is busy with the last.
      const order = (['panel', 'sidecar', 'sidecarWarm', 'model'] as const).map((_, i, all) => all[(i + round) % all.length]!);
      for (const name of order) times[name].push(await paths[name](name === 'sidecarWarm' ? other : question));
    }
    const sidecarMs = median(times.sidecar);
    const row = (name: string, values: number[], ratio = true) => [
      name,
      median(values).toFixed(1),
      percentile(values, 90).toFixed(1),
      ratio ? (median(values) / sidecarMs).toFixed(3) : '',
    ];
    results.push(
      [`${label}:`, '', '', ''],
      row('  Enter → first character in the panel', times.panel),
      row('    of which Enter → question shown (host round trip)', echoMs, false),
      row('  request → first delta, straight to the sidecar', times.sidecar),
      row('  request → first delta, straight to the sidecar after chat/warm', times.sidecarWarm),
      row("  the model's own first token (node-llama-cpp)", times.model),
    );
    breakdowns.push(`${label}: where the panel's time goes (ms after Enter; medians of ${rounds} rounds)\n${table(stageRows(stageTimes))}`);
    const overheadMs = median(times.panel) - sidecarMs;
    const paired = median(times.panel.map((ms, i) => ms / times.sidecar[i]!));
    const warmMs = median(times.sidecarWarm);
    const pairedWarm = median(times.panel.map((ms, i) => ms / times.sidecarWarm[i]!));
    summary.push(
      `${label}: panel (typed, paused ${pauseMs} ms) ÷ sidecar cold ${(median(times.panel) / sidecarMs).toFixed(3)} (median of pairs ${paired.toFixed(3)}), overhead ${overheadMs.toFixed(1)} ms = ${((overheadMs / sidecarMs) * 100).toFixed(1)} % (target ≤ 5 %)`,
      `${label}: panel ÷ sidecar warmed the same way ${(median(times.panel) / warmMs).toFixed(3)} (median of pairs ${pairedWarm.toFixed(3)})`,
    );
  }
} finally {
  await browser.close();
  await server.stop();
  await harness.sidecar.dispose();
  await llama.dispose();
  await rm(workspace, { recursive: true, force: true });
}

console.log(`\nPylot panel overhead bench — ${threads} llama.cpp thread(s), ${contextSize}-token context, ${rounds} rounds, Ask mode, a new chat each round\n`);
console.log(table(results));
console.log(`\n${breakdowns.join('\n\n')}`);
console.log(`\n${summary.join('\n')}`);

/** The three ways to ask `file` a question; each resolves to the milliseconds until the first answer character. */
async function openPaths(page: Page, panel: Frame, file: string): Promise<Paths> {
  await harness.sidecar.request(LoadModel, { role: 'chat', source: { kind: 'file', path: file }, contextSize });
  const own = await llama.loadModel({ modelPath: file });
  const context = await own.createContext({ contextSize, threads });
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  const paths: Paths = {
    async panel(question) {
      // The empty chat's own note: `.empty` alone also matches slots inside the last reply's buttons.
      await runCommand(page, 'Pylot: New Chat');
      await panel.locator('.transcript > p.empty').waitFor({ timeout });
      const input = panel.getByLabel('Message to Pylot');
      // Typed as a person does, then a pause: the panel posts the draft and the host has it read ahead.
      await input.pressSequentially(question, { delay: 20 });
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await panel.evaluate(armProbe);
      await input.press('Enter');
      await panel.waitForFunction(() => (globalThis as unknown as ProbeGlobals).pylotProbe?.first !== undefined, undefined, { timeout });
      const probe = await panel.evaluate(() => (globalThis as unknown as ProbeGlobals).pylotProbe!);
      // The host's stamps come right after the first delta; the paint stamp after the next frame.
      await panel.waitForFunction(() => (globalThis as unknown as ProbeGlobals).pylotTurnTiming?.webview.painted !== undefined, undefined, { timeout });
      const timing = await panel.evaluate(() => (globalThis as unknown as ProbeGlobals).pylotTurnTiming!);
      stageTimes.push({ ...timing, enter: probe.enterEpoch!, shown: probe.enterEpoch! + (probe.first! - probe.enter!) });
      // A long answer is stopped as a person would; a short one may have ended already.
      await panel
        .getByRole('button', { name: 'Stop' })
        .click({ timeout: 2000 })
        .catch(() => undefined);
      await panel.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout });
      echoMs.push(probe.echo! - probe.enter!);
      return probe.first! - probe.enter!;
    },
    async sidecarWarm(question) {
      const { messages, maxTokens } = askRequest(question);
      await harness.sidecar.request(WarmChat, { messages, maxTokens });
      return paths.sidecar(question);
    },
    async sidecar(question) {
      const streamId = `bench-${question}`;
      const abort = new AbortController();
      let text = '';
      let first: number | undefined;
      const unsubscribe = harness.sidecar.onNotification(GenerateDelta, (delta) => {
        if (delta.streamId !== streamId || first !== undefined) return;
        text += delta.text;
        if (shows(text)) {
          first = performance.now();
          abort.abort();
        }
      });
      const started = performance.now();
      try {
        await harness.sidecar.request(Generate, { ...askRequest(question), streamId }, { signal: abort.signal }).catch((error: unknown) => {
          if (!abort.signal.aborted) throw error;
        });
      } finally {
        unsubscribe();
      }
      if (first === undefined) throw new Error(`the sidecar answered "${question}" with no text`);
      return first - started;
    },
    async model(question) {
      const abort = new AbortController();
      let text = '';
      let first: number | undefined;
      const started = performance.now();
      const { maxTokens, temperature, messages } = askRequest(question);
      await chat.generateResponse(chatHistory(messages), {
        maxTokens,
        temperature,
        signal: abort.signal,
        stopOnAbortSignal: true,
        onTextChunk(chunk) {
          text += chunk;
          if (first === undefined && shows(text)) {
            first = performance.now();
            abort.abort();
          }
        },
      });
      if (first === undefined) throw new Error(`node-llama-cpp answered "${question}" with no text`);
      return first - started;
    },
  };
  return paths;
}

/** Switches the panel's chat model as a user would, through the settings, and waits until the panel names it. */
async function useChatModel(panel: Frame, file: string): Promise<void> {
  const settingsFile = path.join(server.userDataDir, 'Machine', 'settings.json');
  const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>;
  await writeFile(settingsFile, JSON.stringify({ ...settings, 'pylot.models.chat': file }));
  await panel.locator('.model', { hasText: path.basename(file) }).waitFor({ timeout });
}
