// What the generated models say, shared by the runner (which makes them) and the suite (which checks them).
export const script = 'return a + b;';
export const otherScript = 'return a * b;';

/** Paths of generated models, handed to the extension host in PYLOT_TEST_MODELS. */
export interface TestModels {
  scripted: string;
  scriptedOther: string;
  fim: string;
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
