// How every refactor command runs: a cancellable progress notification whose Cancel aborts the
// sidecar request, and failures turned into messages a user can act on (no chat model → a button
// that picks one).
import * as vscode from 'vscode';
import { ErrorCodes, PylotError } from '../../protocol/rpc';
import type { Log } from '../log';

/** What the model part of a command gives: how it ended, or what to ask the user once the progress is gone. */
export type StepResult = Outcome | void | (() => Promise<Outcome>);
export type Step = (run: Run) => Promise<StepResult>;

/** What a command's model part gets from its progress: Cancel as a signal, and a line to show. */
export interface Run {
  readonly signal: AbortSignal;
  report(message: string): void;
}

/** How a command ended: what tests (and logs) look at. */
export type Outcome =
  { readonly kind: 'applied' | 'rejected' | 'done' | 'cancelled'; readonly detail?: string } | { readonly kind: 'refused' | 'failed'; readonly detail: string };

/** The abort controllers of the commands now asking the model. */
const inFlight = new Set<AbortController>();

/** Cancels every command now waiting on the model, as their progress's Cancel button does. */
export function cancelRunningCommands(): void {
  for (const aborter of inFlight) aborter.abort();
}

export async function runCommand(title: string, log: Log, step: Step): Promise<Outcome> {
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pylot: ${title}`, cancellable: true },
      async (progress, token) => {
        const aborter = new AbortController();
        const subscription = token.onCancellationRequested(() => aborter.abort());
        inFlight.add(aborter);
        try {
          return await step({ signal: aborter.signal, report: (message) => progress.report({ message }) });
        } finally {
          inFlight.delete(aborter);
          subscription.dispose();
        }
      },
    );
    // The preview is the user's to take their time over, without a spinner.
    return typeof result === 'function' ? await result() : (result ?? { kind: 'done' });
  } catch (error) {
    return reportFailure(title, error, log);
  }
}

/** Tells the user why a command stopped, in words they can act on, and says how it ended. */

/** Stops a command with a message for the user; not an error worth a stack in the log. */
export class CommandRefused extends Error {}

export function reportFailure(title: string, error: unknown, log: Log): Outcome {
  if (error instanceof PylotError && error.code === ErrorCodes.Cancelled) {
    log.info(`${title}: cancelled.`);
    return { kind: 'cancelled' };
  }
  if (error instanceof CommandRefused) {
    log.info(`${title}: ${error.message}`);
    void vscode.window.showWarningMessage(`Pylot: ${error.message}`);
    return { kind: 'refused', detail: error.message };
  }
  const text = error instanceof Error ? error.message : String(error);
  log.error(`${title} failed: ${text}`);
  // Not awaited: the command ends now; the message stays until the user answers it.
  if (error instanceof PylotError && error.code === ErrorCodes.NoModel) {
    void vscode.window.showErrorMessage(`Pylot: ${title} needs a chat model (an instruct model), and none is set.`, 'Select Chat Model…').then((choice) => {
      if (choice) void vscode.commands.executeCommand('pylot.selectModel', 'chat');
    });
    return { kind: 'failed', detail: `needs a chat model: ${text}` };
  }
  // A model that would not load can be swapped for another from here too.
  const modelTrouble =
    error instanceof PylotError &&
    [ErrorCodes.ModelNotFound, ErrorCodes.ModelInvalid, ErrorCodes.ModelTooLarge, ErrorCodes.ModelLoadFailed, ErrorCodes.AuthFailed].includes(
      error.code as never,
    );
  const actions = modelTrouble ? ['Select Chat Model…', 'Show Logs'] : ['Show Logs'];
  void vscode.window.showErrorMessage(`Pylot: ${title} failed: ${text}`, ...actions).then((choice) => {
    if (choice === 'Show Logs') log.show();
    else if (choice) void vscode.commands.executeCommand('pylot.selectModel', 'chat');
  });
  return { kind: 'failed', detail: text };
}
