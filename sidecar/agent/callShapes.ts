// Where a small model put its tool call when it wrote one as text: the trained formats of the
// chat templates llama.cpp and the model makers ship (Qwen/Hermes <tool_call>, Llama 3.1
// <|python_tag|>, Llama 3.2 and Gemma pythonic calls, Mistral [TOOL_CALLS] old and new, Functionary
// >>> and <function=…>, DeepSeek V3/R1 and V3.1, Granite and Phi-4 <|tool_call|>, Command R
// actions, Firefunction functools, Qwen3-Coder and Seed XML parameters, GLM arg pairs, Kimi K2,
// gpt-oss Harmony, Nemotron, LFM2), then fenced blocks and bare JSON. Each call found is a
// candidate object for parseReply to interpret; `attempted` says the text meant to call a tool
// (so an unreadable one is repaired, not shown to the user as the answer).
// Corpus: test/unit/golden/toolCalls/corpus.json.
import { parseLenientJson, parsePythonKeywords } from './lenientJson';

export interface Candidate {
  readonly object: Record<string, unknown>;
  /** Found inside a tool-call marker (not just a JSON object somewhere in prose). */
  readonly marked: boolean;
}

export interface FoundCalls {
  readonly candidates: Candidate[];
  /** The text looks like a tool call, readable or not. */
  readonly attempted: boolean;
}

/** Reasoning models think first; the call (or answer) is what follows. */
export function withoutThinking(text: string): string {
  return text.replace(/^[\s\S]*<\/think>/, '').replace(/^\s*<think>[\s\S]*$/, '');
}

const named = (name: string, args: unknown): Record<string, unknown> => ({ name, arguments: args ?? {} });

/** Calls written as name + arguments by the format itself. */
const namedFormats: ReadonlyArray<{ pattern: RegExp; read: (match: RegExpMatchArray) => Record<string, unknown> | undefined }> = [
  // gpt-oss Harmony: <|channel|>commentary to=functions.read_file <|constrain|>json<|message|>{…}<|call|>
  { pattern: /to=functions\.([\w.-]+)[^\n]*?<\|message\|>([\s\S]*?)(?:<\|call\|>|<\|end\|>|$)/g, read: (m) => named(m[1]!, m[2]) },
  // DeepSeek V3/R1: <｜tool▁call▁begin｜>function<｜tool▁sep｜>name\n```json\n{…}\n```; V3.1: name<｜tool▁sep｜>{…}
  {
    pattern: /<｜tool▁call▁begin｜>(?:function<｜tool▁sep｜>([\w.-]+)|([\w.-]+)<｜tool▁sep｜>)\s*([\s\S]*?)(?:<｜tool▁call▁end｜>|$)/g,
    read: (m) => named((m[1] ?? m[2])!, unfence(m[3]!)),
  },
  // Kimi K2: <|tool_call_begin|>functions.name:0<|tool_call_argument_begin|>{…}<|tool_call_end|>
  {
    pattern: /<\|tool_call_begin\|>\s*(?:functions\.)?([\w.-]+?)(?::\d+)?\s*<\|tool_call_argument_begin\|>([\s\S]*?)(?:<\|tool_call_end\|>|$)/g,
    read: (m) => named(m[1]!, m[2]),
  },
  // Mistral (v11+, Devstral, Magistral): [TOOL_CALLS]name[ARGS]{…} or with [CALL_ID]id
  { pattern: /\[TOOL_CALLS\]\s*([\w.-]+)(?:\[CALL_ID\][\w-]*)?\[ARGS\]([\s\S]*?)(?=\[TOOL_CALLS\]|<\/s>|$)/g, read: (m) => named(m[1]!, m[2]) },
  // Qwen3-Coder, Seed-OSS, Functionary v3.1, Llama 3.1 custom tools: <function=name>{…} or <parameter=key>value</parameter>…</function>
  { pattern: /<function=([\w.-]+)>([\s\S]*?)(?:<\/function>|$)/g, read: (m) => named(m[1]!, xmlParameters(m[2]!) ?? m[2]) },
  // GLM-4.5: <tool_call>name\n<arg_key>k</arg_key>\n<arg_value>v</arg_value>…</tool_call>
  {
    pattern: /<tool_call>\s*([\w.-]+)\s*((?:<arg_key>[\s\S]*?<\/arg_value>\s*)+)/g,
    read: (m) =>
      named(
        m[1]!,
        Object.fromEntries(
          [...m[2]!.matchAll(/<arg_key>([\s\S]*?)<\/arg_key>\s*<arg_value>([\s\S]*?)<\/arg_value>/g)].map((p) => [p[1]!.trim(), argValue(p[2]!)]),
        ),
      ),
  },
  // Functionary v3.2: >>>name\n{…}  (">>>all" is its plain text)
  { pattern: /(?:^|\n)>>>\s*(?!all\b)([\w.-]+)\s*\n([\s\S]*?)(?=\n>>>|$)/g, read: (m) => named(m[1]!, m[2]) },
];

/** Markers followed by a JSON object or array of calls, or pythonic calls; the payload ends at the closing marker. */
const payloadMarkers: ReadonlyArray<[open: RegExp, close: RegExp]> = [
  [/<tool_call>/, /<\/tool_call>/], // Qwen2.5, Qwen3, Hermes 2/3 (JSON or Python dict)
  [/<\|tool_call\|>/, /<\|\/tool_call\|>|<\|end_of_text\|>/], // Granite 3.x, Phi-4-mini
  [/<\|python_tag\|>/, /<\|eom_id\|>|<\|eot_id\|>/], // Llama 3.1/3.3 JSON calls
  [/\[TOOL_CALLS\]/, /<\/s>/], // Mistral v3 (Mistral 7B v0.3, Nemo, Small): [TOOL_CALLS] [{…}]
  [/functools/, /<\|eot_id\|>/], // Firefunction v2, Phi-4-mini: functools[{…}]
  [/<\|START_ACTION\|>/, /<\|END_ACTION\|>/], // Command R7B
  [/<TOOLCALL>/, /<\/TOOLCALL>/], // Nemotron
  [/<tool_calls>/, /<\/tool_calls>/], // Apriel
  [/<\|tool_call_start\|>/, /<\|tool_call_end\|>/], // LFM2: [func(a=1)]
  [/Action:\s*/, /$(?![\s\S])/], // Command R: Action: ```json [{tool_name, parameters}] ```
];

const markerPattern =
  /<tool_call>|<\|tool_call\|>|<\|python_tag\|>|\[TOOL_CALLS\]|functools\[|<\|START_ACTION\|>|<TOOLCALL>|<tool_calls>|<\|tool_call_start\|>|<function=|<｜tool▁call|<\|tool_call_begin\|>|to=functions\.|(?:^|\n)>>>\s*(?!all\b)\w/;

export function findCalls(raw: string, toolNames: readonly string[]): FoundCalls {
  const text = withoutThinking(raw).trim();
  const candidates: Candidate[] = [];
  const add = (value: unknown, marked: boolean) => {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item && typeof item === 'object' && !Array.isArray(item)) candidates.push({ object: item as Record<string, unknown>, marked });
    }
  };
  for (const { pattern, read } of namedFormats) for (const match of text.matchAll(pattern)) add(read(match), true);
  for (const [open, close] of payloadMarkers) {
    const start = open.exec(text);
    if (!start) continue;
    const after = text.slice(start.index + start[0].length);
    const end = close.exec(after);
    add(readPayload(after.slice(0, end ? end.index : undefined), toolNames), true);
  }
  for (const match of text.matchAll(/```[\w-]*\s*\n?([\s\S]*?)(?:```|$)/g)) add(readPayload(match[1]!, toolNames), false);
  add(readPayload(text, toolNames), false);
  for (const object of balancedObjects(text)) add(parseLenientJson(object), false);
  const names = toolNames.join('|');
  const pythonic = new RegExp(`(?:^|\\n)\\s*\\[?\\s*(?:${names})\\s*\\(`);
  // JSON that names one of the tools (or says "tool") meant to call it, even after some prose.
  const namesTool = new RegExp(`"(?:tool|tool_name|function)"\\s*:|"name"\\s*:\\s*"(?:${names})"`);
  const attempted =
    markerPattern.test(text) || /^(?:\{|\[\s*\{|```[\w-]*\s*[{[]|```tool_c|<\||<tool|<function)/.test(text) || pythonic.test(text) || namesTool.test(text);
  return { candidates, attempted };
}

/** A payload: JSON (an object or a list of calls), possibly fenced, or pythonic calls `[read_file(path="a")]`. */
function readPayload(payload: string, toolNames: readonly string[]): unknown {
  const text = unfence(payload).trim();
  if (!text) return undefined;
  const json = parseLenientJson(text) ?? parseLenientJson(firstBalanced(text) ?? '');
  if (json !== undefined) return json;
  return pythonicCalls(text, toolNames);
}

/** `[read_file(path="a.ts"), list_files(path=".")]` or one call without the brackets. */
function pythonicCalls(text: string, toolNames: readonly string[]): Record<string, unknown>[] | undefined {
  const body = text.replace(/^\[\s*/, '').replace(/\s*\]$/, '');
  const calls: Record<string, unknown>[] = [];
  const pattern = /([A-Za-z_][\w.]*)\s*\(((?:[^()"']|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')*)\)/g;
  for (const match of body.matchAll(pattern)) {
    const name = match[1]!.replace(/^functions\./, '');
    const args = parsePythonKeywords(match[2]!);
    if (args && toolNames.some((tool) => tool.toLowerCase() === name.toLowerCase())) calls.push(named(name, args));
  }
  return calls.length ? calls : undefined;
}

function unfence(text: string): string {
  const fenced = /^\s*```[\w-]*\s*\n?([\s\S]*?)(?:```\s*)?$/.exec(text);
  return fenced ? fenced[1]! : text;
}

/** Qwen3-Coder's `<parameter=path>\nsrc/a.ts\n</parameter>` pairs, or undefined when there are none. */
function xmlParameters(body: string): Record<string, unknown> | undefined {
  const pairs = [...body.matchAll(/<parameter=([\w.-]+)>\n?([\s\S]*?)\n?(?:<\/parameter>|(?=<parameter=)|$)/g)];
  return pairs.length ? Object.fromEntries(pairs.map((p) => [p[1]!, argValue(p[2]!)])) : undefined;
}

/** An XML-ish argument value is text; a JSON literal in it (a number, true) is read as one. */
function argValue(text: string): unknown {
  const trimmed = text.trim();
  return /^(?:-?\d+|true|false)$/.test(trimmed) ? JSON.parse(trimmed) : text.replace(/^\n/, '').replace(/\n$/, '');
}

function firstBalanced(text: string): string | undefined {
  return balancedObjects(text).next().value ?? undefined;
}

/** Each balanced `{…}` in the text, outermost first, skipping braces inside strings. */
function* balancedObjects(text: string): Generator<string> {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
    if (end > start) yield text.slice(start, end + 1);
  }
}

function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}
