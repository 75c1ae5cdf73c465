/**
 * The chat page's message list: acked messages in seq order, each seq once, with the
 * user's own sends that are still in flight after them; edits replace a message in place
 * and a delete leaves a tombstone. Everything a user wrote goes in through `textContent`,
 * never as markup.
 */
import type { Message } from '../client/index.js';
import { button, element } from './dom.js';

/** Where one of the user's own messages stands. */
export type Delivery = 'pending' | 'acked' | 'failed';

const DELIVERY_TEXT: Record<Delivery, string> = {
  pending: 'Sending…',
  acked: 'Sent',
  failed: 'Not sent',
};

const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export class MessageList {
  private readonly bySeq = new Map<number, HTMLLIElement>();
  /** Own sends not yet acked (or failed), by clientMsgId, in the order they were sent. */
  private readonly pending = new Map<string, HTMLLIElement>();
  private oldest: number | undefined;
  private newest: number | undefined;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly self: string,
  ) {}

  /** The lowest seq shown: where the next page of older history ends. */
  get oldestSeq(): number | undefined {
    return this.oldest;
  }

  get size(): number {
    return this.bySeq.size;
  }

  /**
   * Shows an acked message in its place by seq; an own send shown as pending becomes it.
   * Returns false when that seq is already shown.
   */
  add(message: Message): boolean {
    if (this.bySeq.has(message.seq)) return false;
    const id = message.clientMsgId;
    const mine = message.userId === this.self;
    let item = mine && id !== undefined ? this.pending.get(id) : undefined;
    if (item && id !== undefined) {
      this.pending.delete(id);
      item.remove();
      fillHeader(item, message.userId, message.createdAt);
    } else {
      item = this.item(message.userId, message.content, message.createdAt, mine);
    }
    item.dataset.seq = String(message.seq);
    if (mine) setDelivery(item, 'acked');
    showState(item, message, mine);
    this.place(item, message.seq);
    this.bySeq.set(message.seq, item);
    this.oldest = this.oldest === undefined ? message.seq : Math.min(this.oldest, message.seq);
    this.newest = this.newest === undefined ? message.seq : Math.max(this.newest, message.seq);
    return true;
  }

  /** Shows an own send right away, after everything acked, until it is acked or fails. */
  addPending(clientMsgId: string, content: string): void {
    const item = this.item(this.self, content, undefined, true);
    item.dataset.clientMsgId = clientMsgId;
    setDelivery(item, 'pending');
    this.list.append(item);
    this.pending.set(clientMsgId, item);
  }

  /** An edited message, or a tombstone, in place of the one shown (none shown: nothing). */
  update(message: Message): void {
    const item = this.bySeq.get(message.seq);
    if (!item) return;
    const content = item.querySelector('.content');
    if (content) content.textContent = message.content;
    showState(item, message, message.userId === this.self);
  }

  /** A deleted message: its content goes, "message deleted" stays in its place. */
  tombstone(seq: number): void {
    const item = this.bySeq.get(seq);
    if (item) showState(item, { seq, deleted: true }, false);
  }

  /** An own send that will not be delivered: it stays, marked with why. */
  fail(clientMsgId: string, reason: string): void {
    const item = this.pending.get(clientMsgId);
    if (item) setDelivery(item, 'failed', `Not sent: ${reason}`);
  }

  clear(): void {
    this.list.replaceChildren();
    this.bySeq.clear();
    this.pending.clear();
    this.oldest = undefined;
    this.newest = undefined;
  }

  private item(
    userId: string,
    content: string,
    createdAt: string | undefined,
    own: boolean,
  ): HTMLLIElement {
    const item = element('li', own ? 'message own' : 'message');
    item.append(element('header', ''), element('p', 'content', content));
    fillHeader(item, userId, createdAt);
    return item;
  }

  /** Before the first message with a higher seq, else before the pending sends, else last. */
  private place(item: HTMLLIElement, seq: number): void {
    let before: Element | null = null;
    if (this.newest === undefined || seq > this.newest) {
      before = this.pending.values().next().value ?? null;
    } else if (this.oldest !== undefined && seq < this.oldest) {
      before = this.list.firstElementChild;
    } else {
      const children = this.list.children;
      for (let i = 0; i < children.length && before === null; i++) {
        const child = children.item(i);
        if (child instanceof HTMLElement && Number(child.dataset.seq ?? Infinity) > seq) {
          before = child;
        }
      }
    }
    this.list.insertBefore(item, before);
  }
}

/**
 * Marks an acked message edited or deleted and gives it its menu: Edit and Delete on your
 * own messages, Delete alone on others' (styles.css shows that one only to owners and
 * admins, whose role can change while the message is on screen). A tombstone has none.
 */
function showState(
  item: HTMLLIElement,
  message: Pick<Message, 'seq' | 'deleted' | 'editedAt'>,
  own: boolean,
): void {
  item.querySelector('.msg-menu')?.remove();
  item.querySelector('.edited')?.remove();
  const content = item.querySelector('.content');
  if (message.deleted) {
    item.dataset.deleted = 'true';
    item.querySelector('form.edit')?.remove(); // an edit under way has nothing left to edit
    if (content instanceof HTMLElement) {
      content.hidden = false;
      content.textContent = 'message deleted';
    }
    return;
  }
  if (message.editedAt !== undefined) {
    const edited = element('span', 'edited', '(edited)');
    edited.title = message.editedAt;
    // Beside the time it qualifies, before the delivery state that sits at the far end.
    const time = item.querySelector('header time');
    if (time) time.after(edited);
    else item.querySelector('header')?.prepend(edited);
  }
  const menu = element('details', own ? 'msg-menu' : 'msg-menu others');
  const summary = element('summary', '');
  summary.append(
    element('span', 'visually-hidden', `Actions for message ${message.seq}`),
    element('span', 'glyph', '⋯'),
  );
  summary.lastElementChild?.setAttribute('aria-hidden', 'true'); // the hidden text says it
  const actions = element('div', 'msg-actions');
  if (own) actions.append(Object.assign(button('Edit'), { value: 'edit' }));
  actions.append(Object.assign(button('Delete'), { value: 'delete' }));
  menu.append(summary, actions);
  item.querySelector('header')?.append(menu);
}

function fillHeader(item: HTMLLIElement, userId: string, createdAt: string | undefined): void {
  const header = item.querySelector('header');
  if (!header) return;
  const delivery = header.querySelector('.delivery');
  header.replaceChildren(element('span', 'author', userId));
  if (createdAt !== undefined) {
    const time = element('time', '', TIME_FORMAT.format(new Date(createdAt)));
    time.dateTime = createdAt;
    time.title = createdAt;
    header.append(time);
  }
  if (delivery) header.append(delivery);
}

function setDelivery(item: HTMLLIElement, state: Delivery, text = DELIVERY_TEXT[state]): void {
  item.dataset.state = state;
  let label = item.querySelector('.delivery');
  if (!label) {
    label = element('span', 'delivery');
    item.querySelector('header')?.append(label);
  }
  label.textContent = text;
}

/**
 * The room's online users, the signed-in one marked; when the server listed only some of
 * the `count` online (a big room), a last line says how many more there are.
 */
export function renderOnline(
  list: HTMLUListElement,
  users: readonly string[],
  self: string,
  count: number,
): void {
  const sorted = [...users].sort((a, b) => a.localeCompare(b));
  const items = sorted.map((user) => element('li', '', user === self ? `${user} (you)` : user));
  const unlisted = count - users.length;
  if (unlisted > 0) items.push(element('li', 'more', `and ${unlisted.toLocaleString()} more`));
  list.replaceChildren(...items);
}
