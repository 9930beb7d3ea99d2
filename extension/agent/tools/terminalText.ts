// What a terminal prints, as plain text for the agent: escape sequences (colours, cursor moves, titles,
// VS Code's shell-integration marks) and other control characters removed, CRLF as LF. A sequence cut
// between two chunks (or a CR before its LF) is held until the next one, but never more than a few hundred characters of it.
// No `vscode`: the terminal runner is ../shellTerminals.ts.

/** Strings (OSC, DCS, …; ended by BEL or ST), CSI, then the short escapes (not the openers of the first two). */
// eslint-disable-next-line no-control-regex -- escape sequences are what it removes
const escapes = /\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-OQ-WYZ\\`-~]/g;
/** C0 controls other than tab, LF and CR, DEL, and the C1 controls a terminal may also act on. */
// eslint-disable-next-line no-control-regex -- exactly these characters
const controls = /[\x00-\x08\x0b-\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]/g;
/** The longest unfinished escape held back for the next chunk; a longer one is dropped. */
const maxHeld = 512;

export class TerminalText {
  private held = '';

  /** The plain text of `chunk`, less any escape it ends with that the next chunk may finish. */
  push(chunk: string): string {
    let text = (this.held + chunk).replace(escapes, '');
    this.held = '';
    const open = text.lastIndexOf('\x1b');
    if (open >= 0 && text.length - open <= maxHeld) {
      this.held = text.slice(open);
      text = text.slice(0, open);
    }
    // A CR at the end may be the first half of a CRLF.
    const crs = /\r{1,512}$/.exec(text)?.[0] ?? '';
    this.held = crs + this.held;
    return plain(text.slice(0, text.length - crs.length));
  }

  /** What was held back, at the end of the output. */
  flush(): string {
    const rest = plain(this.held);
    this.held = '';
    return rest;
  }
}

function plain(text: string): string {
  // eslint-disable-next-line no-control-regex -- an ESC left from a cut or unfinished sequence
  return text.replace(/\x1b/g, '').replace(controls, '').replace(/\r+\n/g, '\n');
}
