// What the generated models say, shared by the runner (which makes them) and the suite (which checks them).
export { demoChat } from '../../fixtures/demoChatText';
export const script = 'return a + b;';
export const otherScript = 'return a * b;';
/** Two lines: explicit triggers offer the block and its first line as alternatives. */
export const multiLineScript = 'console.log(a)\n  return b';
/**
 * A next-edit model's rewrite of nextEditDocument's region after the user typed `0` after `3`: it renames
 * the call on the line below (`show` → `report`). On the Qwen2 vocabulary (Zeta's family) `;\n` is one token, so no
 * token repeats; the model's name has "zeta", so Pylot writes the prompt in Zeta's format.
 */
export const nextEditDocument = 'let total = 3;\nshow(total);';
export const nextEditScript = 'let total = 30;\nreport(total);';
/** A rewrite that only adds text right at the cursor (after the typed `0`): shown as ghost text. */
export const nextEditAtCursorScript = 'let total = 30 * rate;\nshow(total);';
/** Chat models for the refactor commands: JSON their schemas accept, said through the real grammar. */
export const renameScript = '{"names":["sumOf","addNumbers"]}';
/** Valid JSON for the schema, but not an identifier: the zod check must catch it. */
export const badRenameScript = '{"names":["bad name"]}';

/** The privacy test's models: each says a marker that must never reach a log. */
export const privacyCompletionScript = 'return kwCompletionMark;';
export const privacyChatScript = 'The answer is kwChatReplyMark.';

/** Paths of generated models, handed to the extension host in PYLOT_TEST_MODELS. */
export interface TestModels {
  scripted: string;
  scriptedOther: string;
  scriptedMultiLine: string;
  /** Emits nextEditScript: a Zeta-named next-edit model on the Qwen2 vocabulary. */
  nextEdit: string;
  /** Emits nextEditAtCursorScript, the same way. */
  nextEditAtCursor: string;
  renameNames: string;
  renameBadNames: string;
  privacyCompletion: string;
  privacyChat: string;
  fim: string;
  /** 0.5B-shaped random model: slow enough that typing overtakes its completions. */
  bench: string;
  /** 0.5B-shaped scripted model with a 400-word answer: slow enough to stop or crash mid-answer, and it never ends early. */
  longAnswer: string;
  /** `npm start`'s demo chat model: demoChat.text in plain chat, one create_file call under a call grammar, then demoChat.answer. */
  demoChat: string;
  /** A random-weight BERT embedding model (the workspace index's vectors). */
  embedding: string;
  notGguf: string;
  truncatedData: string;
  tooLarge: string;
}

/** A real llama-server the runner started for the suite, serving the `scripted` model. */
export interface TestServer {
  url: string;
  pid: number;
}
