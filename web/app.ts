/**
 * The dev server's chat page: sign in by name (a dev token from `/dev-token`), then the
 * rooms you are in (switch without leaving them), new rooms and DMs, the room's history
 * (older pages as you scroll up), live chat with edits and deletes, who is online, the
 * members and, for owners and admins, moderation. Built on the client SDK; the dev server
 * bundles this file with esbuild. Each part is a module of its own; this file signs in
 * and wires the SDK's events to them, keeps the unread counts and the tab's title, and
 * tells a server it cannot reach from one that refused it. Files (uploads.ts), search
 * (search-panel.ts) and encrypted rooms' passphrases (key-dialog.ts) are wired here too.
 */
import {
  type ConnectionState,
  connect,
  isParleyError,
  type ParleyClient,
} from '../client/index.js';
import { wireSealedFiles } from './attachments.js';
import { Composer } from './composer.js';
import { Conversations } from './conversations.js';
import { byId } from './dom.js';
import { KeyDialog } from './key-dialog.js';
import { MembersPanel } from './members-panel.js';
import { wireMessageMenu } from './message-menu.js';
import { describe, Notice } from './notice.js';
import { renderOnline } from './render.js';
import { wireRoomForms } from './room-forms.js';
import { type RoomKeys, roomKeys } from './room-keys.js';
import { RoomsPanel } from './rooms-panel.js';
import { SearchPanel } from './search-panel.js';
import {
  fetchToken,
  forgetSession,
  NAME_PATTERN,
  readSession,
  type Session,
  saveSession,
} from './session.js';
import { withUnread } from './unread.js';
import { UploadTray } from './uploads.js';

/** How close to the top (px) a scroll must come to fetch the previous page. */
const LOAD_OLDER_AT_PX = 48;

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting… (messages you send will wait)',
  closed: 'Disconnected',
};

const ui = {
  status: byId('status', HTMLSpanElement),
  outage: byId('outage', HTMLParagraphElement),
  people: byId('people', HTMLElement),
  peopleToggle: byId('people-toggle', HTMLButtonElement),
  presenceStale: byId('presence-stale', HTMLParagraphElement),
  jumpNew: byId('jump-new', HTMLButtonElement),
  typingLine: byId('typing-line', HTMLParagraphElement),
  send: byId('send', HTMLButtonElement),
  replyChip: byId('reply-chip', HTMLDivElement),
  replyText: byId('reply-text', HTMLSpanElement),
  replyCancel: byId('reply-cancel', HTMLButtonElement),
  composeCount: byId('compose-count', HTMLParagraphElement),
  identity: byId('identity', HTMLParagraphElement),
  leave: byId('leave', HTMLButtonElement),
  joinForm: byId('join', HTMLFormElement),
  joinName: byId('join-name', HTMLInputElement),
  joinRoom: byId('join-room', HTMLInputElement),
  joinError: byId('join-error', HTMLParagraphElement),
  joinButton: byId('join', HTMLFormElement).querySelector('button[type="submit"]'),
  chat: byId('chat', HTMLDivElement),
  notice: byId('notice', HTMLParagraphElement),
  roomTitle: byId('room-title', HTMLHeadingElement),
  scroller: byId('scroller', HTMLElement),
  older: byId('older', HTMLButtonElement),
  historyNote: byId('history-note', HTMLSpanElement),
  messages: byId('messages', HTMLDivElement),
  compose: byId('compose', HTMLFormElement),
  composeInput: byId('compose-input', HTMLTextAreaElement),
  online: byId('online', HTMLUListElement),
  onlineCount: byId('online-count', HTMLSpanElement),
  announcer: byId('announcer', HTMLDivElement),
  rooms: byId('rooms', HTMLUListElement),
  roomsMore: byId('rooms-more', HTMLButtonElement),
  roomsRefresh: byId('rooms-refresh', HTMLButtonElement),
  members: byId('members', HTMLUListElement),
  membersMore: byId('members-more', HTMLButtonElement),
  addMember: byId('add-member', HTMLFormElement),
  addMemberUser: byId('add-member-user', HTMLInputElement),
  addMemberRole: byId('add-member-role', HTMLSelectElement),
  unban: byId('unban', HTMLFormElement),
  unbanUser: byId('unban-user', HTMLInputElement),
  keyOpen: byId('key-open', HTMLButtonElement),
  conversation: byId('scroller', HTMLElement).closest('section.conversation'),
};

// A scrolling region must take focus for keyboard users to scroll it (WCAG 2.1.1, axe's
// scrollable-region-focusable); Biome's HTML lint forbids tabindex on a <section> and its
// HTML suppressions do not apply yet, hence here.
ui.scroller.tabIndex = 0;

interface Chat {
  session: Session;
  client: ParleyClient;
  conversations: Conversations;
  rooms: RoomsPanel;
  members: MembersPanel;
  unsubscribe: (() => void)[];
  /** The newest seq told to `client.markRead`, per room: each is told once. */
  marked: Map<string, number>;
  /** The SDK's end-to-end encryption (room-keys.ts). */
  keys: RoomKeys;
}

const notice = new Notice(ui.notice);
let chat: Chat | undefined;
const composer = new Composer(
  {
    input: ui.composeInput,
    send: ui.send,
    count: ui.composeCount,
    reply: ui.replyChip,
    replyText: ui.replyText,
    replyCancel: ui.replyCancel,
  },
  () => {
    const roomId = chat?.conversations.current;
    if (chat && roomId !== undefined) chat.client.typing(roomId);
  },
);

const uploads = new UploadTray(
  {
    tray: byId('upload-tray', HTMLUListElement),
    attach: byId('attach', HTMLButtonElement),
    picker: byId('attach-input', HTMLInputElement),
    dropZone: ui.conversation instanceof HTMLElement ? ui.conversation : ui.scroller,
    input: ui.composeInput,
  },
  {
    client: () => chat?.client,
    room: () => chat?.conversations.current,
    announce,
  },
);

const keyDialog = new KeyDialog({
  keys: () => chat?.keys,
  unlocked: async (roomId) => {
    const current = chat;
    if (!current) return;
    notice.show(`${current.rooms.title(roomId)} unlocked on this device`);
    // The header's button said "Enter passphrase" until now.
    showKeyButton(current, current.conversations.current);
    await current.conversations.reload(roomId).catch((error: unknown) => {
      notice.error('Could not load the messages again', error);
    });
  },
});

const search = new SearchPanel({
  client: () => chat?.client,
  title: (roomId) => chat?.rooms.title(roomId) ?? roomId,
  open: async (roomId, seq) => {
    const current = chat;
    if (!current) return;
    await openRoom(current, roomId);
    if (!(await current.conversations.reveal(roomId, seq))) {
      notice.show(`Message #${seq} is too far back to show here`);
    }
  },
});

function showState(state: ConnectionState): void {
  ui.status.textContent = STATE_TEXT[state];
  ui.status.parentElement?.setAttribute('data-state', state);
  if (state === 'open' || state === 'closed') showOutage(false);
  if (state === 'reconnecting') showOutage(true);
}

/**
 * The server cannot be reached: the client retries by itself, so the page says so and
 * greys the online list, which is only the last one known until the connection is back.
 */
function showOutage(down: boolean): void {
  ui.outage.hidden = !down;
  ui.people.toggleAttribute('data-stale', down);
  ui.presenceStale.hidden = !down;
}

/**
 * A token the page could not fetch because the network failed is an outage, not a
 * refusal: the SDK reports it as `unauthorized` ("Could not get a token or a WebSocket")
 * with the fetch's TypeError as its cause, and retries.
 */
function isUnreachable(error: unknown): boolean {
  return isParleyError(error, 'unauthorized') && error.cause instanceof TypeError;
}

/** The tab is in front and has focus: what the shown room shows is being read. */
function pageActive(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/** The shown room is read to its newest message when it is on screen at the bottom. */
function readShown(current: Chat): void {
  const roomId = current.conversations.current;
  if (roomId === undefined || !current.conversations.atBottom() || !pageActive()) return;
  const seq = current.conversations.newestSeq(roomId);
  if (seq === undefined) return;
  current.rooms.markRead(roomId, seq);
  if ((current.marked.get(roomId) ?? 0) >= seq) return;
  current.marked.set(roomId, seq);
  current.client.markRead(roomId, seq).catch(() => {
    current.marked.delete(roomId); // told again on the next chance
  });
}

function showTyping(current: Chat, roomId: string): void {
  if (current.conversations.current !== roomId) return;
  const users = current.client.typingUsers(roomId);
  ui.typingLine.textContent =
    users.length === 0
      ? ''
      : users.length === 1
        ? `${users[0]} is typing…`
        : users.length <= 3
          ? `${users.join(', ')} are typing…`
          : 'Several people are typing…';
}

function announce(text: string): void {
  // Replacing the text makes a polite live region read the new line once.
  ui.announcer.textContent = text;
}

/** `count` is how many are online; in a big room the server lists only some of them. */
function showOnline(current: Chat, roomId: string | undefined): void {
  const users = roomId === undefined ? [] : current.client.online(roomId);
  const count = roomId === undefined ? 0 : current.client.onlineCount(roomId);
  renderOnline(ui.online, users, current.session.name, count);
  ui.onlineCount.textContent = String(Math.max(count, users.length));
}

/** Shows `roomId` (joining it first if the page has not): the other rooms stay joined. */
async function openRoom(current: Chat, roomId: string): Promise<void> {
  const previous = current.conversations.current;
  show(current, roomId);
  try {
    await current.conversations.open(roomId, current.rooms.readSeq(roomId));
  } catch (error) {
    // A refused join shows nothing: go back to the room the user was reading.
    if (chat === current && previous !== undefined && current.conversations.has(previous)) {
      show(current, previous);
      await current.conversations.open(previous);
      current.members.refresh(previous);
    }
    throw error;
  }
  if (chat !== current) return;
  // Joining a public room makes you a member: the list learns of it from the server.
  const known = current.rooms.knows(roomId);
  if (!known) await current.rooms.refresh();
  if (chat !== current || current.conversations.current !== roomId) return;
  current.members.refresh(roomId);
  showOnline(current, roomId);
  readShown(current);
  showKeyButton(current, roomId);
  if (current.rooms.encrypted(roomId) && !keyDialog.has(roomId)) {
    keyDialog.ask(roomId, current.rooms.title(roomId));
  }
}

/** An encrypted room shown: its passphrase can be given (again) from the room's header. */
function showKeyButton(current: Chat, roomId: string | undefined): void {
  const encrypted = roomId !== undefined && current.rooms.encrypted(roomId);
  ui.keyOpen.hidden = !encrypted;
  ui.keyOpen.textContent =
    roomId !== undefined && keyDialog.has(roomId) ? '🔒 Encrypted' : '🔒 Enter passphrase';
}

/** Everything around the messages that follows the room shown. */
function show(current: Chat, roomId: string): void {
  current.session.room = roomId;
  saveSession(current.session);
  current.rooms.select(roomId);
  showTitle(current, roomId);
  // Members are listed once the room is joined (`openRoom`): asked before, the server
  // answers that a room the join is about to create does not exist.
  current.members.show(roomId, current.rooms.kind(roomId), false);
  showOnline(current, roomId);
  showTyping(current, roomId);
  showKeyButton(current, roomId);
  uploads.clear();
  composer.clearReply();
  ui.composeInput.focus();
}

function showTitle(current: Chat, roomId: string | undefined): void {
  const title = roomId === undefined ? 'No room open' : current.rooms.title(roomId);
  ui.roomTitle.textContent = title;
  const base = roomId === undefined ? 'Parley' : `${title.replace(/^# /, '#')} · Parley`;
  document.title = withUnread(base, current.rooms.totalUnread());
}

/** The room is gone for this user (removed, banned, or lost): show the next one, or none. */
function loseRoom(current: Chat, roomId: string, why: string): void {
  notice.show(why);
  const wasShown = current.conversations.current === roomId;
  current.conversations.drop(roomId);
  const next = current.rooms.next(roomId);
  current.rooms.drop(roomId);
  if (!wasShown) return;
  if (next !== undefined) {
    void openRoom(current, next).catch((error: unknown) =>
      notice.error(`Could not open ${next}`, error),
    );
  } else {
    current.rooms.select(undefined);
    current.members.show(undefined);
    showTitle(current, undefined);
    showOnline(current, undefined);
  }
}

function listen(current: Chat): void {
  const { client, conversations, rooms, members } = current;
  const self = current.session.name;
  current.unsubscribe.push(
    client.on('state', (state) => {
      showState(state);
      if (state === 'open') void rooms.refresh();
    }),
    client.on('message', (message) => {
      conversations.add(message);
      rooms.noteMessage(message);
      if (message.roomId === conversations.current) readShown(current);
      else showTitle(current, conversations.current);
    }),
    client.on('message_updated', (message) => {
      conversations.update(message);
      rooms.noteChange(message.roomId, message.seq, message);
    }),
    client.on('message_deleted', ({ roomId, seq }) => {
      conversations.tombstone(roomId, seq);
      rooms.noteChange(roomId, seq, undefined);
    }),
    client.on('online', ({ roomId }) => {
      if (roomId === conversations.current) showOnline(current, roomId);
    }),
    client.on('member_update', ({ roomId, userId, change }) => {
      members.refresh(roomId);
      if (userId === self && change === 'muted')
        notice.show(`You were muted in ${rooms.title(roomId)}`);
      if (userId === self && change === 'unmuted')
        notice.show(`You may send in ${rooms.title(roomId)} again`);
    }),
    client.on('removed', ({ roomId, reason }) => {
      const title = rooms.title(roomId);
      const why =
        reason === 'banned'
          ? `You were banned from ${title}`
          : reason === 'left'
            ? `You left ${title} (from another device)`
            : `You were removed from ${title}`;
      loseRoom(current, roomId, why);
    }),
    client.on('resync_failed', ({ roomId, error }) => {
      loseRoom(current, roomId, `Lost ${rooms.title(roomId)}: ${describe(error)}`);
    }),
    client.on('error', (error) => {
      if (isUnreachable(error)) showOutage(true);
      else notice.error('The server said', error);
    }),
    client.on('typing_users', ({ roomId }) => showTyping(current, roomId)),
    client.on('read', ({ roomId }) => conversations.refreshSeen(roomId)),
    client.on('read_state', ({ roomId, readSeq, unread }) => {
      rooms.setReadState(roomId, readSeq, unread);
      showTitle(current, conversations.current);
    }),
    client.on('reaction', (event) => conversations.react(event)),
  );
}

async function start(session: Session): Promise<void> {
  ui.joinError.textContent = '';
  notice.clear();
  // Sign in before connecting, so a refused name is told on the form.
  let first: string | undefined = await fetchToken(session.name);
  const client = connect({
    url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`,
    // Called on every (re)connect: a fresh token each time after the first.
    token: () => {
      const token = first ?? fetchToken(session.name);
      first = undefined;
      return token;
    },
  });
  const self = session.name;
  // Filled in below: the panels call back into the chat they belong to.
  const current: Chat = {
    session,
    client,
    conversations: new Conversations(
      {
        scroller: ui.scroller,
        container: ui.messages,
        older: ui.older,
        historyNote: ui.historyNote,
        jump: ui.jumpNew,
      },
      {
        self,
        client,
        notice,
        announce,
        draft: (draft) => restoreDraft(current, draft),
        // Content the page cannot read: a message the SDK could decrypt comes as plaintext.
        locked: (_roomId, content) => current.keys.isCiphertext(content),
        encrypted: (roomId) => current.rooms.encrypted(roomId),
      },
    ),
    rooms: new RoomsPanel(ui.rooms, ui.roomsMore, {
      self,
      client,
      notice,
      locked: (_roomId, content) => current.keys.isCiphertext(content),
      retitled: (roomId) => {
        if (chat === current && current.conversations.current === roomId)
          showTitle(current, roomId);
      },
      select: (roomId) => {
        if (chat === current) {
          void openRoom(current, roomId).catch((error: unknown) =>
            notice.error(`Could not open ${roomId}`, error),
          );
        }
      },
    }),
    members: new MembersPanel(
      {
        list: ui.members,
        more: ui.membersMore,
        addForm: ui.addMember,
        addUser: ui.addMemberUser,
        addRole: ui.addMemberRole,
        unbanForm: ui.unban,
        unbanUser: ui.unbanUser,
      },
      {
        self,
        client,
        notice,
        roleChanged: (roomId, role) =>
          current.conversations.setModerator(roomId, role === 'owner' || role === 'admin'),
      },
    ),
    unsubscribe: [],
    marked: new Map(),
    keys: roomKeys(client),
  };
  chat = current;
  listen(current);
  showState(client.state);

  ui.joinForm.hidden = true;
  ui.chat.hidden = false;
  ui.leave.hidden = false;
  ui.identity.hidden = false;
  ui.identity.textContent = `Signed in as ${session.name}`;
  search.enable(true);
  try {
    await openRoom(current, session.room);
  } catch (error) {
    await stop();
    ui.joinError.textContent = `Could not join ${session.room}: ${describe(error)}`;
    ui.joinRoom.focus();
  }
}

/** A fetch that failed on the network is an unreachable server, whatever the browser calls it. */
function whySignInFailed(error: unknown): string {
  return error instanceof TypeError
    ? 'Server unreachable: try again in a moment.'
    : describe(error);
}

/** Leaves every room and shows the sign-in form again. */
async function stop(): Promise<void> {
  const current = chat;
  chat = undefined;
  forgetSession();
  ui.chat.hidden = true;
  ui.leave.hidden = true;
  ui.identity.hidden = true;
  ui.joinForm.hidden = false;
  document.title = 'Parley';
  showOutage(false);
  composer.reset();
  uploads.clear();
  search.enable(false);
  keyDialog.reset();
  if (!current) return;
  for (const unsubscribe of current.unsubscribe) unsubscribe();
  ui.status.textContent = 'Not connected';
  ui.status.parentElement?.setAttribute('data-state', 'closed');
  // Leaving tells the others at once; closing alone would too, a moment later.
  await current.conversations.leaveAll();
  await current.client.close();
}

ui.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const session = { name: ui.joinName.value.trim(), room: ui.joinRoom.value.trim() };
  const bad = !NAME_PATTERN.test(session.name)
    ? ui.joinName
    : !NAME_PATTERN.test(session.room)
      ? ui.joinRoom
      : undefined;
  ui.joinName.setAttribute('aria-invalid', String(bad === ui.joinName));
  ui.joinRoom.setAttribute('aria-invalid', String(bad === ui.joinRoom));
  if (bad) {
    ui.joinError.textContent = `${bad === ui.joinName ? 'Name' : 'Room'}: use 1 to 64 letters, digits, "_" or "-".`;
    bad.focus();
    return;
  }
  if (ui.joinButton instanceof HTMLButtonElement) ui.joinButton.disabled = true;
  saveSession(session);
  start(session)
    .catch(async (error: unknown) => {
      await stop();
      ui.joinError.textContent = whySignInFailed(error);
      ui.joinName.focus();
    })
    .finally(() => {
      if (ui.joinButton instanceof HTMLButtonElement) ui.joinButton.disabled = false;
    });
});

ui.leave.addEventListener('click', () => {
  void stop().then(() => ui.joinRoom.focus());
});

/** A failed send's Edit: its text (and its quote) back in the composer. */
function restoreDraft(current: Chat, draft: { content: string; replyTo?: number }): void {
  const roomId = current.conversations.current;
  if (draft.replyTo !== undefined && roomId !== undefined) replyTo(current, roomId, draft.replyTo);
  composer.setText(draft.content);
}

function replyTo(current: Chat, roomId: string, seq: number): void {
  const quoted = current.conversations.quote(roomId, seq);
  composer.replyToMessage(seq, quoted ? `${quoted.userId}: ${quoted.line}` : `#${seq}`);
}

ui.compose.addEventListener('submit', (event) => {
  event.preventDefault();
  const current = chat;
  if (!current || composer.over) return;
  const replyTo = composer.replyTo;
  const content = ui.composeInput.value;
  if (!uploads.pending) {
    current.conversations.send({ content, ...(replyTo === undefined ? {} : { replyTo }) });
    composer.reset();
    return;
  }
  // Files still uploading are waited for; the box is free for the next message meanwhile.
  composer.reset();
  const roomId = current.conversations.current;
  void uploads.take().then((files) => {
    if (chat !== current || roomId === undefined) return;
    current.conversations.send(
      {
        content,
        ...(replyTo === undefined ? {} : { replyTo }),
        ...(files
          ? { attachments: files.map((f) => f.uploadId), fileNames: files.map((f) => f.fileName) }
          : {}),
      },
      roomId,
    );
  });
});

ui.composeInput.addEventListener('keydown', (event) => {
  // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is neither.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.compose.requestSubmit();
  }
});

ui.scroller.addEventListener('scroll', () => {
  if (!chat) return;
  if (ui.scroller.scrollTop < LOAD_OLDER_AT_PX) void chat.conversations.loadOlder();
  chat.conversations.scrolled();
  readShown(chat);
});

ui.jumpNew.addEventListener('click', () => {
  if (!chat) return;
  chat.conversations.jumpToNewest();
  readShown(chat);
  ui.composeInput.focus();
});

// Coming back to the tab reads what it shows.
for (const target of [window, document]) {
  target.addEventListener(target === window ? 'focus' : 'visibilitychange', () => {
    if (chat) readShown(chat);
  });
}

// On a phone the people panel folds away behind this button (styles.css hides it wider).
ui.peopleToggle.addEventListener('click', () => {
  const open = ui.peopleToggle.getAttribute('aria-expanded') !== 'true';
  ui.peopleToggle.setAttribute('aria-expanded', String(open));
  ui.chat.toggleAttribute('data-people-open', open);
});

ui.keyOpen.addEventListener('click', () => {
  const roomId = chat?.conversations.current;
  if (chat && roomId !== undefined) keyDialog.ask(roomId, chat.rooms.title(roomId));
});

ui.older.addEventListener('click', () => {
  if (chat) void chat.conversations.loadOlder();
});

ui.roomsRefresh.addEventListener('click', () => {
  if (chat) void chat.rooms.refresh();
});

wireMessageMenu(ui.messages, {
  client: () => chat?.client,
  notice,
  reply: (roomId, seq) => {
    if (chat) replyTo(chat, roomId, seq);
  },
  resend: (roomId, clientMsgId, edit) => chat?.conversations.resend(roomId, clientMsgId, edit),
});
wireSealedFiles(
  ui.messages,
  (roomId, file) => chat?.client.download(roomId, file),
  (error) => notice.error('Could not open the file', error),
);
wireRoomForms({
  notice,
  client: () => chat?.client,
  added: (room) => chat?.rooms.add(room),
  open: (roomId) => (chat ? openRoom(chat, roomId) : Promise.resolve()),
});

const saved = readSession();
if (saved) {
  ui.joinName.value = saved.name;
  if (NAME_PATTERN.test(saved.room)) ui.joinRoom.value = saved.room;
  start(saved).catch(async (error: unknown) => {
    await stop();
    ui.joinError.textContent = whySignInFailed(error);
  });
} else {
  ui.joinName.focus();
}
