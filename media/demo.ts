// Welcome to Pylot: code completion from a model running on this machine.
//
// 1. If Pylot asks for a model, choose "Use Demo Model" (or your own .gguf file).
// 2. Put the cursor at the end of the empty line inside add() and type a space.
// 3. Ghost text appears; press Tab to accept it.
//
// The demo model is tiny and scripted: it always suggests the same line, to show the whole path
// working offline. For real suggestions choose a code model with "Pylot: Select Model…".

export function add(a: number, b: number): number {
  
}
