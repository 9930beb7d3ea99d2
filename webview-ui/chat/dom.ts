// A small element builder: the panel is built with the DOM API, so nothing but sanitised markdown
// ever goes through innerHTML.
type Child = Node | string | false | undefined | null;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | boolean | ((event: Event) => void)>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (key === 'className') element.className = String(value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export function button(label: string, onClick: () => void, props: Record<string, string | boolean> = {}): HTMLButtonElement {
  return el(
    'button',
    {
      type: 'button',
      ...props,
      onclick: (event: Event) => {
        event.preventDefault();
        onClick();
      },
    },
    label,
  );
}
