/** Small DOM helpers the page's modules share: finding the page's fixed nodes, making new ones. */

/** The page's node with this id, of this type; a missing one is a bug in index.html. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing from the page`);
  return node;
}

/** A new element; `text` goes in as text, never as markup, since users write it. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A `type="button"` button, so one inside a form never submits it. */
export function button(text: string, className = ''): HTMLButtonElement {
  const node = element('button', className, text);
  node.type = 'button';
  return node;
}
