/**
 * The rooms the page has joined, each with its own message list (an `<ol>` that stays in
 * the page, hidden while another room is shown), so switching rooms keeps every room
 * joined, its messages and where it was scrolled. Scroll-back, sending and the history
 * note act on the room shown. Messages that arrive while the reader is scrolled up raise
 * a "new messages below" button instead of moving the view.
 */
import type { Message, ParleyClient, ReactionEvent } from '../client/index.js';
import { timeOrderedId } from '../client/index.js';
import { element } from './dom.js';
import { describe, type Notice } from './notice.js';
import { type Draft, MessageList } from './render.js';

/** Messages per history page: the join's and each scroll-back's. */
const PAGE = 50;
/** How close to the bottom (px) still counts as "reading the latest": new messages follow. */
const FOLLOW_BOTTOM_PX = 80;

interface RoomView {
  roomId: string;
  ol: HTMLOListElement;
  list: MessageList;
  /** More history exists before the oldest message shown. */
  hasMore: boolean;
  loadingOlder: boolean;
  /** The join has been answered: later messages are live, worth announcing. */
  live: boolean;
  /** Where the reader was when another room was shown; undefined: at the bottom. */
  scrollTop: number | undefined;
}

export interface ConversationNodes {
  scroller: HTMLElement;
  container: HTMLElement;
  older: HTMLButtonElement;
  historyNote: HTMLElement;
  /** "New messages below": shown when messages arrive while the reader is scrolled up. */
  jump: HTMLButtonElement;
}

export interface ConversationDeps {
  self: string;
  client: ParleyClient;
  notice: Notice;
  announce(text: string): void;
  /** Edit of a failed send: its text goes back into the composer. */
  draft(draft: Draft): void;
  /** Whether a message's content is ciphertext the page cannot read. */
  locked(roomId: string, content: string): boolean;
  /** An end-to-end encrypted room: its files are stored encrypted. */
  encrypted(roomId: string): boolean;
}

/** How far back (in pages) a search hit's message is fetched before the page gives up. */
const REVEAL_MAX_PAGES = 20;

export class Conversations {
  private readonly views = new Map<string, RoomView>();
  private shown: RoomView | undefined;
  /** Messages from others that arrived below the view since the reader scrolled up. */
  private below = 0;

  constructor(
    private readonly nodes: ConversationNodes,
    private readonly deps: ConversationDeps,
  ) {}

  get current(): string | undefined {
    return this.shown?.roomId;
  }

  has(roomId: string): boolean {
    return this.views.has(roomId);
  }

  /**
   * Joins `roomId` (if not yet) and shows it; rejects, showing nothing new, if the join
   * fails. `readSeq`: the reader's cursor as the room list knows it, for the "New messages"
   * line when the join does not say (an SDK before read state).
   */
  async open(roomId: string, readSeq?: number): Promise<void> {
    let view = this.views.get(roomId);
    if (view) {
      // Back to a room read elsewhere: the line moves to what is new since.
      if (readSeq !== undefined && view !== this.shown) view.list.markUnreadAfter(readSeq);
      return this.show(view);
    }
    const ol = element('ol', 'message-list');
    ol.dataset.roomId = roomId;
    view = {
      roomId,
      ol,
      list: new MessageList(
        ol,
        this.deps.self,
        (content) => this.deps.locked(roomId, content),
        () => this.deps.encrypted(roomId),
      ),
      hasMore: false,
      loadingOlder: false,
      live: false,
      scrollTop: undefined,
    };
    this.views.set(roomId, view);
    this.nodes.container.append(ol);
    this.show(view);
    this.nodes.historyNote.textContent = 'Loading messages…';
    try {
      const joined = await this.deps.client.join(roomId, { limit: PAGE });
      view.list.addAll(joined.messages);
      view.list.markUnreadAfter(joined.readSeq ?? readSeq);
      view.hasMore = joined.hasMore;
      view.live = true;
      if (this.shown === view) {
        this.showHistoryState();
        this.scrollToBottom();
        await this.fillView();
      }
    } catch (error) {
      this.drop(roomId);
      throw error;
    }
  }

  /** Forgets a room the user lost or left; the caller says what to show instead. */
  drop(roomId: string): void {
    const view = this.views.get(roomId);
    if (!view) return;
    this.views.delete(roomId);
    view.ol.remove();
    if (this.shown === view) this.shown = undefined;
  }

  /** Leaves every room (the others hear it at once) and forgets them. */
  async leaveAll(): Promise<void> {
    const rooms = [...this.views.keys()];
    for (const roomId of rooms) this.drop(roomId);
    await Promise.all(rooms.map((roomId) => this.deps.client.leave(roomId).catch(() => undefined)));
  }

  /** Owners and admins see Delete on everyone's messages (styles.css keys on this). */
  setModerator(roomId: string, moderator: boolean): void {
    this.views.get(roomId)?.ol.toggleAttribute('data-moderator', moderator);
  }

  add(message: Message): void {
    const view = this.views.get(message.roomId);
    if (!view) return;
    const shown = this.shown === view;
    const follow = shown && this.nearBottom();
    if (!view.list.add(message)) return;
    if (follow) this.scrollToBottom();
    if (shown && view.live && message.userId !== this.deps.self) {
      const files = message.attachments?.length ?? 0;
      const text = files > 0 && message.content === '' ? `sent ${files} file(s)` : message.content;
      this.deps.announce(
        `${message.userId}: ${this.deps.locked(message.roomId, text) ? 'an encrypted message' : text}`,
      );
      if (!follow && message.seq === view.list.newestSeq) this.showBelow(this.below + 1);
    }
    if (shown) {
      this.showHistoryState();
      this.refreshSeen(view.roomId);
    }
  }

  /** A reaction event: one count under one message changes. */
  react(event: ReactionEvent): void {
    const mine = event.userId === this.deps.self;
    this.views.get(event.roomId)?.list.react(event.seq, event.emoji, mine, event.on);
  }

  /** The shown room is scrolled to its newest message: the reader is reading it. */
  atBottom(): boolean {
    return this.shown?.live === true && this.nearBottom();
  }

  /** The newest seq of the room's list, if any. */
  newestSeq(roomId: string): number | undefined {
    return this.views.get(roomId)?.list.newestSeq;
  }

  /** Who wrote `seq` in `roomId` and its first line, when the page has it. */
  quote(roomId: string, seq: number): { userId: string; line: string } | undefined {
    return this.views.get(roomId)?.list.quote(seq);
  }

  /** The view scrolled: at the bottom, the "new messages below" button has done its job. */
  scrolled(): void {
    if (this.below > 0 && this.nearBottom()) this.showBelow(0);
  }

  /** The button's click: down to the newest message. */
  jumpToNewest(): void {
    this.scrollToBottom();
    this.showBelow(0);
  }

  /** "Seen by" under the newest message of `roomId`, from the live calls. */
  refreshSeen(roomId: string): void {
    const view = this.views.get(roomId);
    const newest = view?.list.newestSeq;
    if (!view || newest === undefined) return;
    view.list.showSeenBy(newest, this.deps.client.seenBy(roomId, newest));
  }

  update(message: Message): void {
    this.views.get(message.roomId)?.list.update(message);
  }

  tombstone(roomId: string, seq: number): void {
    this.views.get(roomId)?.list.tombstone(seq);
  }

  /** A failed send again (Retry) or back in the composer (Edit). */
  resend(roomId: string, clientMsgId: string, edit: boolean): void {
    const view = this.views.get(roomId);
    const draft = view?.list.takeFailed(clientMsgId);
    if (!view || !draft) return;
    this.deps.notice.clear(); // the failure it told is being dealt with
    if (edit) this.deps.draft(draft);
    else this.sendTo(view, draft);
  }

  /** Sends to the room shown, or to `roomId` (files that finished uploading after a switch). */
  send(draft: Draft, roomId?: string): void {
    const view = roomId === undefined ? this.shown : this.views.get(roomId);
    if (!view || (draft.content.trim() === '' && !draft.attachments?.length)) return;
    this.sendTo(view, draft);
  }

  private sendTo(view: RoomView, draft: Draft): void {
    const clientMsgId = timeOrderedId();
    view.list.addPending(clientMsgId, draft);
    if (this.shown === view) this.jumpToNewest();
    const { content, replyTo, attachments } = draft;
    this.deps.client
      .send(view.roomId, content, {
        clientMsgId,
        ...(replyTo === undefined ? {} : { replyTo }),
        ...(attachments?.length ? { attachments } : {}),
      })
      .then((message) => this.add(message))
      .catch((error: unknown) => {
        view.list.fail(clientMsgId, describe(error));
        this.deps.notice.error('Your message was not sent', error);
      });
  }

  /**
   * Shows message `seq` of the room shown (a search hit): older pages are fetched until it
   * is in the list, then it is scrolled to the middle, marked and focused. False when the
   * page could not reach it.
   */
  async reveal(roomId: string, seq: number): Promise<boolean> {
    const view = this.views.get(roomId);
    if (!view) return false;
    for (let pages = 0; pages < REVEAL_MAX_PAGES; pages++) {
      const oldest = view.list.oldestSeq;
      if (oldest === undefined || oldest <= seq || !view.hasMore) break;
      await this.loadOlder();
    }
    const item = view.ol.querySelector(`li.message[data-seq="${seq}"]`);
    if (!(item instanceof HTMLLIElement) || this.shown !== view) return false;
    for (const old of Array.from(view.ol.querySelectorAll('li.found'))) {
      old.classList.remove('found');
    }
    item.classList.add('found');
    item.tabIndex = -1;
    item.scrollIntoView({ block: 'center' });
    item.focus({ preventScroll: true });
    return true;
  }

  /** The room's newest page again, as the client now hands it out (decrypted after a key). */
  async reload(roomId: string): Promise<void> {
    const view = this.views.get(roomId);
    if (!view) return;
    const page = await this.deps.client.history(roomId, { limit: PAGE });
    view.list.clear();
    view.list.addAll(page.messages);
    view.hasMore = page.hasMore;
    if (this.shown === view) {
      this.showHistoryState();
      this.scrollToBottom();
    }
  }

  /** Fetches the page before the oldest message shown, keeping the view where it was. */
  async loadOlder(): Promise<void> {
    const view = this.shown;
    const before = view?.list.oldestSeq;
    if (!view || view.loadingOlder || !view.hasMore || before === undefined) return;
    view.loadingOlder = true;
    this.showHistoryState();
    try {
      const page = await this.deps.client.history(view.roomId, { before, limit: PAGE });
      const { scroller } = this.nodes;
      const { scrollHeight, scrollTop } = scroller;
      view.list.addAll(page.messages);
      // Older messages go in above: shift by what they added so the reader stays put.
      if (this.shown === view)
        scroller.scrollTop = scrollTop + (scroller.scrollHeight - scrollHeight);
      view.hasMore = page.hasMore;
    } catch (error) {
      this.deps.notice.error('Could not load older messages', error);
    } finally {
      view.loadingOlder = false;
      if (this.shown === view) this.showHistoryState();
    }
    await this.fillView();
  }

  private show(view: RoomView): void {
    if (this.shown === view) return;
    if (this.shown)
      this.shown.scrollTop = this.nearBottom() ? undefined : this.nodes.scroller.scrollTop;
    this.shown = view;
    this.showBelow(0);
    for (const other of this.views.values()) other.ol.hidden = other !== view;
    this.showHistoryState();
    if (view.scrollTop === undefined) this.scrollToBottom();
    else this.nodes.scroller.scrollTop = view.scrollTop;
  }

  /** A page that does not fill the view leaves nothing to scroll: fetch older until it does. */
  private async fillView(): Promise<void> {
    const { scroller } = this.nodes;
    if (this.shown?.hasMore && scroller.scrollHeight <= scroller.clientHeight) {
      await this.loadOlder();
    }
  }

  private showHistoryState(): void {
    const view = this.shown;
    const { older, historyNote } = this.nodes;
    // Stays while loading (clicks are ignored then), so keyboard focus is not lost.
    older.hidden = !view?.hasMore;
    historyNote.textContent = !view
      ? ''
      : !view.live
        ? 'Loading messages…'
        : view.loadingOlder
          ? 'Loading older messages…'
          : view.hasMore
            ? ''
            : view.list.size === 0
              ? 'No messages yet: say hello.'
              : 'This is the start of the room.';
  }

  private nearBottom(): boolean {
    const { scrollHeight, scrollTop, clientHeight } = this.nodes.scroller;
    return scrollHeight - scrollTop - clientHeight < FOLLOW_BOTTOM_PX;
  }

  private showBelow(count: number): void {
    this.below = count;
    const { jump } = this.nodes;
    jump.hidden = count === 0;
    jump.textContent = count === 1 ? '1 new message below ↓' : `${count} new messages below ↓`;
  }

  private scrollToBottom(): void {
    this.nodes.scroller.scrollTop = this.nodes.scroller.scrollHeight;
  }
}
