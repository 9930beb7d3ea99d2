// How fast a loaded model runs on this machine: its prompt-evaluation (prefill) and generation
// (decode) rates, measured once at load on the model's own context sequence and kept in a small
// JSON file per model file + machine, so the completion service can size a cold prompt to a
// latency target (completion/coldPrompt.ts) without measuring again at every start. Each real
// generation then blends in what it showed: a machine busier or idler than at load is followed.
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineSpeed } from '../engine';
import type { Runtime } from '../runtime';
import { makeFolder } from '../../folders';
import { describeError, log } from '../../log';

/** Enough tokens for a rate that holds for a 2,000-token prompt, few enough for a 7B model on a CPU (~6 s). */
const prefillTokens = 128;
const decodeSteps = 6;
const fileName = 'speed.json';
/** Entries kept in the file: one per model file and machine setup; the oldest go first. */
const maxEntries = 32;

/** What the rates depend on: the file (path, size, date) and the machine (CPU or GPU, threads, llama.cpp). */
/** What a model's measured speed depends on besides the file: where it runs and with how many threads. */
export function machineOf(hardware: Runtime['hardware'], gpuLayers: number): string {
  const { backend, cpu, gpuDevices, engine } = hardware;
  return [backend, gpuDevices.join('+'), `${gpuLayers} layers`, cpu.model, `${cpu.threads} threads`, engine.llamaCpp].join('|');
}

export interface SpeedKeyParts {
  readonly modelPath: string;
  readonly machine: string;
}

export function speedKey({ modelPath, machine }: SpeedKeyParts): string {
  const file = statSync(modelPath);
  return `${modelPath}|${file.size}|${Math.round(file.mtimeMs)}|${machine}`;
}

/** The rates for `key` from `cacheDir`, else measured now (and saved when there is a folder to save in). */
export async function modelSpeed(model: LlamaModel, sequence: LlamaContextSequence, key: string, cacheDir: string | undefined): Promise<EngineSpeed> {
  const file = cacheDir ? path.join(cacheDir, fileName) : undefined;
  const saved = file ? readSpeeds(file) : {};
  const known = saved[key];
  if (known) return known;
  const speed = await measure(model, sequence);
  if (file && cacheDir) {
    try {
      const folder = makeFolder(cacheDir, 'the cache folder');
      const kept = Object.entries(saved).slice(-(maxEntries - 1));
      const temporary = path.join(folder, `${fileName}.${process.pid}.tmp`);
      writeFileSync(temporary, JSON.stringify(Object.fromEntries([...kept, [key, speed]]), null, 1));
      renameSync(temporary, path.join(folder, fileName));
    } catch (error) {
      log('warn', `The measured model speed could not be saved in ${cacheDir}: ${describeError(error)}`);
    }
  }
  return speed;
}

/** Entries that hold two positive rates; a damaged or hand-edited file counts as none. */
function readSpeeds(file: string): Record<string, EngineSpeed> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const valid: Record<string, EngineSpeed> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const speed = value as Partial<EngineSpeed> | null;
    const rate = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
    if (speed && rate(speed.prefillTokensPerSecond) && rate(speed.decodeTokensPerSecond))
      valid[key] = { prefillTokensPerSecond: speed.prefillTokensPerSecond!, decodeTokensPerSecond: speed.decodeTokensPerSecond! };
  }
  return valid;
}

export interface GenerationSample {
  readonly promptTokens: number;
  readonly tokens: number;
  /** From the start to the first text; undefined when no text came. */
  readonly firstTextMs?: number;
  readonly totalMs: number;
}

/** Prompts shorter than this say more about per-call costs than about the prefill rate. */
const minSamplePromptTokens = 32;

/** `speed` with what one generation showed blended in, half and half. */
export function refineSpeed(speed: EngineSpeed, sample: GenerationSample): EngineSpeed {
  const { promptTokens, tokens, firstTextMs, totalMs } = sample;
  if (firstTextMs === undefined || firstTextMs <= 0) return speed;
  const blend = (old: number, now: number) => Math.max(1, Math.round((old + now) / 2));
  const prefill =
    promptTokens >= minSamplePromptTokens ? blend(speed.prefillTokensPerSecond, promptTokens / (firstTextMs / 1000)) : speed.prefillTokensPerSecond;
  const decode =
    tokens >= 4 && totalMs > firstTextMs ? blend(speed.decodeTokensPerSecond, (tokens - 1) / ((totalMs - firstTextMs) / 1000)) : speed.decodeTokensPerSecond;
  return { prefillTokensPerSecond: prefill, decodeTokensPerSecond: decode };
}

async function measure(model: LlamaModel, sequence: LlamaContextSequence): Promise<EngineSpeed> {
  const text = Array.from({ length: 40 }, (_, i) => `export const value${i} = compute(${i}, "item ${i}");`).join('\n');
  const tokens = model.tokenize(text).slice(0, prefillTokens) as Token[];
  // The first evaluation pays one-time costs (buffers, repacking): not part of the rate.
  await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(0, 8));
  await sequence.clearHistory();
  let started = performance.now();
  await sequence.evaluateWithoutGeneratingNewTokens(tokens);
  const prefillSeconds = (performance.now() - started) / 1000;
  // One token at a time, as generation runs, after the prompt.
  started = performance.now();
  for (let step = 0; step < decodeSteps; step++) await sequence.evaluateWithoutGeneratingNewTokens([tokens[step % tokens.length]!]);
  const decodeSeconds = (performance.now() - started) / 1000;
  await sequence.clearHistory();
  return {
    prefillTokensPerSecond: Math.max(1, Math.round(tokens.length / Math.max(prefillSeconds, 1e-4))),
    decodeTokensPerSecond: Math.max(1, Math.round(decodeSteps / Math.max(decodeSeconds, 1e-4))),
  };
}
