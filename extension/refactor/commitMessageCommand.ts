// "Pylot: Write Commit Message": reads the staged diff through the built-in Git extension's API and
// fills the Source Control input box. Nothing is committed: the box is the preview, to edit or clear.
import * as vscode from 'vscode';
import * as z from 'zod/mini';
import { askModel } from './ask';
import type { FlowDeps } from './editFlow';
import { buildMessages } from './messages';
import type { Prompts } from './prompts';
import { CommandRefused, type Outcome, type Run } from './run';

/** The slice of vscode.git's API (version 1) used here. */
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  diff(cached?: boolean): Promise<string>;
}
interface GitApi {
  readonly repositories: readonly GitRepository[];
}

/** Enough diff for a message; more would crowd out the model's context. */
const maxDiffChars = 16_000;

const CommitAnswer = z.object({
  subject: z.string().check(
    z.refine((s) => s.trim().length > 0 && !s.includes('\n'), 'the subject must be one non-empty line'),
    z.maxLength(100),
  ),
  body: z.string(),
});
const commitAnswerSchema = { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'string' } }, required: ['subject', 'body'] };

export async function writeCommitMessage(deps: FlowDeps, prompts: Prompts, run: Run, scm?: { rootUri?: vscode.Uri }): Promise<Outcome> {
  const repository = chooseRepository(await gitApi(), scm?.rootUri);
  const diff = await repository.diff(true);
  if (!diff.trim()) throw new CommandRefused('no staged changes: stage what the commit should hold, then try again.');
  const shown = diff.length > maxDiffChars ? `${diff.slice(0, maxDiffChars)}\n… (${diff.length - maxDiffChars} more characters of diff not shown)` : diff;
  const prompt = await prompts.forCommand('commitMessage');
  const messages = buildMessages(prompt.body, 'Answer as JSON: {"subject": "<subject line>", "body": "<body, or empty>"}', {
    fileName: 'the staged changes',
    language: 'diff',
    text: shown,
  });
  const answer = await askModel(deps, { messages, jsonSchema: commitAnswerSchema, schema: CommitAnswer, maxTokens: 512 }, run);
  const body = answer.body.trim();
  repository.inputBox.value = body ? `${answer.subject.trim()}\n\n${body}` : answer.subject.trim();
  await vscode.commands.executeCommand('workbench.view.scm');
  return { kind: 'done', detail: repository.inputBox.value };
}

async function gitApi(): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi; enabled?: boolean }>('vscode.git');
  if (!extension) throw new CommandRefused('the built-in Git extension is not available in this VS Code.');
  const git = extension.isActive ? extension.exports : await extension.activate();
  if (git.enabled === false) throw new CommandRefused('Git is disabled ("git.enabled" is off): enable it to write commit messages.');
  return git.getAPI(1);
}

function chooseRepository(api: GitApi, root: vscode.Uri | undefined): GitRepository {
  const repositories = api.repositories;
  if (!repositories.length) throw new CommandRefused('no Git repository is open in this workspace.');
  if (root) {
    const match = repositories.find((repo) => repo.rootUri.toString() === root.toString());
    if (match) return match;
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  const containing =
    active && repositories.filter((repo) => active.fsPath.startsWith(repo.rootUri.fsPath)).sort((a, b) => b.rootUri.fsPath.length - a.rootUri.fsPath.length)[0];
  return containing ?? repositories[0]!;
}
