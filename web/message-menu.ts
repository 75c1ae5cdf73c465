/**
 * A message's menu (render.ts draws it): Edit opens a small form in place of the text,
 * Delete deletes. The result comes back as the SDK's `message_updated`/`message_deleted`
 * (your own edits and deletes included), so this file only asks; the list shows.
 */
import type { ParleyClient } from '../client/index.js';
import { button, element } from './dom.js';
import type { Notice } from './notice.js';

export interface MessageMenuDeps {
  client(): ParleyClient | undefined;
  notice: Notice;
}

/** Where a menu's button sits: its message's room and seq, read from the list. */
function target(node: Element): { item: HTMLLIElement; roomId: string; seq: number } | undefined {
  const item = node.closest('li.message');
  const list = item?.closest('ol');
  const seq = Number(item instanceof HTMLLIElement ? item.dataset.seq : Number.NaN);
  const roomId = list instanceof HTMLOListElement ? list.dataset.roomId : undefined;
  if (!(item instanceof HTMLLIElement) || roomId === undefined || !Number.isInteger(seq)) {
    return undefined;
  }
  return { item, roomId, seq };
}

export function wireMessageMenu(container: HTMLElement, deps: MessageMenuDeps): void {
  container.addEventListener('click', (event) => {
    const clicked = event.target;
    if (!(clicked instanceof HTMLButtonElement) || !clicked.closest('.msg-actions')) return;
    const at = target(clicked);
    const client = deps.client();
    if (!at || !client) return;
    at.item.querySelector('details')?.removeAttribute('open');
    if (clicked.value === 'edit') openEditor(client, deps.notice, at);
    if (clicked.value === 'delete') {
      client
        .deleteMessage(at.roomId, at.seq)
        .catch((error: unknown) => deps.notice.error('Could not delete the message', error));
    }
  });
}

function openEditor(
  client: ParleyClient,
  notice: Notice,
  at: { item: HTMLLIElement; roomId: string; seq: number },
): void {
  if (at.item.querySelector('form.edit')) return;
  const content = at.item.querySelector('.content');
  const form = element('form', 'edit');
  const id = `edit-${at.roomId}-${at.seq}`;
  const label = element('label', 'visually-hidden', `Edit message ${at.seq}`);
  label.htmlFor = id;
  const input = element('textarea', '');
  input.id = id;
  input.rows = 2;
  input.maxLength = 4000;
  input.value = content?.textContent ?? '';
  const save = element('button', '', 'Save');
  save.type = 'submit';
  const cancel = button('Cancel');
  const close = () => {
    form.remove();
    if (content instanceof HTMLElement) content.hidden = false;
    at.item.querySelector('summary')?.focus();
  };
  cancel.addEventListener('click', close);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim() === '' || input.value === content?.textContent) return close();
    save.disabled = true;
    client
      .editMessage(at.roomId, at.seq, input.value)
      .then(close)
      .catch((error: unknown) => notice.error('Could not edit the message', error))
      .finally(() => {
        save.disabled = false;
      });
  });
  form.append(label, input, element('div', 'edit-row'));
  form.lastElementChild?.append(save, cancel);
  if (content instanceof HTMLElement) content.hidden = true;
  content?.after(form);
  input.focus();
}
