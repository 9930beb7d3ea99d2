// Reciprocal rank fusion: each ranking gives a document 1/(k + rank); documents found by both
// rankings rise. Scores of different kinds (BM25, cosine) never need to be calibrated.
export const rrfK = 60;

export interface Fused<T> {
  readonly item: T;
  readonly score: number;
  /** 1-based rank in each input ranking that contained it. */
  readonly ranks: ReadonlyArray<number | undefined>;
}

export function reciprocalRankFusion<T>(rankings: ReadonlyArray<readonly T[]>, limit: number, k = rrfK): Array<Fused<T>> {
  const fused = new Map<T, { score: number; ranks: Array<number | undefined>; first: number }>();
  rankings.forEach((ranking, which) => {
    ranking.forEach((item, index) => {
      let entry = fused.get(item);
      if (!entry) {
        entry = { score: 0, ranks: rankings.map(() => undefined), first: fused.size };
        fused.set(item, entry);
      }
      if (entry.ranks[which] !== undefined) return;
      entry.ranks[which] = index + 1;
      entry.score += 1 / (k + index + 1);
    });
  });
  return [...fused.entries()]
    .sort(([, x], [, y]) => y.score - x.score || x.first - y.first)
    .slice(0, limit)
    .map(([item, entry]) => ({ item, score: entry.score, ranks: entry.ranks }));
}
