// Issue-14 numbers: how the agent reads small models' tool calls, over the corpus of real shapes
// (test/unit/golden/toolCalls/corpus.json), today's reader beside the one before issue 14 (bundled
// from git history), in one run. Per entry: a call read as the right call, an unreadable call sent
// to the repair turn (one grammar-constrained turn with the error) instead of shown to the user as
// the answer, an answer kept as the answer.
import { isDeepStrictEqual } from 'node:util';
import { parseReply } from '../../sidecar/agent/parseReply';
import { outcomeOf, toolCallCorpus, type CorpusEntry } from '../fixtures/toolCallCorpus';
import { repoRoot } from '../sidecar/harness';
import { importFromHistory } from './fromHistory';
import { table } from './stats';

/** main when issue 14 began. */
const beforeCommit = process.env.PYLOT_BENCH_BEFORE ?? '9a28263';

type Parse = typeof parseReply;

async function beforeParser(): Promise<{ parse?: Parse; reason?: string }> {
  const { module, reason } = await importFromHistory<{ parseReply: Parse }>({
    repoRoot,
    commit: beforeCommit,
    folder: `toolCalls-${beforeCommit}`,
    bundle: 'parseReply.mjs',
    entry: 'sidecar/agent/parseReply.ts',
  });
  return { parse: module?.parseReply, reason };
}

const corpus = toolCallCorpus();
const kinds = {
  call: corpus.filter((e) => 'call' in e.expect),
  repair: corpus.filter((e) => 'repair' in e.expect),
  answer: corpus.filter((e) => 'answer' in e.expect),
};

function score(parse: Parse) {
  const right = (entries: CorpusEntry[]) => entries.filter((e) => isDeepStrictEqual(outcomeOf(parse(e.text)), e.expect)).length;
  const shownAsAnswer = (entries: CorpusEntry[]) => entries.filter((e) => parse(e.text).kind === 'answer').length;
  const failedFamilies = [...new Set(kinds.call.filter((e) => !isDeepStrictEqual(outcomeOf(parse(e.text)), e.expect)).map((e) => e.family))];
  return {
    calls: right(kinds.call),
    repairs: right(kinds.repair),
    answers: right(kinds.answer),
    callsShownAsAnswer: shownAsAnswer([...kinds.call, ...kinds.repair]),
    failedFamilies,
  };
}

const pct = (n: number, of: number) => `${n}/${of} (${Math.round((100 * n) / of)} %)`;
const before = await beforeParser();
const now = score(parseReply);
const then = before.parse ? score(before.parse) : undefined;
console.log(`\nTool calls over the corpus: ${corpus.length} replies, ${new Set(corpus.map((e) => e.family)).size} formats/families`);
console.log(
  table([
    ['', `before (${beforeCommit})`, 'now'],
    ['calls read as the right call', then ? pct(then.calls, kinds.call.length) : '–', pct(now.calls, kinds.call.length)],
    ['unreadable calls sent to the repair turn', then ? pct(then.repairs, kinds.repair.length) : '–', pct(now.repairs, kinds.repair.length)],
    ['answers kept as answers', then ? pct(then.answers, kinds.answer.length) : '–', pct(now.answers, kinds.answer.length)],
    ['calls shown to the user as the answer', then ? String(then.callsShownAsAnswer) : '–', String(now.callsShownAsAnswer)],
  ]),
);
if (then) console.log(`formats the old reader missed: ${then.failedFamilies.join(', ') || 'none'}`);
else console.log(`(before: ${before.reason})`);
console.log(`formats the reader misses now: ${now.failedFamilies.join(', ') || 'none'}`);
