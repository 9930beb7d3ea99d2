// How much of a definition's text one snippet takes: only its head when it is long, and its close
// neighbours (with the exact text between) when it is short — one snippet for little more than one.
import type { FileDefinition } from './fileOutlines';

/** A short definition's snippet takes its close neighbours in the file too, up to this size. */
const shortDefinitionChars = 600;
const neighbourhoodChars = 1_200;
/** A definition longer than this offers its head when the whole does not fit the budget. */
const longDefinitionChars = 1_000;
const headChars = 400;

/** A long definition's head (its signature, a class's first members) for when the whole does not fit. */
export function headOf(definition: FileDefinition): { core: { text: string; startLine: number; endLine: number } } | undefined {
  if (definition.text.length <= longDefinitionChars) return undefined;
  const cut = definition.text.lastIndexOf('\n', headChars);
  if (cut <= 0) return undefined;
  const text = `${definition.text.slice(0, cut)}\n…`;
  return { core: { text, startLine: definition.startLine, endLine: definition.startLine + text.split('\n').length - 2 } };
}

/**
 * A short definition with the short ones right next to it (a run of constants, small helpers): the
 * exact text of the file from the first to the last, one snippet that costs little more than one.
 */
export function withNeighbours(definition: FileDefinition): { text: string; startLine: number; endLine: number } | undefined {
  if (definition.text.length > shortDefinitionChars || (!definition.previous && !definition.next)) return undefined;
  let first = definition;
  let last = definition;
  let text = definition.text;
  for (let grew = true; grew;) {
    grew = false;
    const after = last.next;
    if (
      after &&
      after.gapBefore !== undefined &&
      after.text.length <= shortDefinitionChars &&
      text.length + after.gapBefore.length + after.text.length <= neighbourhoodChars
    ) {
      text += after.gapBefore + after.text;
      last = after;
      grew = true;
    }
    const before = first.previous;
    if (
      before &&
      first.gapBefore !== undefined &&
      before.text.length <= shortDefinitionChars &&
      text.length + first.gapBefore.length + before.text.length <= neighbourhoodChars
    ) {
      text = before.text + first.gapBefore + text;
      first = before;
      grew = true;
    }
  }
  return first === last ? undefined : { text, startLine: first.startLine, endLine: last.endLine };
}
