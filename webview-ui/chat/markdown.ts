// Model output as Markdown: parsed by marked, sanitised by DOMPurify (the model's text is untrusted:
// no scripts, no event handlers, no forms), then each code block is highlighted and gets Copy /
// Insert / Apply buttons.
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import type { CodeAction } from '../../protocol/chat';
import { el, iconButton } from './dom';
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
  target.replaceChildren(fragment);
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
