// Retrieval benchmark, model-free, on real code already on this machine (retrievalCorpora.ts):
// TypeScript and JavaScript from node_modules, Python, C and C++ from llama.cpp, Rust and C from
// numkong. For functions whose body uses symbols imported from other files of the project, hide the
// body, ask for context at the cursor, and score whether the definitions of those symbols come back
// — recall@5, recall@10, and recall within 1k and 2k tokens (4 chars a token) — per language, for
// today's engine, the engine before the import-resolution work (a pinned commit, bundled from git
// history: retrievalBefore.ts) and the baseline Continue and Copilot use: 20-line windows (step 10)
// over the nearby files (the files this one imports, plus its folder's), ranked by Jaccard
// similarity with the 20 lines above the cursor. Also the assembly time with the 20 ms time box, the
// first request for a file (cold) and the next one (warm, as on the next keystroke).
//   PYLOT_BENCH_CASES (node_modules cases, default 400), PYLOT_BENCH_ONLY (corpus names, comma-separated),
//   PYLOT_BENCH_CORPUS (the node_modules folder), PYLOT_BENCH_BEFORE (the commit to compare with)
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cutWindow } from '../../sidecar/completion/window';
import { fitBudget } from '../../sidecar/context/assemble';
import type { Candidate } from '../../sidecar/context/candidate';
import { ContextService, defaultTimeBoxMs } from '../../sidecar/context/contextService';
import { bestWindows, tokenSet } from '../../sidecar/context/jaccard';
import { TextDocument } from '../../sidecar/documents/store';
import { beforeCommit, beforeEngine } from './retrievalBefore';
import { llamaCorpus, nodeModulesCorpus, numkongCorpus, type Corpus } from './retrievalCorpora';
import { casesFrom, type RetrievalCase, type Truth } from './retrievalCorpus';
import { percentile, table } from './stats';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const only = process.env.PYLOT_BENCH_ONLY?.split(',');
const budgets = { '1k': 4_000, '2k': 8_000 };

interface Span {
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  readonly filename: string;
  readonly guess?: boolean;
}

const found = (spans: readonly Span[], truth: Truth) => spans.some((s) => s.file === truth.file && s.startLine <= truth.line && truth.line <= s.endLine);

class Scores {
  readonly hits = { at5: 0, at10: 0, '1k': 0, '2k': 0 };
  symbols = 0;
  add(ranked: readonly Span[], truths: readonly Truth[]): void {
    const within = { '1k': fitBudget(ranked, budgets['1k']), '2k': fitBudget(ranked, budgets['2k']) };
    for (const truth of truths) {
      this.symbols++;
      if (found(ranked.slice(0, 5), truth)) this.hits.at5++;
      if (found(ranked.slice(0, 10), truth)) this.hits.at10++;
      if (found(within['1k'], truth)) this.hits['1k']++;
      if (found(within['2k'], truth)) this.hits['2k']++;
    }
  }
  recall(key: keyof Scores['hits']): number {
    return this.symbols ? this.hits[key] / this.symbols : 0;
  }
}

/** A deterministic shuffle, so every run scores the same cases. */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function collectCases(corpus: Corpus): Promise<RetrievalCase[]> {
  const cases: RetrievalCase[] = [];
  for (const { files, cases: wanted } of corpus.languages) {
    const perPackageCount = new Map<string, number>();
    let taken = 0;
    for (const file of shuffled(files)) {
      if (taken >= wanted) break;
      const pkg = corpus.packageOf(file);
      const already = perPackageCount.get(pkg) ?? 0;
      if (already >= corpus.perPackage) continue;
      const fromFile = (await casesFrom(file, corpus.perFile, corpus.layout)).slice(0, Math.min(corpus.perPackage - already, wanted - taken));
      perPackageCount.set(pkg, already + fromFile.length);
      taken += fromFile.length;
      cases.push(...fromFile);
    }
  }
  return cases;
}

const sourceExtension = /\.(ts|js|mjs|cjs|py|c|h|cc|cpp|hpp|rs)$/;

/** The baseline: Jaccard-ranked windows over the imported files and the file's folder. */
function jaccardWindows(c: RetrievalCase, displayRoot: string): Span[] {
  const dir = path.dirname(c.file);
  const siblings = readdirSync(dir)
    .filter((name) => sourceExtension.test(name) && !name.endsWith('.d.ts'))
    .slice(0, 10)
    .map((name) => path.join(dir, name));
  const files = [...new Set([...c.importedFiles, ...siblings])].filter((f) => f !== c.file);
  const query = tokenSet(c.text.slice(0, c.offset).split('\n').slice(-20).join('\n'));
  const windows: Array<Span & { score: number }> = [];
  for (const file of files) {
    for (const w of bestWindows(readFileSync(file, 'utf8'), query, 50))
      windows.push({ file, startLine: w.startLine, endLine: w.endLine, text: w.text, filename: path.relative(displayRoot, file), score: w.score });
  }
  return windows.sort((a, b) => b.score - a.score);
}

const open = new Map<string, TextDocument>();
type Service = Pick<ContextService, 'candidatesAt' | 'dispose'>;

/**
 * The ranked candidates at the case's cursor for a sequence of requests with these time boxes, with
 * the file open in the editor throughout (its tree kept, as between keystrokes).
 */
async function ranked(service: Service, c: RetrievalCase, timeBoxes: readonly number[]): Promise<Array<{ ranked: Candidate[]; ms: number; cpuMs: number }>> {
  const document = new TextDocument(pathToFileURL(c.file).href, c.languageId, 1, c.text);
  open.set(document.uri, document);
  const results: Array<{ ranked: Candidate[]; ms: number; cpuMs: number }> = [];
  for (const timeBoxMs of timeBoxes) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { ranked: candidates } = await service.candidatesAt(document, cutWindow(c.text, c.offset), timeBoxMs);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    results.push({ ranked: candidates, ms, cpuMs: (used.user + used.system) / 1000 });
  }
  open.delete(document.uri);
  return results;
}

/** PYLOT_BENCH_DEBUG=<language>: where today's engine ranked the symbols it missed in its top 5. */
let explained = 0;
function explainMisses(c: RetrievalCase, spans: readonly Span[], root: string): void {
  if (process.env.PYLOT_BENCH_DEBUG !== c.languageId) return;
  const rel = (f: string) => path.relative(root, f);
  for (const truth of c.truths) {
    if (found(spans.slice(0, 5), truth) || explained++ > 80) continue;
    const rank = spans.findIndex((s) => found([s], truth));
    console.log(
      `MISS ${truth.symbol} @ ${rel(truth.file)}:${truth.line + 1} in ${rel(c.file)}; rank ${rank + 1} of ${spans.length}: ${spans
        .slice(0, 6)
        .map((s) => `${rel(s.file)}:${s.startLine + 1}-${s.endLine + 1}`)
        .join(', ')}`,
    );
  }
}

interface Group {
  readonly after: Scores;
  readonly boxed: Scores;
  readonly before: Scores;
  readonly baseline: Scores;
  readonly coldMs: number[];
  readonly warmMs: number[];
  readonly beforeWarmMs: number[];
  readonly warmCpuMs: number[];
  readonly beforeWarmCpuMs: number[];
  cases: number;
  /** What a perfect ranker finds in its top 5 (a body may use more than 5 symbols). */
  ceiling5: number;
}

function emptyGroup(): Group {
  return {
    after: new Scores(),
    boxed: new Scores(),
    before: new Scores(),
    baseline: new Scores(),
    coldMs: [],
    warmMs: [],
    beforeWarmMs: [],
    warmCpuMs: [],
    beforeWarmCpuMs: [],
    cases: 0,
    ceiling5: 0,
  };
}

const { Service: Before, reason: noBefore } = await beforeEngine(repoRoot);
const corpora = [
  nodeModulesCorpus(repoRoot, Number(process.env.PYLOT_BENCH_CASES ?? 400)),
  llamaCorpus(repoRoot, { python: 160, c: 80, cpp: 160 }),
  numkongCorpus(repoRoot, { rust: 120, c: 40 }),
].filter((c): c is Corpus => c !== undefined && (!only || only.includes(c.name)));

const groups = new Map<string, Group>();
const group = (key: string) => {
  let g = groups.get(key);
  if (!g) groups.set(key, (g = emptyGroup()));
  return g;
};
for (const corpus of corpora) {
  const started = performance.now();
  const cases = await collectCases(corpus);
  console.log(
    `${corpus.name}: ${cases.length} functions (${[...new Set(cases.map((c) => c.languageId))].join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s — ${corpus.note}`,
  );
  const peek = { peek: (uri: string) => open.get(uri) };
  const unlimited = new ContextService(peek);
  const boxed = new ContextService(peek);
  for (const service of [unlimited, boxed]) service.setWorkspace([corpus.root]);
  const before = Before && new Before(peek);
  for (const c of cases) {
    const g = group(c.languageId);
    g.cases++;
    // Each engine: every definition it can find (no time box), then the next keystroke's request,
    // warm, with the time box. Today's engine also from cold caches with the time box.
    const [now, nowWarm] = await ranked(unlimited, c, [10_000, defaultTimeBoxMs]);
    g.after.add(now!.ranked, c.truths);
    explainMisses(c, now!.ranked, corpus.root);
    g.ceiling5 += Math.min(5, c.truths.length);
    g.warmMs.push(nowWarm!.ms);
    g.warmCpuMs.push(nowWarm!.cpuMs);
    const [cold] = await ranked(boxed, c, [defaultTimeBoxMs]);
    g.boxed.add(cold!.ranked, c.truths);
    g.coldMs.push(cold!.ms);
    if (before) {
      const [then, thenWarm] = await ranked(before, c, [10_000, defaultTimeBoxMs]);
      if (process.env.PYLOT_BENCH_DIFF === c.languageId) {
        const rel = (f: string) => path.relative(corpus.root, f);
        for (const truth of c.truths) {
          const rankNow = now!.ranked.findIndex((s) => found([s], truth));
          const rankThen = then!.ranked.findIndex((s) => found([s], truth));
          if (rankThen >= 0 && rankThen < 10 && (rankNow < 0 || rankNow >= 10 || rankNow > rankThen + 2))
            console.log(
              `WORSE ${truth.symbol} @ ${rel(truth.file)}:${truth.line + 1} in ${rel(c.file)}: now ${rankNow + 1}, before ${rankThen + 1}; now top: ${now!.ranked
                .slice(0, 5)
                .map((x) => `${rel(x.file)}:${x.startLine + 1}${x.guess ? '?' : ''}`)
                .join(', ')}`,
            );
        }
      }
      g.before.add(then!.ranked, c.truths);
      g.beforeWarmMs.push(thenWarm!.ms);
      g.beforeWarmCpuMs.push(thenWarm!.cpuMs);
    }
    g.baseline.add(jaccardWindows(c, corpus.displayRoot), c.truths);
  }
  unlimited.dispose();
  boxed.dispose();
  before?.dispose();
}

const all = emptyGroup();
const keys = ['at5', 'at10', '1k', '2k'] as const;
const row = (name: string, s: Scores) => [name, String(s.symbols), ...keys.map((k) => s.recall(k).toFixed(3))];
const ratio = (a: Scores, b: Scores, key: (typeof keys)[number]) =>
  b.recall(key) > 0 ? `${(a.recall(key) / b.recall(key)).toFixed(2)}×` : a.recall(key) > 0 ? '∞' : '—';
const languages = [...groups.keys()].sort();
console.log(
  `\nRetrieval — recall per language: pylot now, pylot before (${beforeCommit.slice(0, 7)}${noBefore ? `: not available, ${noBefore}` : ''}), Jaccard windows\n`,
);
console.log(
  table([
    ['language / method', 'symbols', 'recall@5', 'recall@10', 'recall@1k tok', 'recall@2k tok'],
    ...languages.flatMap((language) => {
      const g = groups.get(language)!;
      return [
        row(`${language} (${g.cases} functions): pylot now`, g.after),
        row(`  pylot now, ${defaultTimeBoxMs} ms box, cold`, g.boxed),
        row(`  pylot before`, g.before),
        row(`  jaccard windows`, g.baseline),
      ];
    }),
  ]),
);
console.log(
  `\nRatios (now / before, now / Jaccard) and assembly time with the ${defaultTimeBoxMs} ms box: the first request for a file (cold caches), and the next keystroke's once the file's imports are read (warm)\n`,
);
console.log(
  table([
    [
      'language',
      '@5 ceiling',
      '@5 now/before',
      '@5 now/jaccard',
      '@10 now/before',
      '@10 now/jaccard',
      '1k now/before',
      '1k now/jaccard',
      'cold p50 / p95 ms',
      'warm p50 / p95 ms (CPU p95)',
      'before: warm p50 / p95 (CPU p95)',
    ],
    ...languages.map((language) => {
      const g = groups.get(language)!;
      for (const k of ['after', 'boxed', 'before', 'baseline'] as const) for (const hit of keys) all[k].hits[hit] += g[k].hits[hit];
      for (const k of ['after', 'boxed', 'before', 'baseline'] as const) all[k].symbols += g[k].symbols;
      all.coldMs.push(...g.coldMs);
      all.warmMs.push(...g.warmMs);
      all.beforeWarmMs.push(...g.beforeWarmMs);
      all.warmCpuMs.push(...g.warmCpuMs);
      all.beforeWarmCpuMs.push(...g.beforeWarmCpuMs);
      const p = (values: number[]) => `${percentile(values, 50).toFixed(1)} / ${percentile(values, 95).toFixed(1)}`;
      return [
        language,
        (g.ceiling5 / Math.max(1, g.after.symbols)).toFixed(3),
        ratio(g.after, g.before, 'at5'),
        ratio(g.after, g.baseline, 'at5'),
        ratio(g.after, g.before, 'at10'),
        ratio(g.after, g.baseline, 'at10'),
        ratio(g.after, g.before, '1k'),
        ratio(g.after, g.baseline, '1k'),
        p(g.coldMs),
        `${p(g.warmMs)} (${percentile(g.warmCpuMs, 95).toFixed(1)})`,
        `${p(g.beforeWarmMs)} (${percentile(g.beforeWarmCpuMs, 95).toFixed(1)})`,
      ];
    }),
  ]),
);
console.log(
  `\nall languages: recall@5 now ${all.after.recall('at5').toFixed(3)}, before ${all.before.recall('at5').toFixed(3)}, Jaccard ${all.baseline.recall('at5').toFixed(3)}; recall@10 now ${all.after.recall('at10').toFixed(3)}; warm assembly p95 ${percentile(all.warmMs, 95).toFixed(1)} ms wall, ${percentile(all.warmCpuMs, 95).toFixed(1)} ms CPU (before: ${percentile(all.beforeWarmMs, 95).toFixed(1)} ms wall, ${percentile(all.beforeWarmCpuMs, 95).toFixed(1)} ms CPU); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
);
