// Welcome to Pylot: code completion and chat from models running on this machine.
//
// 1. Put the cursor at the end of the empty line inside add() and type a space.
// 2. Pylot asks for a model: choose "Use Demo Model" (the Pylot item in the status bar, bottom
//    right, offers it too).
// 3. Ghost text appears; press Tab to accept it.
// 4. Open the chat (the Pylot icon in the activity bar, or Ctrl+Alt+I) and ask anything: the
//    demo chat model answers.
// 5. Switch the chat's mode (the menu that says "Ask", at its top) to Agent and ask it to create a
//    file: it proposes hello.ts and waits for you. "Open in diff editor" shows the change; "Allow once"
//    writes it, and the agent answers.
//
// The demo models are tiny and scripted: they always say the same thing, to show the whole path
// working offline. For real suggestions choose code models with "Pylot: Select Model…".

export function add(a: number, b: number): number {
  
}
