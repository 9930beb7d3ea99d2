// The project's rules files, as chat and the agent give them to the model: in each workspace folder
// the other tools' files (.github/copilot-instructions.md, .cursorrules, .clinerules — a file or a
// folder of .md), AGENTS.md nearest to the active file (nested ones win over the root's), and
// .pylot/rules/*.md whose front matter says `alwaysApply: true` or whose `globs` match the active
// file. Each is found through the agent's WorkspacePaths, so a secret, .pylotignore'd, .git or
// symlinked-out file is never read, and one a `.gitignore` (at any depth) names is left out too
// (a generated or personal file is not the project's rule). Together they are cut to `maxChars`, or to the
// chat model's tokens, whose counts are remembered per model. All are read afresh each time, side by side. No `vscode` here.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import { LRUCache } from 'lru-cache';
import type { WorkspacePaths } from '../agent/policy/paths';

export interface ProjectRule {
  /** Where it came from, as the chip names it: `AGENTS.md`, `src/AGENTS.md`, `.pylot/rules/tests.md`. */
  readonly source: string;
  readonly text: string;
}

/** A rules file larger than this is not a rules file. */
const maxFileBytes = 64 * 1024;
const otherTools = ['.github/copilot-instructions.md', '.cursorrules'];

export async function readProjectRules(paths: WorkspacePaths, activeFile: string | undefined, maxChars: number): Promise<ProjectRule[]> {
  const roots = await paths.roots();
  // Every candidate is read at once (a chat turn waits for them), then kept in the order above.
  const perRoot = await Promise.all(
    roots.map(async (root) => {
      const prefix = roots.length > 1 ? `${root.name}/` : '';
      const active = activeFile && path.relative(root.path, activeFile);
      const activeRelative = active && !active.startsWith('..') && !path.isAbsolute(active) ? active.split(path.sep).join('/') : undefined;
      /** A candidate file: whether it could be read, and its rule when it says something. */
      const read = async (relative: string): Promise<{ found: boolean; rule?: ProjectRule }> => {
        if (await gitIgnored(root.path, relative)) return { found: false };
        const text = await readRule(paths, prefix + relative);
        return { found: text !== undefined, ...(text?.trim() ? { rule: { source: prefix + relative, text: text.trim() } } : {}) };
      };
      // AGENTS.md: the nearest folder above the active file that has one; the root's otherwise.
      const folders = activeRelative ? ancestors(activeRelative) : [''];
      const [others, clineFile, clineFolder, agents, pylotRules] = await Promise.all([
        Promise.all(otherTools.map(read)),
        read('.clinerules'),
        markdownIn(root.path, '.clinerules').then((names) => Promise.all(names.map((name) => read(`.clinerules/${name}`)))),
        Promise.all(folders.map((folder) => read(folder ? `${folder}/AGENTS.md` : 'AGENTS.md'))),
        markdownIn(root.path, '.pylot/rules').then((names) => Promise.all(names.map((name) => pylotRule(paths, root.path, prefix, name, activeRelative)))),
      ]);
      const cline = clineFile.found ? [clineFile] : clineFolder;
      return [...others, ...cline, ...agents.filter((agent) => agent.found).slice(0, 1)]
        .flatMap((read) => (read.rule ? [read.rule] : []))
        .concat(pylotRules.filter((rule): rule is ProjectRule => !!rule));
    }),
  );
  return capped(perRoot.flat(), maxChars);
}

/** A `.pylot/rules/*.md` file when its front matter applies it always or its globs match the active file. */
async function pylotRule(
  paths: WorkspacePaths,
  root: string,
  prefix: string,
  name: string,
  activeRelative: string | undefined,
): Promise<ProjectRule | undefined> {
  if (await gitIgnored(root, `.pylot/rules/${name}`)) return undefined;
  const text = await readRule(paths, `${prefix}.pylot/rules/${name}`);
  if (text === undefined) return undefined;
  const { meta, body } = frontMatter(text);
  const matches = meta.globs.length > 0 && activeRelative !== undefined && ignore().add(meta.globs).ignores(activeRelative);
  return (meta.alwaysApply || matches) && body.trim() ? { source: `${prefix}.pylot/rules/${name}`, text: body.trim() } : undefined;
}

/** The file's text if the workspace's rules allow reading it; undefined if it is missing, protected or too big. */
async function readRule(paths: WorkspacePaths, relative: string): Promise<string | undefined> {
  const resolved = await paths.resolve(relative);
  if (!resolved.ok || !resolved.exists || (resolved.protection && resolved.protection !== 'vscode')) return undefined;
  try {
    const bytes = await readFile(resolved.absolute);
    return bytes.length > maxFileBytes ? undefined : bytes.toString('utf8');
  } catch {
    return undefined; // a folder, or gone
  }
}

/** Whether a `.gitignore` in the folder or one above it (up to the workspace folder) names `relative`, as git reads them. */
async function gitIgnored(root: string, relative: string): Promise<boolean> {
  const parts = relative.split('/');
  for (let depth = 0; depth < parts.length; depth++) {
    const folder = parts.slice(0, depth).join('/');
    const rules = await readFile(path.join(root, folder, '.gitignore'), 'utf8').catch(() => undefined);
    if (!rules) continue;
    // Each folder on the way is tested too: a file under an ignored folder is ignored.
    const matcher = ignore().add(rules);
    const below = parts.slice(depth);
    for (let end = 1; end <= below.length; end++) {
      const candidate = below.slice(0, end).join('/') + (end < below.length ? '/' : '');
      if (matcher.ignores(candidate)) return true;
    }
  }
  return false;
}

async function markdownIn(root: string, folder: string): Promise<string[]> {
  const entries = await readdir(path.join(root, folder), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => entry.name)
    .sort();
}

/** `src/a/b.ts` → ['src/a', 'src', ''] */
function ancestors(relative: string): string[] {
  const parts = relative.split('/').slice(0, -1);
  return Array.from({ length: parts.length + 1 }, (_, i) => parts.slice(0, parts.length - i).join('/'));
}

export interface RuleMeta {
  readonly description?: string;
  readonly globs: string[];
  readonly alwaysApply: boolean;
}

/** Cursor-style front matter: `description:`, `globs:` (a list, a comma-separated string or `[a, b]`), `alwaysApply:`. */
export function frontMatter(text: string): { meta: RuleMeta; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) return { meta: { globs: [], alwaysApply: false }, body: text };
  const fields = new Map<string, string>();
  let listKey: string | undefined;
  const lists = new Map<string, string[]>();
  for (const line of match[1]!.split(/\r?\n/)) {
    const item = /^\s+-\s*(.+)$/.exec(line);
    if (item && listKey) lists.set(listKey, [...(lists.get(listKey) ?? []), unquote(item[1]!)]);
    const field = /^(\w+)\s*:\s*(.*)$/.exec(line);
    if (field) {
      fields.set(field[1]!, field[2]!.trim());
      listKey = field[1];
    }
  }
  const globsField = fields.get('globs') ?? '';
  const globs =
    lists.get('globs') ??
    globsField
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map(unquote)
      .filter(Boolean);
  const description = fields.get('description');
  return {
    meta: { globs, alwaysApply: /^true$/i.test(fields.get('alwaysApply') ?? ''), ...(description ? { description: unquote(description) } : {}) },
    body: text.slice(match[0].length),
  };
}

function unquote(value: string): string {
  return value.trim().replace(/^(['"])(.*)\1$/, '$2');
}

/**
 * In order until `maxTokens`, counted by `count` (the chat model's tokenizer); the one that crosses
 * it is cut (in proportion, then counted again), the rest left out.
 */
export async function fitRulesToTokens(
  rules: readonly ProjectRule[],
  maxTokens: number,
  count: (texts: string[]) => Promise<number[]>,
): Promise<ProjectRule[]> {
  if (!rules.length) return []; // nothing to count: no trip to the tokenizer
  const tokens = await count(rules.map((rule) => rule.text));
  const kept: ProjectRule[] = [];
  let left = maxTokens;
  for (const [i, rule] of rules.entries()) {
    if (left <= 0) break;
    if (tokens[i]! <= left) kept.push(rule);
    else {
      let chars = Math.floor((rule.text.length * left) / tokens[i]!);
      // A proportional cut can still be over where tokens are uneven: shrink until it fits.
      while (chars > 0 && (await count([rule.text.slice(0, chars)]))[0]! > left) chars = Math.floor(chars * 0.8);
      if (chars > 0) kept.push({ ...rule, text: `${rule.text.slice(0, chars)}\n[… cut to fit the context]` });
    }
    left -= tokens[i]!;
  }
  return kept;
}

/**
 * `count` remembered per model and text: the same rules files are counted by the model's tokenizer
 * once, not on every turn (a trip to the sidecar before each request). `model` names the model
 * counting now, so a switched model counts afresh; with none named nothing is remembered.
 */
export function rememberedCounts(model: () => string | undefined, count: (texts: string[]) => Promise<number[]>): (texts: string[]) => Promise<number[]> {
  // Bounded by characters: rules files are at most 64 KiB each.
  const memo = new LRUCache<string, number>({ maxSize: 4_000_000, sizeCalculation: (_, key) => Math.max(1, key.length) });
  return async (texts) => {
    const name = model();
    if (name === undefined) return count(texts);
    const prefix = `${name}\u0000`;
    const known = new Map<string, number>();
    for (const text of texts) {
      const tokens = memo.get(prefix + text);
      if (tokens !== undefined) known.set(text, tokens);
    }
    const missing = [...new Set(texts.filter((text) => !known.has(text)))];
    if (missing.length) {
      const counted = await count(missing);
      missing.forEach((text, i) => {
        known.set(text, counted[i]!);
        memo.set(prefix + text, counted[i]!);
      });
    }
    return texts.map((text) => known.get(text)!);
  };
}

/** In order until `maxChars`; the one that crosses it is cut, the rest left out. */
function capped(rules: readonly ProjectRule[], maxChars: number): ProjectRule[] {
  const kept: ProjectRule[] = [];
  let left = maxChars;
  for (const rule of rules) {
    if (left <= 0) break;
    kept.push(rule.text.length <= left ? rule : { ...rule, text: `${rule.text.slice(0, left)}\n[… cut to fit the context]` });
    left -= rule.text.length;
  }
  return kept;
}
