// The chat messages a refactor sends: one system message that says how to answer, one user message
// with the instruction and the context (file, imports, references, problems, the code itself).
import * as vscode from 'vscode';
import type { ChatMessage } from './ask';
import { fillPrompt, type PromptFile } from './promptFile';
import { definitionLines, diagnosticsIn, importLines, referenceLines, type Target } from './target';

export interface ContextParts {
  readonly imports?: readonly string[];
  readonly references?: readonly string[];
  /** Definitions of names the code uses from elsewhere. */
  readonly definitions?: readonly string[];
  readonly problems?: readonly string[];
  /** Extra sections, e.g. an example test file. */
  readonly extra?: ReadonlyArray<{ title: string; text: string }>;
}

const system = 'You are Pylot, a careful coding assistant working inside VS Code. Answer with one JSON object that follows the given schema, and nothing else.';

/** `answer`: how to answer, e.g. `Answer as JSON: {"code": …}`. */
export function buildMessages(
  instruction: string,
  answer: string,
  code: { fileName: string; language: string; text: string },
  context: ContextParts = {},
): ChatMessage[] {
  const sections = [instruction.trim(), answer];
  if (context.imports?.length) sections.push(`The file's imports:\n${fence(context.imports.join('\n'), code.language)}`);
  if (context.definitions?.length) sections.push(`Definitions of names it uses:\n${context.definitions.join('\n')}`);
  if (context.references?.length) sections.push(`Where it is used:\n${context.references.join('\n')}`);
  if (context.problems?.length) sections.push(`Problems reported in it:\n${context.problems.map((p) => `- ${p}`).join('\n')}`);
  for (const { title, text } of context.extra ?? []) sections.push(`${title}:\n${fence(text, '')}`);
  sections.push(`The code, from ${code.fileName}:\n${fence(code.text, code.language)}`);
  return [
    { role: 'system', content: system },
    { role: 'user', content: sections.join('\n\n') },
  ];
}

/** The prompt's instruction with the placeholders every command knows, plus its own. */
export function instructionFor(prompt: PromptFile, target: Pick<Target, 'document'>, values: Readonly<Record<string, string>> = {}): string {
  return fillPrompt(prompt.body, { language: languageName(target.document.languageId), fileName: fileNameOf(target.document), ...values });
}

/** Imports, definitions, references and problems for a target; each is skipped when it costs too much. */
export async function contextFor(target: Target, withReferences: boolean): Promise<ContextParts> {
  const imports = target.kind === 'file' ? [] : importLines(target.document);
  const [definitions, references] = await Promise.all([
    target.kind === 'file' ? [] : definitionLines(target),
    withReferences && target.symbol ? referenceLines(target.document, target.symbol) : [],
  ]);
  const problems = diagnosticsIn(target.document, target.range).map((d) => describeDiagnostic(d));
  return { imports, definitions, references, problems };
}

export function describeDiagnostic(diagnostic: vscode.Diagnostic): string {
  const severity = ['error', 'warning', 'info', 'hint'][diagnostic.severity] ?? 'problem';
  const source = diagnostic.source ? ` (${diagnostic.source})` : '';
  return `line ${diagnostic.range.start.line + 1}: ${severity}${source}: ${diagnostic.message}`;
}

export function fileNameOf(document: vscode.TextDocument): string {
  return document.isUntitled ? `an unsaved ${document.languageId} file` : vscode.workspace.asRelativePath(document.uri);
}

export function languageName(languageId: string): string {
  const names: Record<string, string> = {
    typescript: 'TypeScript',
    typescriptreact: 'TypeScript (React)',
    javascript: 'JavaScript',
    javascriptreact: 'JavaScript (React)',
    python: 'Python',
    go: 'Go',
    rust: 'Rust',
    java: 'Java',
    csharp: 'C#',
    cpp: 'C++',
    c: 'C',
    ruby: 'Ruby',
    php: 'PHP',
    kotlin: 'Kotlin',
    swift: 'Swift',
  };
  return names[languageId] ?? languageId;
}

function fence(text: string, languageName: string): string {
  // Fences name languages the way Markdown does: "typescript", not "TypeScript".
  const language = languageName.toLowerCase().replace(/[^a-z0-9+#]/g, '');
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}
