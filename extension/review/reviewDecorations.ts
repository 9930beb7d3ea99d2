// How a review editor looks: a pending hunk's old lines struck through on the diff editor's removed
// colour, its new lines on the inserted colour, an accepted hunk's lines marked in the gutter's
// added colour — theme colours, so dark, light and high-contrast themes draw them as their diffs.
import * as vscode from 'vscode';
import type { HunkSpan } from './reviewView';

const removedLine = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
  textDecoration: 'line-through',
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
  overviewRulerLane: vscode.OverviewRulerLane.Left,
});
const insertedLine = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
  overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
  overviewRulerLane: vscode.OverviewRulerLane.Left,
});
const acceptedLine = vscode.window.createTextEditorDecorationType({
  isWholeLine: true,
  borderWidth: '0 0 0 2px',
  borderStyle: 'solid',
  borderColor: new vscode.ThemeColor('editorGutter.addedBackground'),
});

/** Draws `spans` (lines of the editor's document) on a review editor. */
export function paint(editor: vscode.TextEditor, spans: readonly HunkSpan[]): void {
  const lines = (from: number, to: number) => (to > from ? [new vscode.Range(from, 0, to - 1, 0)] : []);
  editor.setDecorations(
    removedLine,
    spans.flatMap((s) => lines(s.removedStart, s.removedEnd)),
  );
  editor.setDecorations(
    insertedLine,
    spans.filter((s) => s.state === 'pending').flatMap((s) => lines(s.insertedStart, s.insertedEnd)),
  );
  editor.setDecorations(
    acceptedLine,
    spans.filter((s) => s.state === 'accepted').flatMap((s) => lines(s.insertedStart, s.insertedEnd)),
  );
}
