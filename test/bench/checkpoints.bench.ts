// Issue-14 numbers: what a checkpoint costs for a turn that changes 3 files in a 10,000-file
// workspace, in time and bytes, three ways side by side in one run:
// - bounded (extension/agent/checkpoints.ts): the exact bytes of the 3 files, copied on first write;
// - Pylot before (the previous Checkpoints): the 3 files' text kept in memory, without cap or budget;
// - a shadow git repository (the way Cline and others checkpoint): `git add -A` + `git commit` of the
//   whole workspace into a repository of its own, first turn and a later turn.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Checkpoints } from '../../extension/agent/checkpoints';
import { median, table } from './stats';

const ws = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-bench-checkpoints-')));
const shadowRoot = realpathSync(mkdtempSync(path.join(tmpdir(), 'pylot-bench-shadow-')));
const rounds = 5;
try {
  // 10,000 files of 1–16 KiB of source-like text (~85 MB).
  let total = 0;
  for (let i = 0; i < 10_000; i++) {
    const dir = path.join(ws, `pkg${i % 100}`, `mod${Math.floor(i / 100) % 10}`);
    if (i < 1000) mkdirSync(dir, { recursive: true });
    const text = `export const value${i} = ${i};\n`.repeat(40 + ((i * 7919) % 540));
    writeFileSync(path.join(dir, `file${i}.ts`), text);
    total += Buffer.byteLength(text);
  }
  const touched = [0, 4321, 9999].map((i) => path.join(ws, `pkg${i % 100}`, `mod${Math.floor(i / 100) % 10}`, `file${i}.ts`));
  const edit = (round: number) => touched.forEach((file) => writeFileSync(file, readFileSync(file, 'utf8') + `// round ${round}\n`));

  const bounded: number[] = [];
  let boundedBytes = 0;
  for (let round = 0; round < rounds; round++) {
    const checkpoints = new Checkpoints(() => ({ maxBytes: 64 * 1024 * 1024, budgetMs: 3000 }));
    checkpoints.begin('t', 'bench');
    const started = performance.now();
    for (const file of touched) await checkpoints.record('t', { absolute: file, relative: path.relative(ws, file), root: ws }, readFileSync(file, 'utf8'));
    bounded.push(performance.now() - started);
    boundedBytes = checkpoints.heldBytes();
  }

  // The previous Checkpoints kept the text the tool had already read: the cost was the strings held.
  const before: number[] = [];
  let beforeBytes = 0;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const held = new Map(touched.map((file) => [file, readFileSync(file, 'utf8')]));
    before.push(performance.now() - started);
    beforeBytes = [...held.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  }

  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', path.join(shadowRoot, '.git'), '--work-tree', ws, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], {
      stdio: 'ignore',
    });
  execFileSync('git', ['init', '-q', shadowRoot]);
  const shadowTurn = (round: number) => {
    const started = performance.now();
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', `turn ${round}`);
    return performance.now() - started;
  };
  const shadowFirst = shadowTurn(0);
  const shadowBytesFirst = folderBytes(path.join(shadowRoot, '.git'));
  const shadowLater: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    edit(round);
    shadowLater.push(shadowTurn(round));
  }
  const shadowBytes = folderBytes(path.join(shadowRoot, '.git'));

  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const b = median(bounded);
  console.log(`\nCheckpoint of a turn touching 3 files in a 10,000-file workspace (${(total / 1024 / 1024).toFixed(0)} MB), median of ${rounds}`);
  console.log(
    table([
      ['way', 'time per turn', 'bytes held', 'time ratio vs bounded', 'bytes ratio vs bounded'],
      ['bounded (copy-on-first-write, capped)', ms(b), kb(boundedBytes), '1.00×', '1.00×'],
      [
        'Pylot before (text in memory, no cap)',
        ms(median(before)),
        kb(beforeBytes),
        `${(median(before) / b).toFixed(2)}×`,
        `${(beforeBytes / boundedBytes).toFixed(2)}×`,
      ],
      ['shadow git, first turn', ms(shadowFirst), kb(shadowBytesFirst), `${(shadowFirst / b).toFixed(0)}×`, `${(shadowBytesFirst / boundedBytes).toFixed(0)}×`],
      [
        'shadow git, later turn',
        ms(median(shadowLater)),
        `${kb((shadowBytes - shadowBytesFirst) / rounds)} more`,
        `${(median(shadowLater) / b).toFixed(0)}×`,
        `${((shadowBytes - shadowBytesFirst) / rounds / boundedBytes).toFixed(2)}×`,
      ],
    ]),
  );
} finally {
  rmSync(ws, { recursive: true, force: true });
  rmSync(shadowRoot, { recursive: true, force: true });
}

function folderBytes(folder: string): number {
  let sum = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) sum += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return sum;
}
