/**
 * The chat page's message list: acked messages in seq order, each seq once, with the
 * user's own sends that are still in flight (or failed, with Retry and Edit) after them;
 * edits replace a message in place and a delete leaves a tombstone. Consecutive messages
 * of one author share a header, each day starts with a line naming it, and the first
 * unread message of the room as opened gets a "New messages" line. Everything a user
 * wrote goes in through text nodes (message-text.ts), never as markup.
 */
import type { Message, Reaction } from '../client/index.js';
import { showAttachments } from './attachments.js';
import { continues, dayKey, dayLabel, type Stamp } from './day-groups.js';
import { button, element } from './dom.js';
import { segments } from './message-text.js';

/** Where one of the user's own messages stands. */
export type Delivery = 'pending' | 'acked' | 'failed';

/** An own send that failed, kept so Retry and Edit can send it again. */
export interface Draft {
  content: string;
  replyTo?: number;
  /** Upload ids to attach, and the files' names while the send is on its way. */
  attachments?: string[];
  fileNames?: string[];
}

/** What a message still encrypted (no key, or a wrong one) shows instead of its content. */
export const LOCKED_TEXT = '🔒 Encrypted message (no key)';

const DELIVERY_TEXT: Record<Delivery, string> = {
  pending: 'Sending…',
  acked: 'Sent',
  failed: 'Not sent',
};

/** How much of a quoted message a reply shows. */
const QUOTE_CHARS = 80;

const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export class MessageList {
  private readonly bySeq = new Map<number, HTMLLIElement>();
  /** Own sends not yet acked (or failed), by clientMsgId, in the order they were sent. */
  private readonly pending = new Map<string, HTMLLIElement>();
  private readonly drafts = new Map<string, Draft>();
  /** Each message's reactions as last shown, so a reaction event can change one count. */
  private readonly reactions = new Map<number, Reaction[]>();
  private oldest: number | undefined;
  private newest: number | undefined;
  /** The "New messages" line goes above the first message from others after this seq. */
  private readSeq: number | undefined;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly self: string,
    /** Whether content is ciphertext the page cannot read (an encrypted room, no key). */
    private readonly locked: (content: string) => boolean = () => false,
    /** An encrypted room: its files are stored encrypted (attachments.ts, `sealed`). */
    private readonly sealed: () => boolean = () => false,
  ) {}

  /** The lowest seq shown: where the next page of older history ends. */
  get oldestSeq(): number | undefined {
    return this.oldest;
  }

  /** The highest seq shown: what reading to the bottom has read. */
  get newestSeq(): number | undefined {
    return this.newest;
  }

  get size(): number {
    return this.bySeq.size;
  }

  /** Who wrote `seq` and its first line, when the list has it (a reply quotes it). */
  quote(seq: number): { userId: string; line: string } | undefined {
    const item = this.bySeq.get(seq);
    if (!item || item.dataset.deleted === 'true') return undefined;
    const text = item.querySelector('.content')?.textContent ?? '';
    const line = text.split('\n', 1)[0] ?? '';
    return {
      userId: item.dataset.userId ?? '',
      line: line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line,
    };
  }

  /**
   * Shows an acked message in its place by seq; an own send shown as pending becomes it.
   * Returns false when that seq is already shown.
   */
  add(message: Message): boolean {
    if (this.bySeq.has(message.seq)) return false;
    this.strip();
    this.insert(message);
    this.decorate();
    return true;
  }

  /** A page of history at once: the list is regrouped once, not once a message. */
  addAll(messages: readonly Message[]): void {
    this.strip();
    for (const message of messages) if (!this.bySeq.has(message.seq)) this.insert(message);
    this.decorate();
  }

  private insert(message: Message): void {
    const id = message.clientMsgId;
    const mine = message.userId === this.self;
    let item = mine && id !== undefined ? this.pending.get(id) : undefined;
    if (item && id !== undefined) {
      this.pending.delete(id);
      this.drafts.delete(id);
      item.remove();
      fillHeader(item, message.userId, message.createdAt);
    } else {
      item = this.item(message.userId, message.content, message.createdAt, mine, message.replyTo);
    }
    item.dataset.seq = String(message.seq);
    item.dataset.createdAt = message.createdAt;
    if (mine) setDelivery(item, 'acked');
    item.querySelector('.pending-files')?.remove();
    this.fillContent(item, message.content);
    showAttachments(item, message.deleted ? undefined : message.attachments, this.sealed());
    showState(item, message, mine);
    this.showReactions(item, message.seq, message.reactions);
    this.place(item, message.seq);
    this.bySeq.set(message.seq, item);
    this.oldest = this.oldest === undefined ? message.seq : Math.min(this.oldest, message.seq);
    this.newest = this.newest === undefined ? message.seq : Math.max(this.newest, message.seq);
  }

  /** Shows an own send right away, after everything acked, until it is acked or fails. */
  addPending(clientMsgId: string, draft: Draft): void {
    const item = this.item(this.self, draft.content, undefined, true, draft.replyTo);
    item.dataset.clientMsgId = clientMsgId;
    if (draft.fileNames?.length) {
      item
        .querySelector('.content')
        ?.after(element('p', 'pending-files', `📎 ${draft.fileNames.join(', ')}`));
    }
    setDelivery(item, 'pending');
    this.strip();
    this.list.append(item);
    this.pending.set(clientMsgId, item);
    this.drafts.set(clientMsgId, draft);
    this.decorate();
  }

  /** An edited message (or its new reactions), or a tombstone, in place of the one shown. */
  update(message: Message): void {
    const item = this.bySeq.get(message.seq);
    if (!item) return;
    if (!message.deleted) this.fillContent(item, message.content);
    showAttachments(item, message.deleted ? undefined : message.attachments, this.sealed());
    showState(item, message, message.userId === this.self);
    this.showReactions(item, message.seq, message.deleted ? undefined : message.reactions);
  }

  /** One reaction added (`on`) or taken back by `mine` (you) or someone else. */
  react(seq: number, emoji: string, mine: boolean, on: boolean): void {
    const item = this.bySeq.get(seq);
    if (!item || item.dataset.deleted === 'true') return;
    const next = [...(this.reactions.get(seq) ?? [])];
    const at = next.findIndex((reaction) => reaction.emoji === emoji);
    const old = next[at] ?? { emoji, count: 0, me: false };
    if (mine && old.me === on) return; // already so (your own call's echo)
    const changed = { emoji, count: old.count + (on ? 1 : -1), me: mine ? on : old.me };
    if (at >= 0) next[at] = changed;
    else next.push(changed);
    this.showReactions(item, seq, next);
  }

  /** A deleted message: its content goes, "message deleted" stays in its place. */
  tombstone(seq: number): void {
    const item = this.bySeq.get(seq);
    if (item) {
      showState(item, { seq, deleted: true }, false);
      this.showReactions(item, seq, undefined);
    }
  }

  /** An own send that will not be delivered: it stays, marked with why, with Retry and Edit. */
  fail(clientMsgId: string, reason: string): void {
    const item = this.pending.get(clientMsgId);
    if (!item) return;
    setDelivery(item, 'failed', `Not sent: ${reason}`);
    const actions = element('div', 'failed-actions');
    const retry = button('Retry');
    retry.value = 'retry';
    const edit = button('Edit');
    edit.value = 'edit-failed';
    actions.append(retry, edit);
    item.querySelector('.failed-actions')?.remove();
    item.append(actions);
  }

  /** Takes a failed send off the list, giving back what it said (Retry and Edit use it). */
  takeFailed(clientMsgId: string): Draft | undefined {
    const item = this.pending.get(clientMsgId);
    const draft = this.drafts.get(clientMsgId);
    if (item?.dataset.state !== 'failed') return undefined;
    this.strip();
    item.remove();
    this.pending.delete(clientMsgId);
    this.drafts.delete(clientMsgId);
    this.decorate();
    return draft;
  }

  /** Puts the "New messages" line above the first message from others after `readSeq`. */
  markUnreadAfter(readSeq: number | undefined): void {
    this.readSeq = readSeq;
    this.strip();
    this.decorate();
  }

  /** "Seen by …" under message `seq` (the newest), or nothing when nobody else has. */
  showSeenBy(seq: number, users: readonly string[]): void {
    for (const old of Array.from(this.list.querySelectorAll('.seen-by'))) old.remove();
    const item = this.bySeq.get(seq);
    if (!item || users.length === 0) return;
    item.append(element('p', 'seen-by', `Seen by ${users.join(', ')}`));
  }

  clear(): void {
    this.list.replaceChildren();
    this.bySeq.clear();
    this.pending.clear();
    this.drafts.clear();
    this.reactions.clear();
    this.oldest = undefined;
    this.newest = undefined;
  }

  /** The text, or the lock for ciphertext; none (hidden) for a message of files alone. */
  private fillContent(item: HTMLLIElement, content: string): void {
    const node = item.querySelector('.content');
    if (!(node instanceof HTMLElement)) return;
    const locked = this.locked(content);
    node.classList.toggle('locked', locked);
    if (locked) node.textContent = LOCKED_TEXT;
    else fillText(node, content, this.self);
    node.hidden = content === '';
  }

  private showReactions(item: HTMLLIElement, seq: number, list: Reaction[] | undefined): void {
    const kept = (list ?? []).filter((reaction) => reaction.count > 0);
    this.reactions.set(seq, kept);
    showReactions(item, kept);
  }

  private item(
    userId: string,
    content: string,
    createdAt: string | undefined,
    own: boolean,
    replyTo: number | undefined,
  ): HTMLLIElement {
    const item = element('li', own ? 'message own' : 'message');
    item.dataset.userId = userId;
    const text = element('p', 'content');
    text.dir = 'auto';
    fillText(text, content, this.self);
    text.hidden = content === '';
    item.append(element('header', ''));
    if (replyTo !== undefined) {
      const quote = element('p', 'reply-quote');
      quote.dataset.replyTo = String(replyTo);
      quote.dir = 'auto';
      item.append(quote);
    }
    item.append(text);
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

  /** Takes the day lines and the unread line out, so the list holds messages only. */
  private strip(): void {
    for (const node of Array.from(this.list.querySelectorAll(':scope > .divider'))) node.remove();
  }

  /** Groups by author, puts the day lines and the unread line in, fills in reply quotes. */
  private decorate(): void {
    const now = new Date();
    let previous: Stamp | undefined;
    let marked = false;
    for (const item of Array.from(this.list.children)) {
      if (!(item instanceof HTMLLIElement)) continue;
      const createdAt = item.dataset.createdAt;
      const stamp = {
        userId: item.dataset.userId ?? '',
        time: createdAt ? new Date(createdAt) : now,
      };
      if (!previous || dayKey(previous.time) !== dayKey(stamp.time)) {
        item.before(divider('day-separator', dayLabel(stamp.time, now)));
        previous = undefined;
      }
      const seq = Number(item.dataset.seq ?? Number.NaN);
      if (
        !marked &&
        this.readSeq !== undefined &&
        seq > this.readSeq &&
        stamp.userId !== this.self
      ) {
        item.before(divider('unread-marker', 'New messages'));
        marked = true;
        previous = undefined;
      }
      const continued = continues(previous, stamp);
      item.classList.toggle('continued', continued);
      // The shared header's name and time: still read out, not repeated on screen.
      for (const part of Array.from(item.querySelectorAll('header .author, header time'))) {
        part.classList.toggle('visually-hidden', continued);
      }
      previous = stamp;
      const quote = item.querySelector('.reply-quote');
      if (quote instanceof HTMLElement) this.fillQuote(quote);
    }
  }

  private fillQuote(node: HTMLElement): void {
    const seq = Number(node.dataset.replyTo);
    const quoted = this.quote(seq);
    node.textContent = quoted ? `↪ ${quoted.userId}: ${quoted.line}` : `↪ #${seq}`;
  }
}

/**
 * Replaces `node`'s children with the message's text, links (a new tab, no opener, no
 * referrer) and mentions: text nodes and elements made here, never markup.
 */
function fillText(node: HTMLElement, content: string, self: string): void {
  node.replaceChildren(
    ...segments(content, self).map((segment) => {
      if (segment.kind === 'text') return document.createTextNode(segment.text);
      if (segment.kind === 'mention') {
        const mark = document.createElement('mark');
        mark.className = 'mention';
        mark.textContent = segment.text;
        return mark;
      }
      const link = document.createElement('a');
      link.href = segment.href;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = segment.text;
      return link;
    }),
  );
}

function divider(className: string, text: string): HTMLLIElement {
  const item = element('li', `divider ${className}`);
  item.append(element('span', '', text));
  return item;
}

/**
 * Marks an acked message edited or deleted and gives it its menu: Reply (and React when
 * the live calls are there) on every message, Edit and Delete on your own, Delete alone on
 * others' (styles.css shows that one only to owners and admins, whose role can change
 * while the message is on screen). A tombstone has none.
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
  const menu = element('details', 'msg-menu');
  const summary = element('summary', '');
  summary.append(
    element('span', 'visually-hidden', `Actions for message ${message.seq}`),
    element('span', 'glyph', '⋯'),
  );
  summary.lastElementChild?.setAttribute('aria-hidden', 'true'); // the hidden text says it
  const actions = element('div', 'msg-actions');
  actions.append(Object.assign(button('Reply'), { value: 'reply' }));
  actions.append(Object.assign(button('React'), { value: 'react' }));
  if (own) actions.append(Object.assign(button('Edit'), { value: 'edit' }));
  const remove = Object.assign(button('Delete', own ? '' : 'others'), { value: 'delete' });
  actions.append(remove);
  menu.append(summary, actions);
  item.querySelector('header')?.append(menu);
}

/** The reactions under a message: emoji and count, yours marked; each a toggle button. */
function showReactions(item: HTMLLIElement, reactions: readonly Reaction[] | undefined): void {
  item.querySelector('.reactions')?.remove();
  const shown = (reactions ?? []).filter((reaction) => reaction.count > 0);
  if (shown.length === 0) return;
  const row = element('div', 'reactions');
  for (const reaction of shown) {
    const label = `${reaction.emoji} ${reaction.count}`;
    const chip = button(label, 'reaction');
    if (reaction.me) chip.classList.add('me');
    chip.value = 'react-toggle';
    chip.dataset.emoji = reaction.emoji;
    chip.setAttribute('aria-pressed', String(reaction.me));
    chip.title = reaction.me ? `${reaction.emoji}: you and ${reaction.count - 1} more` : label;
    row.append(chip);
  }
  const content = item.querySelector('.content');
  if (content) content.after(row);
  else item.append(row);
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
  if (state !== 'failed') item.querySelector('.failed-actions')?.remove();
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
