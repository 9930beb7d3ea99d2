// Retrieval benchmark, model-free, on real code in node_modules (TypeScript, JavaScript and any
// Python there): for functions whose body uses symbols imported from other files, hide the body,
// ask for context at the cursor, and score whether the definitions of those symbols come back —
// recall@5, recall@10, and recall within 1k and 2k tokens (4 chars a token). Side by side with the
// baseline Continue and Copilot use: 20-line windows (step 10) over the nearby files (the files this
// one imports, plus its folder's), ranked by Jaccard similarity with the 20 lines above the cursor.
//   PYLOT_BENCH_CORPUS (default: node_modules), PYLOT_BENCH_CASES (default 400)
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cutWindow } from '../../sidecar/completion/window';
import { fitBudget } from '../../sidecar/context/assemble';
import { ContextService, defaultTimeBoxMs } from '../../sidecar/context/contextService';
import { bestWindows, tokenSet } from '../../sidecar/context/jaccard';
import { TextDocument } from '../../sidecar/documents/store';
import { casesFrom, sourceFiles, type RetrievalCase, type Truth } from './retrievalCorpus';
import { table } from './stats';
import { readdirSync, readFileSync } from 'node:fs';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpus = realpathSync(process.env.PYLOT_BENCH_CORPUS ?? path.join(repoRoot, 'node_modules'));
const wantedCases = Number(process.env.PYLOT_BENCH_CASES ?? 400);
const perFile = 2;
const perPackage = 30;
const budgets = { '1k': 4_000, '2k': 8_000 };

interface Span {
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
  readonly filename: string;
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

function packageOf(file: string): string {
  const parts = path.relative(corpus, file).split(path.sep);
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
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

async function collectCases(): Promise<RetrievalCase[]> {
  const cases: RetrievalCase[] = [];
  const perPackageCount = new Map<string, number>();
  for (const file of shuffled(sourceFiles(corpus))) {
    if (cases.length >= wantedCases) break;
    const pkg = packageOf(file);
    const taken = perPackageCount.get(pkg) ?? 0;
    if (taken >= perPackage) continue;
    const fromFile = (await casesFrom(file, perFile)).slice(0, perPackage - taken);
    perPackageCount.set(pkg, taken + fromFile.length);
    cases.push(...fromFile);
  }
  return cases;
}

/** The baseline: Jaccard-ranked windows over the imported files and the file's folder. */
function jaccardWindows(c: RetrievalCase): Span[] {
  const dir = path.dirname(c.file);
  const siblings = readdirSync(dir).filter((name) => /\.(ts|js|mjs|cjs|py)$/.test(name) && !name.endsWith('.d.ts')).slice(0, 10).map((name) => path.join(dir, name));
  const files = [...new Set([...c.importedFiles, ...siblings])].filter((f) => f !== c.file);
  const before = c.text.slice(0, c.offset).split('\n');
  const query = tokenSet(before.slice(-20).join('\n'));
  const windows: Span[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const w of bestWindows(text, query, 50)) windows.push({ file, startLine: w.startLine, endLine: w.endLine, text: w.text, filename: path.relative(corpus, file), score: w.score } as Span & { score: number });
  }
  return windows.sort((a, b) => (b as Span & { score: number }).score - (a as Span & { score: number }).score);
}

async function engineRanked(service: ContextService, c: RetrievalCase, timeBoxMs: number): Promise<{ ranked: Span[]; ms: number }> {
  const document = new TextDocument(pathToFileURL(c.file).href, c.languageId, 1, c.text);
  open.set(document.uri, document);
  const started = performance.now();
  const { ranked } = await service.candidatesAt(document, cutWindow(c.text, c.offset), timeBoxMs);
  const ms = performance.now() - started;
  open.delete(document.uri);
  return { ranked, ms };
}

const open = new Map<string, TextDocument>();
let explained = 0;
/** PYLOT_BENCH_DEBUG=1: what the engine returned for symbols it missed in its top 10. */
const missKinds = { absent: 0, below5: 0 };
function explainMisses(c: RetrievalCase, ranked: readonly Span[]): void {
  for (const truth of c.truths) {
    if (!found(ranked.slice(0, 5), truth)) missKinds[found(ranked, truth) ? 'below5' : 'absent']++;
    if ((process.env.PYLOT_BENCH_DEBUG === 'absent' ? found(ranked, truth) : found(ranked.slice(0, 5), truth)) || explained++ > 60) continue;
    const rel = (f: string) => path.relative(corpus, f);
    const rank = ranked.findIndex((s) => found([s], truth));
    console.log(`MISS ${truth.symbol} @ ${rel(truth.file)}:${truth.line + 1} in ${rel(c.file)}; rank ${rank + 1} of ${ranked.length}: ${ranked.slice(0, 6).map((s) => `${rel(s.file)}:${s.startLine + 1}-${s.endLine + 1}`).join(', ')}`);
  }
}
const started = performance.now();
const cases = await collectCases();
const collectedMs = performance.now() - started;
const languages = [...new Set(cases.map((c) => c.languageId))].sort();

const engine = new Scores();
const engineTimeBoxed = new Scores();
const baseline = new Scores();
const byLanguage = new Map<string, { engine: Scores; baseline: Scores }>();
const unlimited = new ContextService({ peek: (uri) => open.get(uri) });
const boxed = new ContextService({ peek: (uri) => open.get(uri) });
for (const service of [unlimited, boxed]) service.boundary.setWorkspace([corpus]);
for (const c of cases) {
  const { ranked } = await engineRanked(unlimited, c, 10_000);
  engine.add(ranked, c.truths);
  if (process.env.PYLOT_BENCH_DEBUG) explainMisses(c, ranked);
  engineTimeBoxed.add((await engineRanked(boxed, c, defaultTimeBoxMs)).ranked, c.truths);
  const windows = jaccardWindows(c);
  baseline.add(windows, c.truths);
  const group = byLanguage.get(c.languageId) ?? { engine: new Scores(), baseline: new Scores() };
  group.engine.add(ranked, c.truths);
  group.baseline.add(windows, c.truths);
  byLanguage.set(c.languageId, group);
}
unlimited.dispose();
boxed.dispose();

const packages = new Set(cases.map((c) => packageOf(c.file))).size;
console.log(`retrieval: ${cases.length} functions from ${packages} packages (${languages.join(', ')}), ${engine.symbols} imported symbols used in hidden bodies; corpus ${corpus} (collected in ${(collectedMs / 1000).toFixed(1)} s)`);
const row = (name: string, s: Scores) => [name, String(s.symbols), ...(['at5', 'at10', '1k', '2k'] as const).map((k) => s.recall(k).toFixed(3))];
console.log(table([
  ['method', 'symbols', 'recall@5', 'recall@10', 'recall@1k tok', 'recall@2k tok'],
  row('pylot context (no time box)', engine),
  row(`pylot context (${defaultTimeBoxMs} ms time box, cold caches)`, engineTimeBoxed),
  row('jaccard windows (baseline)', baseline),
  ...[...byLanguage].flatMap(([language, group]) => [row(`  ${language}: pylot`, group.engine), row(`  ${language}: jaccard`, group.baseline)]),
]));
// A perfect ranker still misses symbols beyond the k-th when a body uses more than k of them.
const ceiling = (k: number) => cases.reduce((sum, c) => sum + Math.min(k, c.truths.length), 0) / Math.max(1, engine.symbols);
if (process.env.PYLOT_BENCH_DEBUG) console.log(`misses at 5: ${missKinds.absent} never returned, ${missKinds.below5} ranked below 5`);
console.log(`ceiling (a perfect ranker): recall@5 ${ceiling(5).toFixed(3)}, recall@10 ${ceiling(10).toFixed(3)}`);
const ratio = engine.recall('at5') / Math.max(baseline.recall('at5'), 1e-9);
console.log(`recall@5 pylot / jaccard = ${ratio.toFixed(1)}× (target ≥ 5×); recall@10 = ${engine.recall('at10').toFixed(3)} (target ≥ 0.75)`);
