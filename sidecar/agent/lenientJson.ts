// The JSON and Python literals small models write for tool arguments, read leniently: JSON as is,
// else the same text with the slips they make repaired in one pass (single-quoted strings, Python's
// True/False/None, unquoted keys, trailing commas, raw newlines inside strings, a last brace or
// two left off); and Python keyword arguments (`path="a.ts", startLine=3`) for the pythonic call
// formats (Llama 3.2, Gemma, LFM2). Anything still unreadable is undefined, never a guess.

/** JSON, or JSON with the usual slips repaired; undefined if still not JSON. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const repaired = repairJson(text);
    if (repaired === undefined) return undefined;
    try {
      return JSON.parse(repaired) as unknown;
    } catch {
      return undefined;
    }
  }
}

/** At most this many closing brackets are added: a model that dropped its last brace, not a reply cut mid-way. */
const maxClosers = 2;

function repairJson(text: string): string | undefined {
  let out = '';
  const open: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"' || char === "'") {
      const string = readString(text, i);
      if (!string) return undefined; // cut inside a string: the value is not whole
      out += JSON.stringify(string.value);
      i = string.end;
    } else if (char === '{' || char === '[') {
      open.push(char === '{' ? '}' : ']');
      out += char;
    } else if (char === '}' || char === ']') {
      if (open.pop() !== char) return undefined;
      out = out.replace(/,\s*$/, '') + char;
    } else if (/[A-Za-z_$]/.test(char)) {
      const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i))![0];
      i += word.length - 1;
      const literal = { True: 'true', False: 'false', None: 'null', true: 'true', false: 'false', null: 'null' }[word];
      const isKey = /^\s*:/.test(text.slice(i + 1));
      if (isKey) out += JSON.stringify(word);
      else if (literal) out += literal;
      else return undefined; // a bare word as a value: the model left out quotes, and what it meant is unknown
    } else out += char;
  }
  if (open.length > maxClosers) return undefined;
  return out.replace(/,\s*$/, '') + open.reverse().join('');
}

/** A quoted string starting at `start`, its escapes decoded and raw control characters kept; undefined if it never closes. */
function readString(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start]!;
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === quote) return { value, end: i };
    if (char !== '\\') {
      value += char;
      continue;
    }
    const next = text[++i];
    if (next === undefined) return undefined;
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else value += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
  }
  return undefined;
}

/** `path="a.ts", startLine=3, recursive=True` → an object; undefined unless every argument is a keyword with a literal value. */
export function parsePythonKeywords(text: string): Record<string, unknown> | undefined {
  const args: Record<string, unknown> = {};
  let rest = text.trim();
  while (rest) {
    const key = /^([A-Za-z_]\w*)\s*=\s*/.exec(rest);
    if (!key) return undefined;
    rest = rest.slice(key[0].length);
    let value: unknown;
    if (rest[0] === '"' || rest[0] === "'") {
      const string = readString(rest, 0);
      if (!string) return undefined;
      value = string.value;
      rest = rest.slice(string.end + 1);
    } else {
      const literal = /^(-?\d+(?:\.\d+)?|True|False|None|true|false|null)/.exec(rest);
      if (!literal) return undefined;
      value =
        literal[1] === 'True' || literal[1] === 'true'
          ? true
          : literal[1] === 'False' || literal[1] === 'false'
            ? false
            : /^-?\d/.test(literal[1]!)
              ? Number(literal[1])
              : null;
      rest = rest.slice(literal[0].length);
    }
    args[key[1]!] = value;
    rest = rest.trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
    else if (rest) return undefined;
  }
  return args;
}
