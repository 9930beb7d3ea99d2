// The sidecar's mirror of the editor's open documents, kept current by incremental edits.
import { ErrorCodes, PylotError, type ParamsOf } from '../../protocol/rpc';
import type { DidChangeDocument, DidOpenDocument } from '../../protocol/sidecar';

type Position = { line: number; character: number };

export interface Edit {
  readonly start: number;
  readonly removed: number;
  /** The whole text before the edit (the string the document held: no copy). */
  readonly textBefore: string;
  readonly inserted: string;
}

export class TextDocument {
  private lineStarts: number[] | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    public text: string,
  ) {}

  /** UTF-16 offset of a line/character position, clamped to the text. */
  offsetAt(position: Position): number {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    if (position.line >= starts.length) return this.text.length;
    const start = starts[position.line]!;
    const end = position.line + 1 < starts.length ? starts[position.line + 1]! - 1 : this.text.length;
    return Math.min(start + position.character, end);
  }

  /** Applies one edit; returns where it landed (offsets in the text before it), the whole text for a full replace. */
  apply(change: { range?: { start: Position; end: Position }; text: string }): Edit {
    let edit: Edit;
    if (!change.range) {
      edit = { start: 0, removed: this.text.length, textBefore: this.text, inserted: change.text };
      this.text = change.text;
    } else {
      const start = this.offsetAt(change.range.start);
      const end = Math.max(start, this.offsetAt(change.range.end));
      edit = { start, removed: end - start, textBefore: this.text, inserted: change.text };
      this.text = this.text.slice(0, start) + change.text + this.text.slice(end);
      if (this.lineStarts) updateLineStarts(this.lineStarts, start, end, change.text);
      return edit;
    }
    this.lineStarts = undefined;
    return edit;
  }
}

/**
 * Moves a line table across one edit in place: starts inside the replaced span go, the inserted
 * text's own line breaks come in, later starts shift. Rescanning a 200 KB file on every keystroke
 * cost ~0.9 ms; a keystroke without a line break now only adds to the later starts.
 */
export function updateLineStarts(starts: number[], start: number, end: number, inserted: string): void {
  const first = firstAfter(starts, start);
  const last = firstAfter(starts, end);
  const added: number[] = [];
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) added.push(start + i + 1);
  if (added.length > 0 || last > first) starts.splice(first, last - first, ...added);
  const delta = inserted.length - (end - start);
  if (delta !== 0) for (let i = first + added.length; i < starts.length; i++) starts[i]! += delta;
}

/** The index of the first line start after an offset (binary search; line starts ascend). */
function firstAfter(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (starts[middle]! <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export class DocumentStore {
  private readonly documents = new Map<string, TextDocument>();

  open(params: ParamsOf<typeof DidOpenDocument>): void {
    this.documents.set(params.uri, new TextDocument(params.uri, params.languageId, params.version, params.text));
  }

  private readonly editListeners = new Set<(uri: string, edit: Edit) => void>();

  /** Called with each edit as it is applied, e.g. to stop a generation the user typed away from. */
  onEdit(listener: (uri: string, edit: Edit) => void): void {
    this.editListeners.add(listener);
  }

  change(params: ParamsOf<typeof DidChangeDocument>): void {
    const document = this.documents.get(params.uri);
    if (!document) return;
    for (const change of params.changes) {
      const edit = document.apply(change);
      for (const listener of this.editListeners) listener(params.uri, edit);
    }
    document.version = params.version;
  }

  close(uri: string): void {
    this.documents.delete(uri);
  }

  /** The document at exactly this version; a mismatch means the mirror lags the editor. */
  get(uri: string, version: number): TextDocument {
    const document = this.documents.get(uri);
    if (!document) throw new PylotError(ErrorCodes.InvalidParams, `${uri} is not open in the sidecar.`);
    if (document.version !== version) throw new PylotError(ErrorCodes.Cancelled, `${uri} changed (version ${document.version}, asked for ${version}).`);
    return document;
  }

  /** The document at whatever version the mirror holds, or undefined when it is not open. */
  peek(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  get size(): number {
    return this.documents.size;
  }
}
