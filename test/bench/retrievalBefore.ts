// The context engine as it was before the import-resolution work (a pinned commit), bundled from
// git history into out/ so the retrieval bench can score it beside today's in one run. Nothing is
// downloaded: git reads this repository, esbuild bundles locally.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContextService } from '../../sidecar/context/contextService';

/** The engine before issue "resolve": main when the work began. */
export const beforeCommit = process.env.PYLOT_BENCH_BEFORE ?? '9ece847db87bfb412fdae2b9a0c2a27e9bcc0824';

type ServiceClass = new (
  documents: ConstructorParameters<typeof ContextService>[0],
) => Pick<ContextService, 'candidatesAt' | 'assemble' | 'warm' | 'signals' | 'dispose'>;

/** The old ContextService class, or undefined (with the reason) when git history is not at hand. */
export async function beforeEngine(repoRoot: string): Promise<{ Service?: ServiceClass; reason?: string }> {
  const dir = path.join(repoRoot, 'out/bench-before', beforeCommit.slice(0, 12));
  const bundle = path.join(dir, 'contextService.mjs');
  try {
    if (!existsSync(bundle)) {
      mkdirSync(dir, { recursive: true });
      execFileSync('bash', ['-c', `git -C "${repoRoot}" archive ${beforeCommit} sidecar protocol | tar -x -C "${dir}"`]);
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: [path.join(dir, 'sidecar/context/contextService.ts')],
        outfile: bundle,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'warning',
        external: ['web-tree-sitter', 'usearch', 'node-llama-cpp'],
        banner: { js: "import { createRequire as __pylotRequire } from 'node:module'; const require = __pylotRequire(import.meta.url);" },
      });
    }
    const module = (await import(pathToFileURL(bundle).href)) as { ContextService: ServiceClass };
    return { Service: module.ContextService };
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}
