// Next-edit prompt formats, one per model family: Zed's Zeta, Continue's Instinct, Sweep's
// next-edit models, each laid out as the model was trained (editable-region markers, a cursor
// marker, the user's recent edits), and a fallback for plain instruct models that asks for the
// rewritten region as JSON under a grammar. The family is chosen from the model's special tokens
// and its GGUF name (general.name), the way completion/templates.ts chooses a FIM template.
// Every prompt is split at the cursor (head | tail): what the user types there goes between the
// two, so a prompt built once stays byte-identical before the cursor (anchor.ts's idea).

export type NextEditFamily = 'zeta' | 'instinct' | 'sweep' | 'instruct';

/** One recent edit, as historyDiffs.ts prints it. */
export interface EditEvent {
  readonly filename: string;
  /** A unified diff with `--- a/name` / `+++ b/name` headers. */
  readonly diff: string;
}

/** The document around the cursor, cut into what the prompt shows. Regions are whole lines. */
export interface RegionInput {
  readonly filename: string;
  /** The excerpt's lines above the editable region (ends with a line break, or empty). */
  readonly above: string;
  /** The editable region up to the cursor, and from the cursor to its end (no final line break). */
  readonly regionHead: string;
  readonly regionTail: string;
  /** The excerpt's lines below the region (empty, or starts after the region's line break). */
  readonly below: string;
  /** The excerpt starts at the start of the file. */
  readonly atFileStart: boolean;
  /** 1-based first and last line of the region. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** The region as it was before the user's last edit (Sweep shows it). */
  readonly original: string;
  /** Recent edits, oldest first. */
  readonly events: readonly EditEvent[];
}

export interface NextEditPrompt {
  /** Everything before the cursor in the region; typing at the cursor appends to it. */
  readonly head: string;
  readonly tail: string;
}

export interface NextEditFormat {
  readonly family: NextEditFamily;
  build(input: RegionInput): NextEditPrompt;
  /** Text that ends the model's region (it is not part of it). */
  readonly stop: readonly string[];
  /** The rewritten region from the model's output, or undefined when it is not one. */
  parse(output: string): string | undefined;
  /** Instruct models answer in a chat, as JSON with this schema (the grammar keeps them to it). */
  readonly jsonSchema?: Readonly<Record<string, unknown>>;
}

/** What detection reads from a model: its name and whether a text is one special token of its vocabulary. */
export interface ModelVocabulary {
  readonly name: string;
  has(token: string): boolean;
}

export const zetaMarkers = {
  regionStart: '<|editable_region_start|>',
  regionEnd: '<|editable_region_end|>',
  cursor: '<|user_cursor_is_here|>',
  fileStart: '<|start_of_file|>',
} as const;

/** The family's format, or undefined for a model with none (a FIM or chat model: see instructFormat). */
export function detectNextEditFormat(model: ModelVocabulary): NextEditFormat | undefined {
  // Words of the name: `continuedev_instinct-Q4_K_M` holds `instinct`, `instinctive` does not.
  const words = model.name.toLowerCase().split(/[^a-z0-9.]+/);
  if (words.includes('instinct')) return instinct;
  if (words.includes('sweep') && /next[-_ ]?edit/i.test(model.name)) return sweep;
  if (words.includes('zeta') || (model.has(zetaMarkers.regionStart) && model.has(zetaMarkers.cursor))) return zeta;
  return undefined;
}

const codeFence = (filename: string, body: string) => `\`\`\`${filename}\n${body}\n\`\`\``;

function markedExcerpt(input: RegionInput, cursor: string): NextEditPrompt {
  const start = `${input.atFileStart ? `${zetaMarkers.fileStart}\n` : ''}${input.above}${zetaMarkers.regionStart}\n${input.regionHead}`;
  const end = `${cursor}${input.regionTail}\n${zetaMarkers.regionEnd}${input.below ? `\n${input.below.replace(/\n$/, '')}` : ''}`;
  return { head: start, tail: end };
}

/** The region between a start marker (when the model wrote one) and an end marker, without a cursor marker or code fence. */
function regionBetweenMarkers(output: string): string {
  let text = output;
  const start = text.indexOf(zetaMarkers.regionStart);
  if (start >= 0) text = text.slice(start + zetaMarkers.regionStart.length).replace(/^\r?\n/, '');
  const end = text.indexOf(zetaMarkers.regionEnd);
  if (end >= 0) text = text.slice(0, end);
  return text
    .replace(/\r?\n```\s*$/, '')
    .replace(/\r?\n$/, '')
    .split(zetaMarkers.cursor)
    .join('');
}

/**
 * Zeta (Zed): an instruction, "### User Edits:" with each edit as `User edited "file":` and a diff
 * fence, "### User Excerpt:" with the file fenced and the region marked, then "### Response:". The
 * response starts with the fence and the region's start marker; the prompt writes them for the
 * model (a prefill), so its output is the region, ended by the end marker.
 */
const zeta: NextEditFormat = {
  family: 'zeta',
  stop: [zetaMarkers.regionEnd, '<|endoftext|>', '<|im_end|>'],
  build(input) {
    const events = input.events.map((event) => `User edited "${event.filename}":\n${codeFence('diff', diffBody(event.diff))}`).join('\n\n');
    const excerpt = markedExcerpt(input, zetaMarkers.cursor);
    return {
      head:
        "### Instruction:\nYou are a code completion assistant: read the user's recent edits, then rewrite the editable region of the excerpt with the edit they will make next, taking the cursor into account.\n\n" +
        `### User Edits:\n\n${events}\n\n### User Excerpt:\n\n\`\`\`${input.filename}\n${excerpt.head}`,
      tail: `${excerpt.tail}\n\`\`\`\n\n### Response:\n\`\`\`${input.filename}\n${zetaMarkers.regionStart}\n`,
    };
  },
  parse: regionBetweenMarkers,
};

/**
 * Instinct (Continue): a Qwen chat (ChatML) whose system message explains the markers and whose
 * user message holds the edits (newest first, `User edited file "name"`), the excerpt with Zeta's
 * region and cursor markers, and asks for the region rewritten; the answer is the region alone.
 */
const instinct: NextEditFormat = {
  family: 'instinct',
  stop: ['<|im_end|>', '<|endoftext|>', zetaMarkers.regionEnd],
  build(input) {
    const edits = [...input.events]
      .reverse()
      .map((event) => `User edited file "${event.filename}"\n\n${codeFence('diff', diffBody(event.diff))}`)
      .join('\n');
    const excerpt = markedExcerpt(input, zetaMarkers.cursor);
    return {
      head:
        '<|im_start|>system\nYou are Instinct, a next-edit predictor. Rewrite the code between <|editable_region_start|> and <|editable_region_end|> with the edit the developer will make next, given their recent edits and the cursor (<|user_cursor_is_here|>). Output only the rewritten region, without the markers.<|im_end|>\n' +
        "<|im_start|>user\nFrom the user's edits and the excerpt, work out what they are doing, then rewrite the editable region with the changes they will make next (an addition, a deletion or a change).\n\n" +
        `### Context:\n\n### User Edits:\n\n${edits}\n\n### User Excerpt:\n"${input.filename}"\n\n${excerpt.head}`,
      tail: `${excerpt.tail}<|im_end|>\n<|im_start|>assistant\n`,
    };
  },
  parse: (output) => regionBetweenMarkers(output.replace(/^```[^\n]*\n/, '')),
};

/**
 * Sweep's next-edit models: Qwen file separators. The file around the cursor, each recent edit as
 * `original:` / `updated:` lines, then the block before the last edit (`original/`), the block now
 * with `<|cursor|>` (`current/`), and `updated/` for the model to write; it stops at the next separator.
 */
const sweep: NextEditFormat = {
  family: 'sweep',
  stop: ['<|file_sep|>', '<|endoftext|>'],
  build(input) {
    const span = `${input.filename}:${input.firstLine}:${input.lastLine}`;
    const edits = input.events.map((event) => {
      const { removed, added } = sides(event.diff);
      return `<|file_sep|>${event.filename}.diff\noriginal:\n${removed}\nupdated:\n${added}\n`;
    });
    const fileContext = `${input.above}${input.regionHead}${input.regionTail}\n${input.below}`.replace(/\n$/, '');
    return {
      head: `<|file_sep|>${input.filename}\n${fileContext}\n${edits.join('')}<|file_sep|>original/${span}\n${input.original}\n<|file_sep|>current/${span}\n${input.regionHead}`,
      tail: `<|cursor|>${input.regionTail}\n<|file_sep|>updated/${span}\n`,
    };
  },
  parse: (output) =>
    output
      .replace(/\r?\n$/, '')
      .split('<|cursor|>')
      .join(''),
};

/**
 * Plain instruct models: the edits and the excerpt with the region between markers, answered as
 * `{"region": "…"}` under a JSON-schema grammar, so the answer is always a region and nothing else.
 */
export const instructFormat: NextEditFormat = {
  family: 'instruct',
  stop: [],
  jsonSchema: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'], additionalProperties: false },
  build(input) {
    const edits = input.events.map((event) => codeFence('diff', diffBody(event.diff))).join('\n');
    const excerpt = markedExcerpt(input, zetaMarkers.cursor);
    return {
      head:
        `The developer's recent edits, oldest first:\n${edits || '(none)'}\n\n` +
        `Predict the edit they will make next in ${input.filename}. Rewrite the code between ${zetaMarkers.regionStart} and ${zetaMarkers.regionEnd} with that edit applied (change nothing else; ${zetaMarkers.cursor} marks the cursor and is not code). ` +
        `Answer as JSON: {"region": "<the whole rewritten region>"}.\n\n\`\`\`${input.filename}\n${excerpt.head}`,
      tail: `${excerpt.tail}\n\`\`\``,
    };
  },
  parse(output) {
    try {
      const parsed = JSON.parse(output) as { region?: unknown };
      return typeof parsed.region === 'string' ? regionBetweenMarkers(parsed.region) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** A unified diff's hunks, without its file headers. */
function diffBody(diff: string): string {
  return diff.replace(/^(---|\+\+\+) [^\n]*\n/gm, '').replace(/\n+$/, '');
}

/** The old and new lines of a unified diff (context lines on both sides). */
function sides(diff: string): { removed: string; added: string } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const line of diffBody(diff).split('\n')) {
    if (line.startsWith('@@') || line.startsWith('\\')) continue;
    const body = line.slice(1);
    if (line.startsWith('-')) removed.push(body);
    else if (line.startsWith('+')) added.push(body);
    else {
      removed.push(body);
      added.push(body);
    }
  }
  return { removed: removed.join('\n'), added: added.join('\n') };
}
