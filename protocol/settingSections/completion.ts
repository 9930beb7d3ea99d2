// The Completion section of `pylot.*` settings (inline completions and next edits); see protocol/settings.ts.
import * as z from 'zod/mini';
import { declare } from '../settingDeclaration';

export const completionSettings = {
  // ── Completion ──
  'completion.enabled': declare({
    section: 'Completion',
    schema: z.boolean(),
    default: true,
    order: 2,
    description: 'Show inline completions (ghost text) while typing.',
  }),
  'completion.maxTokens': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(1), z.maximum(1024)),
    default: 64,
    order: 3,
    description: 'The most tokens one inline completion may generate.',
  }),
  'completion.timeLimitMs': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(50), z.maximum(30_000)),
    default: 500,
    order: 3,
    description: 'How long (ms) one inline completion may keep generating after its first token; what has arrived by then is shown.',
  }),
  'completion.latencyTargetMs': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(0), z.maximum(30_000)),
    default: 1000,
    order: 3,
    markdownDescription:
      "How soon (ms) the first suggestion at a new spot should appear on a local model. Pylot measures the model's speed on this machine once, gives the first prompt at a new spot only the nearest lines that can be read in time, and reads the full context in the background (in chunks a keystroke waits for at most) for the keystrokes that follow. `0` always sends the full context.",
  }),

  'nextEdit.mode': declare({
    section: 'Completion',
    schema: z.enum(['off', 'onDemand', 'eager']),
    default: 'eager',
    scope: 'language-overridable',
    order: 4,
    markdownDescription:
      'Next edit suggestions after a rename, a change made twice or a changed signature: `eager` shows them after a pause in typing, `onDemand` only on **Pylot: Suggest Next Edit** (`Alt+N`), `off` never. Set it per language in `"[python]": { … }`.',
    enumDescriptions: ['Never suggest next edits.', 'Only when asked (Pylot: Suggest Next Edit).', 'After a pause in typing.'],
  }),
  'nextEdit.model': declare({
    section: 'Completion',
    schema: z.enum(['auto', 'instruct', 'off']),
    default: 'auto',
    order: 4,
    markdownDescription:
      'Which model predicts next edits when no rename, repeated change or signature change says what comes next: `auto` a next-edit model (Zeta, Instinct, Sweep next-edit) loaded as the completion or chat model, `instruct` also the chat model when it is a plain instruct model (it rewrites the lines around the cursor), `off` none.',
    enumDescriptions: ['A next-edit model, when one is loaded.', 'A next-edit model, else the chat model.', 'No model: only the rules.'],
  }),
  'nextEdit.pauseMs': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(0), z.maximum(5_000)),
    default: 400,
    order: 4,
    description: 'How long (ms) typing must pause before eager next edit suggestions are asked for.',
  }),
  'nextEdit.snoozeMinutes': declare({
    section: 'Completion',
    schema: z.int().check(z.minimum(1), z.maximum(24 * 60)),
    default: 15,
    order: 4,
    description: 'How long Pylot: Snooze Next Edits keeps eager suggestions away.',
  }),
};
