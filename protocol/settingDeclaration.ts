// How a setting is declared: the sections of the Settings editor, VS Code's scopes, and the one
// shape every declaration in settingSections/ has. protocol/settings.ts puts them together.
import type * as z from 'zod/mini';

/** The titled sections of the Settings editor, in the order it shows them. */
export const sections = ['Completion', 'Chat & Agent', 'Models & Engines', 'Index', 'Privacy', 'Advanced'] as const;
export type Section = (typeof sections)[number];

/** VS Code's configuration scopes (https://code.visualstudio.com/api/references/contribution-points#contributes.configuration). */
export type Scope = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource' | 'language-overridable';

export interface SettingDeclaration<S extends z.ZodMiniType = z.ZodMiniType> {
  readonly section: Section;
  /** What a value must be; a value that fails it is ignored (and logged) in favour of the default. */
  readonly schema: S;
  readonly default: z.infer<S>;
  /** Omitted: VS Code's default, `window` (every scope may set it). */
  readonly scope?: Scope;
  /** Place within its section; settings without one come after those with one. */
  readonly order?: number;
  /** One of the two: plain text, or markdown (links, code, emphasis) for the Settings editor. */
  readonly description?: string;
  readonly markdownDescription?: string;
  /** One line per enum member, in the schema's order. */
  readonly enumDescriptions?: readonly string[];
  /** A change needs a fresh sidecar process: the value is read when it starts (rust-analyzer's requiresServerReloadOpts). */
  readonly restartsSidecar?: true;
  /** In a workspace the user has not trusted, VS Code ignores the workspace's value (package.json's restrictedConfigurations). */
  readonly restricted?: true;
}

// Defaults are shared by every reader, so none may change one: a list default is frozen.
export const declare = <S extends z.ZodMiniType>(declaration: SettingDeclaration<S>): SettingDeclaration<S> => {
  if (typeof declaration.default === 'object' && declaration.default !== null) Object.freeze(declaration.default);
  return declaration;
};
