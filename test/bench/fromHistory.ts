// A module of this repository as it was at an earlier commit, for a bench that scores it beside
// today's code in one run: `git archive` of sidecar/ and protocol/ at that commit, bundled by esbuild
// into out/bench-before/<folder>/ once and reused. Nothing is downloaded: git reads this repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';

export interface FromHistory {
  repoRoot: string;
  commit: string;
  /** The cache folder under out/bench-before/. */
  folder: string;
  /** The bundle's file name in that folder. */
  bundle: string;
  /** The entry, relative to the archive's root; or `{ source }`, an entry module's own text (to re-export from several files). */
  entry: string | { source: string };
  /** esbuild options over the defaults (a bundled Node ESM module). */
  build?: Partial<BuildOptions>;
}

/** The old module, or the reason it cannot be had (no git history at hand, a failed build): a bench then prints "now" alone. */
export async function importFromHistory<T>(opts: FromHistory): Promise<{ module?: T; reason?: string }> {
  const dir = path.join(opts.repoRoot, 'out/bench-before', opts.folder);
  const bundle = path.join(dir, opts.bundle);
  try {
    if (!existsSync(bundle)) {
      mkdirSync(dir, { recursive: true });
      execFileSync('bash', ['-c', `git -C "${opts.repoRoot}" archive ${opts.commit} sidecar protocol | tar -x -C "${dir}"`]);
      let entry: string;
      if (typeof opts.entry === 'string') entry = path.join(dir, opts.entry);
      else writeFileSync((entry = path.join(dir, 'entry.ts')), opts.entry.source);
      const esbuild = await import('esbuild');
      await esbuild.build({ entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning', ...opts.build });
    }
    return { module: (await import(pathToFileURL(bundle).href)) as T };
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}
