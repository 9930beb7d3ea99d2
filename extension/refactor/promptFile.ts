// Prompt files: Markdown with a small front matter block (name, description, selection). Built-in
// prompts ship as the same files (media/prompts/*.md), so a user can copy one into
// .pylot/prompts/ and adjust it. Pure: no `vscode`, unit-tested.

export type SelectionNeed = 'required' | 'optional' | 'none';

export interface PromptFile {
  /** The file name without .md: what the prompt is known by. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly selection: SelectionNeed;
  /** The instruction sent to the model; may use {{language}}, {{fileName}} and {{selection}}. */
  readonly body: string;
}

export type ParsedPrompt = { ok: true; prompt: PromptFile } | { ok: false; error: string };

const needs: readonly SelectionNeed[] = ['required', 'optional', 'none'];

/** Parses a prompt file; a malformed one gets an error that names the file and what is wrong. */
export function parsePromptFile(fileName: string, text: string): ParsedPrompt {
  const id = fileName.replace(/^.*[\\/]/, '').replace(/\.md$/i, '');
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  const fields = new Map<string, string>();
  if (match) {
    for (const [index, line] of match[1]!.split(/\r?\n/).entries()) {
      if (!line.trim() || line.trimStart().startsWith('#')) continue;
      const field = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
      if (!field) return { ok: false, error: `${fileName}: front matter line ${index + 2} is not "key: value": ${line.trim()}` };
      fields.set(field[1]!.toLowerCase(), unquote(field[2]!.trim()));
    }
  }
  const body = (match ? text.slice(match[0].length) : text).trim();
  if (!body) return { ok: false, error: `${fileName}: the prompt has no instruction after its front matter.` };
  const selection = (fields.get('selection') ?? 'optional').toLowerCase();
  if (!needs.includes(selection as SelectionNeed)) {
    return { ok: false, error: `${fileName}: "selection" must be required, optional or none, not "${selection}".` };
  }
  return {
    ok: true,
    prompt: {
      id,
      name: fields.get('name') || id,
      description: fields.get('description') ?? '',
      selection: selection as SelectionNeed,
      body,
    },
  };
}

/** Fills {{placeholders}}; unknown ones stay as written so a typo is visible in the prompt. */
export function fillPrompt(body: string, values: Readonly<Record<string, string>>): string {
  return body.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
