// Syntax highlighting of code blocks: highlight.js's core with the languages people ask about most
// (each one registered here is in the bundle), its token classes coloured in chat.css by the
// theme's own variables, so a block reads in the user's dark, light or high-contrast colours.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

for (const [name, language] of Object.entries({ bash, c, cpp, csharp, css, diff, go, java, javascript, json, python, rust, typescript, xml, yaml }))
  hljs.registerLanguage(name, language);

/**
 * Colours `code` (a block's `<code>`, whose text is the model's) when its language is known. The
 * highlighter escapes the text it wraps in spans, so sanitised text stays inert.
 */
export function highlightCode(code: HTMLElement, language: string | undefined): void {
  if (!language || !hljs.getLanguage(language)) return;
  const { value } = hljs.highlight(code.textContent ?? '', { language, ignoreIllegals: true });
  code.innerHTML = value;
  code.classList.add('hljs');
}
