/**
 * The sidebar's room list: the caller's rooms from `listRooms`, newest activity first, each
 * a button that switches to it. A DM is named after the other user (from `getRoom`'s
 * members, asked once per DM). New messages move their room up and change its preview
 * here, without asking the server; rooms the list does not know yet make it ask again.
 * Each room shows its unread count (and `@` when one of them names you), raised by new
 * messages from others and cleared when the page reads the room (unread.ts).
 */
import type { Message, ParleyClient, Room, RoomSummary } from '../client/index.js';
import { element } from './dom.js';
import type { Notice } from './notice.js';
import { afterMessage, afterRead } from './unread.js';

/** Rooms per `listRooms` page. */
const PAGE = 50;

export interface RoomsPanelDeps {
  self: string;
  client: ParleyClient;
  notice: Notice;
  /** The user picked a room in the list. */
  select(roomId: string): void;
  /** What `title(roomId)` says may have changed (a name or a DM's user became known). */
  retitled(roomId: string): void;
  /** Whether a message's content is ciphertext the page cannot read: the preview says so. */
  locked(roomId: string, content: string): boolean;
}

export class RoomsPanel {
  private readonly rooms = new Map<string, RoomSummary>();
  /** A DM's other user, once `getRoom` told it. */
  private readonly peers = new Map<string, string>();
  private cursor: string | undefined;
  private current: string | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  /** Rooms whose messages made the list ask the server again. */
  private readonly asked = new Set<string>();
  /** How far the page itself has read each room: a list answered before it still counts. */
  private readonly readHere = new Map<string, number>();

  constructor(
    private readonly list: HTMLUListElement,
    private readonly more: HTMLButtonElement,
    private readonly deps: RoomsPanelDeps,
  ) {
    more.addEventListener('click', () => void this.load(this.cursor));
  }

  /**
   * Reads the first page again: the server's view wins over what the page guessed. A call
   * while one is on its way asks once more after it, since the first may predate a change.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.load(undefined);
      } while (this.again);
      this.refreshing = undefined;
    })();
    return this.refreshing;
  }

  knows(roomId: string): boolean {
    return this.rooms.has(roomId);
  }

  /** A room the user just created, opened or joined, shown before the server lists it. */
  add(room: Room): void {
    const known = this.rooms.get(room.roomId);
    const unknownYet = { role: 'member' as const, readSeq: 0, unread: 0, unreadMentions: 0 };
    this.rooms.set(room.roomId, { ...unknownYet, ...known, ...room });
    this.render();
  }

  drop(roomId: string): void {
    this.rooms.delete(roomId);
    this.render();
  }

  select(roomId: string | undefined): void {
    this.current = roomId;
    this.render();
  }

  /** The first room in the list other than `roomId`: where to go when that one is lost. */
  next(roomId: string): string | undefined {
    return this.sorted().find((room) => room.roomId !== roomId)?.roomId;
  }

  /** How the room is called on the page: `# name` (or id), `@ user` for a DM. */
  title(roomId: string): string {
    const room = this.rooms.get(roomId);
    if (room?.kind === 'dm') return `@ ${this.peers.get(roomId) ?? 'direct message'}`;
    return `# ${room?.name ?? roomId}`;
  }

  /** An end-to-end encrypted room: the server relays ciphertext it cannot read. */
  encrypted(roomId: string): boolean {
    return this.rooms.get(roomId)?.encrypted === true;
  }

  kind(roomId: string): Room['kind'] | undefined {
    return this.rooms.get(roomId)?.kind;
  }

  /** Your read cursor in `roomId`, when the list has it. */
  readSeq(roomId: string): number | undefined {
    return this.rooms.get(roomId)?.readSeq;
  }

  /** The unread messages of every room listed: the tab's title shows it. */
  totalUnread(): number {
    let total = 0;
    for (const room of this.rooms.values()) total += room.unread;
    return total;
  }

  /** The page has shown `roomId` up to `seq`: its count goes to 0 (or what is after seq). */
  markRead(roomId: string, seq: number): void {
    this.readHere.set(roomId, Math.max(this.readHere.get(roomId) ?? 0, seq));
    const room = this.rooms.get(roomId);
    if (!room) return;
    const before = room.unread;
    Object.assign(room, afterRead(room, seq));
    if (room.unread !== before) this.render();
  }

  /** The server's word on your cursor in `roomId` (a `read_state` event). */
  setReadState(roomId: string, readSeq: number, unread: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.readSeq = readSeq;
    // Not `lastSeq`: that is the newest message this page has counted, so the message that
    // raised the SDK's count is still counted here (its mention too) when it arrives.
    room.unread = unread;
    if (unread === 0) room.unreadMentions = 0;
    this.render();
  }

  noteMessage(message: Message): void {
    const room = this.rooms.get(message.roomId);
    if (!room) {
      // Asked once per room: a busy room the server does not list must not ask on every message.
      if (!this.asked.has(message.roomId)) void this.refresh();
      this.asked.add(message.roomId);
      return;
    }
    // A history page, or one the list already counted: each message is counted once.
    if (room.lastMessage && room.lastMessage.seq >= message.seq) return;
    room.lastMessage = message;
    const fromOther = message.userId !== this.deps.self;
    const mentionsMe = message.mentions?.includes(this.deps.self) ?? false;
    Object.assign(room, afterMessage(room, message.seq, fromOther, mentionsMe));
    this.render();
  }

  /** An edit or a delete of the message the preview shows. */
  noteChange(roomId: string, seq: number, message: Message | undefined): void {
    const room = this.rooms.get(roomId);
    if (room?.lastMessage?.seq !== seq) return;
    room.lastMessage = message ?? { ...room.lastMessage, content: '', deleted: true };
    this.render();
  }

  private async load(cursor: string | undefined): Promise<void> {
    try {
      const page = await this.deps.client.listRooms({ limit: PAGE, ...(cursor ? { cursor } : {}) });
      if (cursor === undefined) this.rooms.clear();
      for (const room of page.rooms) {
        const read = this.readHere.get(room.roomId);
        this.rooms.set(
          room.roomId,
          read === undefined ? room : { ...room, ...afterRead(room, read) },
        );
      }
      this.cursor = page.cursor;
      this.render();
    } catch (error) {
      this.deps.notice.error('Could not list your rooms', error);
    }
  }

  private sorted(): RoomSummary[] {
    const activity = (room: RoomSummary) => room.lastMessage?.createdAt ?? room.createdAt;
    return [...this.rooms.values()].sort((a, b) => activity(b).localeCompare(activity(a)));
  }

  private preview(room: RoomSummary): string {
    const last = room.lastMessage;
    return preview(last, last !== undefined && this.deps.locked(room.roomId, last.content));
  }

  private render(): void {
    // The list is drawn anew; a keyboard user on one of its buttons stays on that room's.
    const focused = document.activeElement;
    const keep =
      focused instanceof HTMLButtonElement && this.list.contains(focused)
        ? focused.dataset.roomId
        : undefined;
    this.more.hidden = this.cursor === undefined;
    const items = this.sorted().map((room) => {
      if (room.kind === 'dm' && !this.peers.has(room.roomId)) this.findPeer(room.roomId);
      const pick = element('button', 'room');
      pick.type = 'button';
      pick.dataset.roomId = room.roomId;
      pick.title = this.title(room.roomId); // the full name where the list cuts it short
      if (room.roomId === this.current) pick.setAttribute('aria-current', 'true');
      pick.append(
        element('span', 'room-name', this.title(room.roomId)),
        element('span', 'room-kind', room.kind === 'dm' ? 'DM' : room.visibility),
        element('span', 'room-preview', this.preview(room)),
      );
      if (room.unread > 0) pick.querySelector('.room-kind')?.before(badges(room));
      if (room.encrypted) pick.querySelector('.room-name')?.prepend(lock());
      pick.addEventListener('click', () => this.deps.select(room.roomId));
      const item = element('li', '');
      item.append(pick);
      return item;
    });
    if (items.length === 0) items.push(element('li', 'empty', 'No rooms yet.'));
    this.list.replaceChildren(...items);
    if (keep !== undefined) {
      for (const node of Array.from(this.list.querySelectorAll('button'))) {
        if (node.dataset.roomId === keep) node.focus();
      }
    }
    if (this.current !== undefined) this.deps.retitled(this.current);
  }

  private findPeer(roomId: string): void {
    this.peers.set(roomId, '…'); // asked once, not on every render
    this.deps.client
      .getRoom(roomId)
      .then(({ members }) => {
        const other = members.find((member) => member.userId !== this.deps.self);
        this.peers.set(roomId, other?.userId ?? this.deps.self);
        this.render();
      })
      .catch(() => this.peers.delete(roomId));
  }
}

/** The unread count, and `@` when some of it names you; the hidden words say it aloud. */
function badges(room: RoomSummary): HTMLSpanElement {
  const box = element('span', 'badges');
  if (room.unreadMentions > 0) {
    const mention = element('span', 'badge mention', '@');
    mention.append(element('span', 'visually-hidden', ' mentions you,'));
    box.append(mention);
  }
  const count = element('span', 'badge unread', String(room.unread));
  count.append(element('span', 'visually-hidden', ' unread'));
  box.append(count);
  return box;
}

/** The lock before an encrypted room's name, read out as words. */
function lock(): HTMLSpanElement {
  const box = element('span', 'room-lock');
  box.append(element('span', '', '🔒'), element('span', 'visually-hidden', 'Encrypted: '));
  box.firstElementChild?.setAttribute('aria-hidden', 'true');
  return box;
}

function preview(message: Message | undefined, locked: boolean): string {
  if (!message) return 'No messages yet';
  if (message.deleted) return `${message.userId}: message deleted`;
  if (locked) return `${message.userId}: 🔒 encrypted message`;
  if (message.content === '' && message.attachments?.length) {
    return `${message.userId}: 📎 ${message.attachments.map((f) => f.fileName).join(', ')}`;
  }
  return `${message.userId}: ${message.content}`;
}
