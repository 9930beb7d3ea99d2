// A small element builder: the panel is built with the DOM API, so nothing but sanitised markdown
// ever goes through innerHTML. Controls are VS Code's own look (@vscode-elements, codicons), themed
// by the `--vscode-*` variables the webview host sets; only the elements used are bundled.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';

type Child = Node | string | false | undefined | null;
type Props = Partial<Record<string, string | boolean | ((event: Event) => void)>>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, props?: Props, ...children: Child[]): HTMLElement;
export function el(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    // `.name` sets a property: some components read a property that has no attribute (`label`).
    else if (key.startsWith('.')) (element as unknown as Record<string, unknown>)[key.slice(1)] = value;
    else if (key === 'className') element.className = String(value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export interface ButtonProps extends Record<string, string | boolean | undefined> {
  /** A codicon shown before the label. */
  icon?: string;
  /** The less prominent look; every button but a view's main action. */
  secondary?: boolean;
}

/** A labelled VS Code button (`<vscode-button>`: role button, Enter and Space press it). */
export function button(label: string, onClick: () => void, props: ButtonProps = {}): HTMLElement {
  return el('vscode-button', { ...props, onclick: pressed(onClick) }, label);
}

/** An icon-only action, as in VS Code's toolbars: its name for screen readers and as a tooltip. */
export function iconButton(icon: string, label: string, onClick: () => void, props: Record<string, string | boolean> = {}): HTMLElement {
  return el('vscode-toolbar-button', { icon, label, title: label, ...props, onclick: pressed(onClick) });
}

/** Focuses a component once it has rendered: before lit's first update it has nothing to take the focus. */
export function focusWhenRendered(element: HTMLElement): void {
  const rendered = (element as { updateComplete?: Promise<unknown> }).updateComplete;
  if (rendered) void rendered.then(() => element.focus());
  else element.focus();
}

/** A codicon, hidden from screen readers (the control it sits in carries the words). */
export function icon(name: string): HTMLElement {
  return el('vscode-icon', { name, 'aria-hidden': 'true' });
}

function pressed(onClick: () => void): (event: Event) => void {
  return (event) => {
    event.preventDefault();
    if (!(event.currentTarget as HTMLElement).hasAttribute('disabled')) onClick();
  };
}
