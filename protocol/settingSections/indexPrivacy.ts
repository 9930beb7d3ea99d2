// The Index, Privacy and Advanced sections of `pylot.*` settings; see protocol/settings.ts.
import * as z from 'zod/mini';
import { declare } from '../settingDeclaration';
import { patterns } from './models';

export const indexPrivacyAdvancedSettings = {
  // ── Index ──
  'index.enabled': declare({
    section: 'Index',
    schema: z.boolean(),
    default: true,
    order: 9,
    markdownDescription:
      "Index the workspace for `@codebase` and code search: syntax-aware chunks, keyword search (BM25) and, when `pylot.models.embeddings` is set, search by meaning. The index is kept in this workspace's storage and updated as files change. `.gitignore`, `.pylotignore` and `pylot.completion.exclude` are respected; secrets, binaries and large files are never read.",
  }),
  'index.exclude': declare({
    section: 'Index',
    schema: patterns,
    default: [],
    order: 9,
    markdownDescription:
      'More files the workspace index skips, as gitignore-style patterns relative to the workspace folder (e.g. `fixtures/`, `*.generated.ts`).',
  }),
  'index.maxFileSizeKb': declare({
    section: 'Index',
    schema: z.int().check(z.minimum(1), z.maximum(65_536)),
    default: 1024,
    order: 9,
    description: 'Files larger than this (KiB) are not indexed: they are usually generated code or data.',
  }),

  // ── Privacy ── What may reach a model at all.
  'completion.exclude': declare({
    section: 'Privacy',
    schema: patterns,
    default: [],
    order: 3,
    markdownDescription:
      "Files Pylot never completes in nor sends to the model, as gitignore-style patterns relative to the workspace folder (a `.pylotignore` file at a folder's root works the same way). Secret files such as `.env` and keys are always excluded.",
  }),
  // No order: it has had none, and the Settings editor then places it after the ordered ones. The
  // default holds in the desktop app; in a browser an unset value reads nothing (extension/context/editorSignals.ts).
  'context.clipboard': declare({
    section: 'Privacy',
    schema: z.boolean(),
    default: true,
    markdownDescription:
      "Use the clipboard's text as context for completions. In VS Code for the Web (code-server, vscode.dev) reading the clipboard needs the browser's permission, so there Pylot reads it only when you turn this on yourself.",
  }),

  trace: declare({
    section: 'Privacy',
    schema: z.boolean(),
    default: false,
    order: 9,
    restartsSidecar: true,
    markdownDescription:
      "**Logs your code.** When on, Pylot's logs (the *Pylot* output channel and VS Code's log files on disk) include document text, prompts, completions, chat messages, tool arguments and file contents, to debug what a model is given and answers. Off (the default), log lines never hold code: it shows as its length. **Pylot: Show Diagnostics** leaves code out either way. Changing it restarts the engine.",
  }),
  'privacy.encryptAtRest': declare({
    section: 'Privacy',
    schema: z.boolean(),
    default: false,
    order: 4,
    markdownDescription:
      "Encrypt what Pylot stores of your code and chats — the workspace index's chunks and keyword tables, and the chat history — with AES-256-GCM, under a key kept in VS Code's secret storage. Turning it on or off converts what is stored. If the key is lost (the secret storage was cleared), the index is built again from your files and the chat history starts afresh, with a message.",
  }),

  // ── Advanced ──
  'sidecar.nodePath': declare({
    section: 'Advanced',
    schema: z.string(),
    default: '',
    scope: 'machine',
    order: 7,
    restartsSidecar: true,
    description: "Node.js binary that runs Pylot's engine process. Empty uses the one VS Code runs extensions with.",
  }),
  'advanced.flashAttention': declare({
    section: 'Advanced',
    schema: z.enum(['auto', 'on', 'off']),
    default: 'auto',
    scope: 'machine-overridable',
    order: 20,
    restartsSidecar: true,
    description: "Advanced: llama.cpp flash attention for local models. 'auto' lets llama.cpp decide per model and backend. Changing it restarts the engine.",
  }),
  'advanced.kvCacheType': declare({
    section: 'Advanced',
    schema: z.enum(['f16', 'q8_0', 'q4_0']),
    default: 'f16',
    scope: 'machine-overridable',
    order: 21,
    restartsSidecar: true,
    description:
      "Advanced: precision of the KV cache (the context's memory) for local models. Quantized caches let larger contexts fit. Changing it restarts the engine.",
    enumDescriptions: [
      'Full precision (default).',
      'Half the context memory; quality nearly unchanged.',
      'A quarter of the context memory; some quality loss.',
    ],
  }),
  'advanced.huggingFaceEndpoint': declare({
    section: 'Advanced',
    schema: z.string(),
    default: '',
    scope: 'machine',
    order: 22,
    markdownDescription:
      'Advanced: a Hugging Face mirror or proxy for catalog downloads (e.g. `https://hf-mirror.example/`). Empty uses huggingface.co. Downloads happen only when you pick a catalog model.',
  }),
};
