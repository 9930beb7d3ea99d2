// Model output as Markdown: parsed by marked, sanitised by DOMPurify (the model's text is untrusted:
// no scripts, no event handlers, no forms), then each code block is highlighted and gets Copy /
// Insert / Apply buttons, and file names become links that open the file at the line.
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import type { CodeAction } from '../../protocol/chat';
import { el, iconButton } from './dom';
import { postToHost } from './host';
import { highlightCode } from './highlight';

marked.setOptions({ gfm: true, breaks: false });

const purifyOptions = {
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style'],
  ALLOW_DATA_ATTR: false,
};

// Links open through VS Code (the webview cannot navigate); keep them but make them inert here.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node instanceof HTMLAnchorElement) {
    node.setAttribute('rel', 'noreferrer noopener');
    node.setAttribute('target', '_blank');
  }
});

export type CodeHandler = (action: CodeAction, code: string, language: string | undefined) => void;

export function renderMarkdown(target: HTMLElement, text: string, onCode: CodeHandler): void {
  const html = marked.parse(text, { async: false });
  const fragment = DOMPurify.sanitize(html, { ...purifyOptions, RETURN_DOM_FRAGMENT: true });
  for (const pre of Array.from(fragment.querySelectorAll('pre'))) decorateCodeBlock(pre, onCode);
  linkFiles(fragment);
  target.replaceChildren(fragment);
}

/** `src/a.ts`, `src/a.ts:12` or `src/a.ts#L12`: a workspace-relative file and an optional line. */
const fileReference = /^(?!\/|[a-z][\w+.-]*:)(?!(?:.*\/)?\.\.?(?:\/|$))([\w@.-]+(?:\/[\w@.-]+)*\.\w+)(?:(?::|#L)(\d+))?$/i;

const codeExtensions = /\.(ts|tsx|js|jsx|mjs|cjs|py|rs|go|java|kt|c|h|cc|cpp|hpp|cs|rb|php|swift|vue|svelte|css|scss|html|json|ya?ml|toml|md|txt|sh)$/i;

/**
 * Links to files open them in the editor at the line: relative links (`[a.ts](src/a.ts#L3)`) and
 * file names in inline code (`src/a.ts:3`). The host resolves them inside the workspace only.
 */
function linkFiles(fragment: DocumentFragment): void {
  for (const anchor of Array.from(fragment.querySelectorAll('a'))) {
    const match = fileReference.exec(anchor.getAttribute('href') ?? '');
    if (match) makeFileLink(anchor, match);
  }
  for (const code of Array.from(fragment.querySelectorAll(':not(pre) > code'))) {
    const match = fileReference.exec(code.textContent ?? '');
    // Inline code is often an expression (`console.log`): a bare name is a file only by its extension.
    const likely = match && (match[1]!.includes('/') || match[2] || codeExtensions.test(match[1]!));
    if (likely && code.parentElement?.tagName !== 'A') {
      const anchor = el('a', { href: '#' });
      code.replaceWith(anchor);
      anchor.append(code);
      makeFileLink(anchor, match);
    }
  }
}

function makeFileLink(anchor: HTMLAnchorElement, [, path, line]: RegExpExecArray): void {
  anchor.setAttribute('href', '#');
  anchor.removeAttribute('target');
  anchor.className = 'file-link';
  anchor.title = `Open ${path}${line ? ` at line ${line}` : ''}`;
  anchor.addEventListener('click', (event) => {
    event.preventDefault();
    postToHost({ type: 'openFile', path: path!, ...(line ? { line: Number(line) } : {}) });
  });
}

function decorateCodeBlock(pre: HTMLPreElement, onCode: CodeHandler): void {
  const code = pre.querySelector('code');
  const language = /language-([\w+#.-]+)/.exec(code?.className ?? '')?.[1];
  const source = () => (code ?? pre).textContent?.replace(/\n$/, '') ?? '';
  const toolbar = el(
    'div',
    { className: 'code-toolbar', role: 'toolbar', 'aria-label': `${language ?? 'code'} block actions` },
    language ? el('span', { className: 'code-language' }, language) : undefined,
    iconButton('copy', 'Copy', () => onCode('copy', source(), language)),
    iconButton('insert', 'Insert at cursor', () => onCode('insert', source(), language)),
    iconButton('git-pull-request-go-to-changes', 'Apply to file', () => onCode('apply', source(), language), {
      title: 'Apply to file: review a diff, then replace the selection (or the file)',
    }),
  );
  if (code) highlightCode(code, language);
  const wrapper = el('div', { className: 'code-block' });
  pre.replaceWith(wrapper);
  wrapper.append(toolbar, pre);
}
