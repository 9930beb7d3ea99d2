// Half of completion quality: what the model wrote, cut to what belongs at the cursor. Each step
// is a small filter with golden cases in test/unit/golden/postprocess/.
import { cursorContext } from './context';
import { shapeToStructure } from './shape';
import { balanceBrackets, stopAtExistingLines, trimSuffixOverlap } from './trim';

export interface PostprocessInput {
  readonly prefix: string;
  readonly suffix: string;
  readonly languageId?: string;
  /** The model's raw output. */
  readonly text: string;
}

/** The completion to show, or undefined when nothing useful is left. */
export function postprocess(input: PostprocessInput): string | undefined {
  const context = cursorContext(input.prefix, input.suffix, input.languageId);
  let text = input.text.replace(/\r\n/g, '\n');
  text = stopAtExistingLines(text, context);
  text = shapeToStructure(text, context);
  text = balanceBrackets(text, context);
  text = trimSuffixOverlap(text, context);
  text = text.replace(/[ \t]+$/gm, '');
  if (!text.trim()) return undefined;
  // Already there: the completion only repeats the rest of the line.
  if (text.trim() === context.lineSuffix.trim()) return undefined;
  return text;
}
