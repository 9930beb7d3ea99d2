// Keystroke-path context assembly on a 5,000-file workspace (generated: TypeScript modules that
// import each other, some Python packages): an editing session opens documents one after another
// and types in them; every keystroke assembles context the way an inline completion does, with
// open tabs, edits, visits and the clipboard reported. Prints p50/p95/max of the whole assembly
// (cold caches included: each file's first visit reads and parses its imports) against the 30 ms
// target, and how often the time box cut a source short — for today's engine and, keystroke by
// keystroke in the same run, for the engine before the import-resolution work (retrievalBefore.ts).
//   PYLOT_BENCH_FILES (default 5000), PYLOT_BENCH_DOCUMENTS (default 20), PYLOT_BENCH_KEYS (default 25), PYLOT_BENCH_COLD=1
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cutWindow } from '../../sidecar/completion/window';
import { ContextService, defaultTimeBoxMs } from '../../sidecar/context/contextService';
import { TextDocument } from '../../sidecar/documents/store';
import { beforeCommit, beforeEngine } from './retrievalBefore';
import { percentile, table } from './stats';

const fileCount = Number(process.env.PYLOT_BENCH_FILES ?? 5000);
const documentCount = Number(process.env.PYLOT_BENCH_DOCUMENTS ?? 20);
const keysPerDocument = Number(process.env.PYLOT_BENCH_KEYS ?? 25);
const modulesPerFolder = 50;

/** A deterministic pseudo-random sequence. */
let seed = 11;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = (n: number) => Math.floor(random() * n);

function typescriptModule(index: number, total: number): string {
  const imports = Array.from({ length: 4 + pick(6) }, () => pick(total)).filter((other) => other !== index);
  const lines = [...new Set(imports)].map((other) => `import { compute${other}, Shape${other} } from '${relative(index, other)}';`);
  lines.push('', `export interface Shape${index} {`, '  id: number;', '  name: string;', '  weight?: number;', '}', '');
  for (let f = 0; f < 4 + pick(6); f++) {
    lines.push(`export function ${f === 0 ? `compute${index}` : `helper${index}_${f}`}(input: Shape${index}, factor = ${f}): number {`);
    for (let s = 0; s < 6 + pick(12); s++) {
      const other = imports[pick(imports.length)];
      lines.push(
        other !== undefined && random() < 0.3
          ? `  const v${s} = compute${other}({ id: ${s}, name: 'x' } as Shape${other});`
          : `  const v${s} = input.id * factor + ${s};`,
      );
    }
    lines.push('  return input.id * factor;', '}', '');
  }
  return lines.join('\n');
}

function pythonModule(index: number, total: number, offset: number): string {
  const imports = [...new Set(Array.from({ length: 3 + pick(4) }, () => offset + pick(total)))].filter((other) => other !== offset + index);
  const lines = imports.map((other) => `from pkg${Math.floor(other / modulesPerFolder)}.m${other} import compute${other}`);
  for (let f = 0; f < 4 + pick(5); f++) {
    lines.push('', '', `def ${f === 0 ? `compute${offset + index}` : `helper_${f}`}(item, factor=${f}):`);
    for (let s = 0; s < 5 + pick(10); s++)
      lines.push(`    v${s} = ${imports.length && random() < 0.3 ? `compute${imports[pick(imports.length)]}(item)` : `item * ${s}`}`);
    lines.push('    return item * factor');
  }
  return `${lines.join('\n')}\n`;
}

function relative(from: number, to: number): string {
  const dir = (i: number) => `src/f${Math.floor(i / modulesPerFolder)}`;
  const rel = path.relative(dir(from), dir(to)) || '.';
  return `${rel.startsWith('.') ? rel : `./${rel}`}/m${to}`;
}

function fileOf(i: number, tsCount: number): string {
  return i < tsCount ? `src/f${Math.floor(i / modulesPerFolder)}/m${i}.ts` : `pkg${Math.floor(i / modulesPerFolder)}/m${i}.py`;
}

const root = mkdtempSync(path.join(tmpdir(), 'pylot-context-bench-'));
const tsCount = Math.round(fileCount * 0.8);
const generateStart = performance.now();
writeFileSync(path.join(root, 'package.json'), '{}');
for (let i = 0; i < fileCount; i++) {
  const file = path.join(root, fileOf(i, tsCount));
  mkdirSync(path.dirname(file), { recursive: true });
  if (i >= tsCount && i % modulesPerFolder === 0) writeFileSync(path.join(path.dirname(file), '__init__.py'), '');
  writeFileSync(file, i < tsCount ? typescriptModule(i, tsCount) : pythonModule(i - tsCount, fileCount - tsCount, tsCount));
}
const generatedMs = performance.now() - generateStart;

const open = new Map<string, TextDocument>();
const { Service: Before, reason: noBefore } = await beforeEngine(path.resolve(import.meta.dirname, '../../..'));
interface Engine {
  readonly name: string;
  readonly service: Pick<ContextService, 'assemble' | 'warm' | 'signals' | 'dispose'>;
  readonly timings: number[];
  readonly firstVisit: number[];
  /** CPU time of the sidecar process per assembly: what the work costs when the machine's cores are shared. */
  readonly cpuTimings: number[];
  timedOut: number;
  withImported: number;
}
const engine = (name: string, service: Engine['service']): Engine => ({
  name,
  service,
  timings: [],
  firstVisit: [],
  cpuTimings: [],
  timedOut: 0,
  withImported: 0,
});
const now = new ContextService({ peek: (uri) => open.get(uri) });
now.setWorkspace([root]);
const engines = [engine('now', now), ...(Before ? [engine(`before (${beforeCommit.slice(0, 7)})`, new Before({ peek: (uri) => open.get(uri) }))] : [])];
const sessionStart = performance.now();
for (let d = 0; d < documentCount; d++) {
  const index = d % 5 === 4 ? tsCount + pick(fileCount - tsCount) : pick(tsCount);
  const name = fileOf(index, tsCount);
  const uri = pathToFileURL(path.join(root, name)).href;
  const document = new TextDocument(uri, name.endsWith('.py') ? 'python' : 'typescript', 1, readFileSync(path.join(root, name), 'utf8'));
  open.set(uri, document);
  const at = Date.now();
  const openTabs = [...open.keys()].reverse().slice(0, 10);
  for (const { service } of engines) {
    // The extension reports the new tab about 0.4 s after it opens, which warms its context; the
    // first keystroke comes after that (PYLOT_BENCH_COLD=1 types at once instead).
    if (!process.env.PYLOT_BENCH_COLD) await service.warm([uri]);
    service.signals.update({
      openTabs,
      visited: [...open.keys()].slice(-5).map((u, i) => ({ uri: u, startLine: 0, endLine: 40, at: at - i * 1000 })),
      clipboard: { text: 'input.id * factor', at },
    });
  }
  // Type into a function body near the middle of the file, one key at a time.
  let offset = document.text.indexOf('return input', document.text.length / 2);
  if (offset < 0) offset = document.text.indexOf('return item');
  for (let k = 0; k < keysPerDocument; k++) {
    document.apply({ range: { start: positionAt(document.text, offset), end: positionAt(document.text, offset) }, text: 'x' });
    document.version++;
    offset++;
    // Both engines on every keystroke, in alternating order, so a busy moment of the machine falls on both alike.
    for (const e of k % 2 ? [...engines].reverse() : engines) {
      e.service.signals.update({
        edited: [{ uri, startLine: positionAt(document.text, offset).line, endLine: positionAt(document.text, offset).line, at: Date.now() }],
      });
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await e.service.assemble(document, cutWindow(document.text, offset));
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      e.timings.push(ms);
      e.cpuTimings.push((cpu.user + cpu.system) / 1000);
      if (k === 0) e.firstVisit.push(ms);
      if (result.timedOut) e.timedOut++;
      if (result.snippets.some((snippet) => snippet.source === 'imported')) e.withImported++;
    }
  }
}
const sessionMs = performance.now() - sessionStart;
for (const { service } of engines) service.dispose();
rmSync(root, { recursive: true, force: true });

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const row = (name: string, values: number[]) => [
  name,
  String(values.length),
  percentile(values, 50).toFixed(1),
  percentile(values, 95).toFixed(1),
  percentile(values, 99).toFixed(1),
  Math.max(...values).toFixed(1),
];
console.log(
  `context assembly: ${fileCount} files (${tsCount} TypeScript, ${fileCount - tsCount} Python; generated in ${(generatedMs / 1000).toFixed(1)} s), ${documentCount} documents × ${keysPerDocument} keystrokes in ${(sessionMs / 1000).toFixed(1)} s; time box ${defaultTimeBoxMs} ms${noBefore ? `; the engine before is not available: ${noBefore}` : ''}`,
);
console.log(
  table([
    ['assemblies', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    ...engines.flatMap((e) => [
      row(`${e.name}: every keystroke`, e.timings),
      row(`${e.name}: every keystroke, CPU time`, e.cpuTimings),
      row(`${e.name}: first in a document${process.env.PYLOT_BENCH_COLD ? ' (cold)' : ' (after warm-up)'}`, e.firstVisit),
    ]),
  ]),
);
console.log(
  `load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores: wall time includes waiting for a core`,
);
for (const e of engines)
  console.log(
    `${e.name}: p95 ${percentile(e.timings, 95).toFixed(1)} ms vs the 30 ms target (${(percentile(e.timings, 95) / 30).toFixed(2)}× of it); time box cut a source short in ${((100 * e.timedOut) / e.timings.length).toFixed(1)} %; imported definitions present in ${((100 * e.withImported) / e.timings.length).toFixed(1)} % of assemblies`,
  );
