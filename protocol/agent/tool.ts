// What an agent tool is, as both processes know it: its name, what the model reads about it, its
// flat parameters as a zod schema (the model's JSON schema, the grammar and the prompt's parameter
// list are all generated from it, in toolSchema.ts), its risk class, which parameters are workspace
// paths (the policy confines each), and its approval text. One file per tool under tools/, listed
// in toolSpecs.ts; the extension runs them (extension/agent/tools/). No `vscode`, no Node.
import * as z from 'zod/mini';

/** read: looks only; write: changes files; command: runs a process. Writes and commands always need a decision. */
export type Risk = 'read' | 'write' | 'command';

export type ToolArgs = Readonly<Record<string, string | number | boolean>>;

/** What every engine's tool format and grammar can write: a string, an integer or a boolean, optional or not. */
type Scalar = z.ZodMiniString<string> | z.ZodMiniNumberFormat | z.ZodMiniBoolean<boolean>;
export type ParamShape = Readonly<Record<string, Scalar | z.ZodMiniOptional<Scalar>>>;

export interface ToolSpec<Name extends string = string, Args extends object = Record<string, unknown>> {
  readonly name: Name;
  readonly description: string;
  /** A few words for small contexts' compact prompt (the description when absent). */
  readonly brief: string;
  /** The arguments, strictly: an unknown key is an error the model hears about. */
  readonly params: z.ZodMiniType<Args>;
  /** The parameters one by one (their JSON schema, for the model, is in toolSchema.ts). */
  readonly shape: ParamShape;
  readonly risk: Risk;
  /**
   * Parameters that name workspace paths: the policy resolves each (realpath, confinement,
   * protection) before anything runs, and a tool gets them only resolved. A write tool writes its first.
   */
  readonly pathParams: readonly string[];
  /** Reads and changes nothing outside the turn (the agent's own plan): allowed without asking. */
  readonly local: boolean;
  /** One line for the approval prompt, the chat card and the log, from the call's arguments. */
  approvalTitle(args: ToolArgs): string;
}

export type ArgsOf<S extends ToolSpec> = S extends ToolSpec<string, infer Args> ? Args : never;

export interface ToolDefinition<Name extends string, Shape extends ParamShape> {
  readonly name: Name;
  readonly description: string;
  readonly brief?: string;
  readonly params: Shape;
  readonly risk: Risk;
  readonly pathParams?: readonly (keyof Shape & string)[];
  readonly local?: boolean;
  readonly approvalTitle: (args: z.infer<z.ZodMiniObject<Shape>>) => string;
}

export function defineTool<const Name extends string, Shape extends ParamShape>(
  definition: ToolDefinition<Name, Shape>,
): ToolSpec<Name, z.infer<z.ZodMiniObject<Shape>>> {
  const params = z.strictObject(definition.params);
  const titled = z.object(definition.params); // a title needs the known arguments only
  return {
    name: definition.name,
    description: definition.description,
    brief: definition.brief ?? definition.description,
    params,
    shape: definition.params,
    risk: definition.risk,
    pathParams: definition.pathParams ?? [],
    local: definition.local ?? false,
    approvalTitle: (args) => {
      // Callers show calls the sidecar proposed; one with bad arguments is named, not described.
      const parsed = titled.safeParse(args);
      return parsed.success ? definition.approvalTitle(parsed.data) : definition.name;
    },
  };
}

/** Checks a call's arguments against its tool's parameters; returns the problems, in words for the model, none when valid. */
export function argumentProblems(spec: ToolSpec, args: Readonly<Record<string, unknown>>): string[] {
  // A null parameter is one the model left out (grammars write every key); an unknown one is still unknown.
  const given = Object.fromEntries(Object.entries(args).filter(([key, value]) => !Object.hasOwn(spec.shape, key) || (value !== null && value !== undefined)));
  const parsed = spec.params.safeParse(given);
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue): string[] => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `unknown parameter "${key}"`);
    const key = String(issue.path[0] ?? '');
    if (!Object.hasOwn(given, key)) return [`"${key}" is required`];
    if (issue.code !== 'invalid_type') return [`"${key}" is out of range`];
    // z.int() expects "int", or "number" when given no number at all.
    return [`"${key}" must be ${issue.expected === 'string' || issue.expected === 'boolean' ? `a ${issue.expected}` : 'an integer'}`];
  });
}
