// Issue-13 number: what VS Code's own components (@vscode-elements, lit), codicons and the highlighter
// cost the webviews. Side by side in one run: the webview bundles (chat panel, Engine view) built
// minified from a commit before them (PYLOT_BENCH_BASE, default the commit this work started from,
// read with `git archive`) and from this tree, raw and gzipped, plus the codicon font and stylesheet
// the panels now load. Prints sizes and ratios; no assertions.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { table } from './stats';

const root = path.resolve(import.meta.dirname, '../../..');
const base = process.env.PYLOT_BENCH_BASE ?? 'b890fb3';
const entries = { 'chat.js': 'webview-ui/chat/main.ts', 'webview.js': 'webview-ui/main.ts' };

/** Minified bundle bytes (raw, gzipped) of each entry, built from the sources under `tree`. */
async function sizes(tree: string): Promise<Record<string, { raw: number; gzip: number }>> {
  const out: Record<string, { raw: number; gzip: number }> = {};
  for (const [name, entry] of Object.entries(entries)) {
    const result = await esbuild.build({
      entryPoints: [path.join(tree, entry)],
      bundle: true,
      minify: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      legalComments: 'none',
      logLevel: 'error',
      // The old tree is sources only: its packages resolve from this checkout's node_modules.
      nodePaths: [path.join(root, 'node_modules')],
      define: { PYLOT_VERSION: '"bench"' },
    });
    const bytes = result.outputFiles[0]!.contents;
    out[name] = { raw: bytes.length, gzip: gzipSync(bytes).length };
  }
  return out;
}

const before = mkdtempSync(path.join(tmpdir(), 'pylot-bench-webview-'));
try {
  const archive = execFileSync('git', ['archive', base, 'webview-ui', 'protocol'], { cwd: root, maxBuffer: 64 << 20 });
  execFileSync('tar', ['-x', '-C', before], { input: archive });
  const [old, now] = [await sizes(before), await sizes(root)];
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows = [['bundle', `before (${base}) raw`, 'gzip', 'after raw', 'gzip', 'after/before (gzip)']];
  for (const name of Object.keys(entries))
    rows.push([name, kb(old[name]!.raw), kb(old[name]!.gzip), kb(now[name]!.raw), kb(now[name]!.gzip), (now[name]!.gzip / old[name]!.gzip).toFixed(2)]);
  const codicons = ['codicon.css', 'codicon.ttf'].map((file) => path.join(root, 'node_modules/@vscode/codicons/dist', file));
  for (const file of codicons) {
    const bytes = readFileSync(file);
    rows.push([`${path.basename(file)} (new)`, '—', '—', kb(statSync(file).size), kb(gzipSync(bytes).length), '—']);
  }
  console.log('Webview bundles, minified (esbuild), before and after the component library:');
  console.log(table(rows));
} finally {
  rmSync(before, { recursive: true, force: true });
}
