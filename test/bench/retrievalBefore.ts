// The context engine as it was before the import-resolution work (a pinned commit), bundled from
// git history into out/ so the retrieval bench can score it beside today's in one run. Nothing is
// downloaded: git reads this repository, esbuild bundles locally.
import type { ContextService } from '../../sidecar/context/contextService';
import { importFromHistory } from './fromHistory';

/** The engine before issue "resolve": main when the work began. */
export const beforeCommit = process.env.PYLOT_BENCH_BEFORE ?? '9ece847db87bfb412fdae2b9a0c2a27e9bcc0824';

type ServiceClass = new (
  documents: ConstructorParameters<typeof ContextService>[0],
) => Pick<ContextService, 'candidatesAt' | 'assemble' | 'warm' | 'signals' | 'dispose'>;

/** The old ContextService class, or undefined (with the reason) when git history is not at hand. */
export async function beforeEngine(repoRoot: string): Promise<{ Service?: ServiceClass; reason?: string }> {
  const { module, reason } = await importFromHistory<{ ContextService: ServiceClass }>({
    repoRoot,
    commit: beforeCommit,
    folder: beforeCommit.slice(0, 12),
    bundle: 'contextService.mjs',
    entry: 'sidecar/context/contextService.ts',
    build: {
      target: 'node20',
      external: ['web-tree-sitter', 'usearch', 'node-llama-cpp'],
      banner: { js: "import { createRequire as __pylotRequire } from 'node:module'; const require = __pylotRequire(import.meta.url);" },
    },
  });
  return { Service: module?.ContextService, reason };
}
