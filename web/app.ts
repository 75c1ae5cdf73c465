/**
 * The dev server's chat page: sign in by name (a dev token from `/dev-token`), join a room,
 * read its history (older pages as you scroll up), chat live, see who is online and how the
 * connection stands. Built on the client SDK; the dev server bundles this file with esbuild.
 */
import {
  type ConnectionState,
  connect,
  isParleyError,
  type Message,
  type ParleyClient,
  timeOrderedId,
} from '../client/index.js';
import { MessageList, renderOnline } from './render.js';

/** Messages per history page: the join's and each scroll-back's. */
const PAGE = 50;
/** How close to the top (px) a scroll must come to fetch the previous page. */
const LOAD_OLDER_AT_PX = 48;
/** How close to the bottom (px) still counts as "reading the latest": new messages follow. */
const FOLLOW_BOTTOM_PX = 80;
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Per tab, so two tabs can be two people, and a reload rejoins as the same one. */
const SESSION_KEY = 'parley:session';

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting… (messages you send will wait)',
  closed: 'Disconnected',
};

function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing from the page`);
  return node;
}

const ui = {
  status: byId('status', HTMLSpanElement),
  identity: byId('identity', HTMLParagraphElement),
  leave: byId('leave', HTMLButtonElement),
  joinForm: byId('join', HTMLFormElement),
  joinName: byId('join-name', HTMLInputElement),
  joinRoom: byId('join-room', HTMLInputElement),
  joinError: byId('join-error', HTMLParagraphElement),
  joinButton: byId('join', HTMLFormElement).querySelector('button[type="submit"]'),
  chat: byId('chat', HTMLDivElement),
  chatError: byId('chat-error', HTMLParagraphElement),
  roomTitle: byId('room-title', HTMLHeadingElement),
  scroller: byId('scroller', HTMLElement),
  older: byId('older', HTMLButtonElement),
  historyNote: byId('history-note', HTMLSpanElement),
  messages: byId('messages', HTMLOListElement),
  compose: byId('compose', HTMLFormElement),
  composeInput: byId('compose-input', HTMLTextAreaElement),
  online: byId('online', HTMLUListElement),
  onlineCount: byId('online-count', HTMLSpanElement),
  announcer: byId('announcer', HTMLDivElement),
};

// A scrolling region must take focus for keyboard users to scroll it (WCAG 2.1.1, axe's
// scrollable-region-focusable); Biome's HTML lint forbids tabindex on a <section> and its
// HTML suppressions do not apply yet, hence here.
ui.scroller.tabIndex = 0;

interface Session {
  name: string;
  room: string;
}

interface Chat {
  session: Session;
  client: ParleyClient;
  list: MessageList;
  /** More history exists before the oldest message shown. */
  hasMore: boolean;
  loadingOlder: boolean;
  /** The first join has been answered: later messages are live, worth announcing. */
  live: boolean;
  unsubscribe: (() => void)[];
}

let chat: Chat | undefined;

function describe(error: unknown): string {
  if (isParleyError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

function showState(state: ConnectionState): void {
  ui.status.textContent = STATE_TEXT[state];
  ui.status.parentElement?.setAttribute('data-state', state);
}

function readSession(): Session | undefined {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return undefined;
    const { name, room } = value as Record<string, unknown>;
    if (typeof name !== 'string' || typeof room !== 'string') return undefined;
    if (!NAME_PATTERN.test(name) || !NAME_PATTERN.test(room)) return undefined;
    return { name, room };
  } catch {
    return undefined; // storage blocked or garbage: just ask again
  }
}

async function fetchToken(name: string): Promise<string> {
  const response = await fetch(`/dev-token?user=${encodeURIComponent(name)}`);
  const body: unknown = await response.json().catch(() => undefined);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (!response.ok || typeof fields.token !== 'string') {
    const message = typeof fields.message === 'string' ? fields.message : response.statusText;
    throw new Error(`Could not sign in: ${message}`);
  }
  return fields.token;
}

function nearBottom(): boolean {
  const { scrollHeight, scrollTop, clientHeight } = ui.scroller;
  return scrollHeight - scrollTop - clientHeight < FOLLOW_BOTTOM_PX;
}

function scrollToBottom(): void {
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
}

function announce(text: string): void {
  // Replacing the text makes a polite live region read the new line once.
  ui.announcer.textContent = text;
}

function showHistoryState(current: Chat): void {
  // Stays while loading (clicks are ignored then), so keyboard focus is not lost.
  ui.older.hidden = !current.hasMore;
  ui.historyNote.textContent = current.loadingOlder
    ? 'Loading older messages…'
    : current.hasMore
      ? ''
      : current.list.size === 0
        ? 'No messages yet: say hello.'
        : 'This is the start of the room.';
}

function showMessage(current: Chat, message: Message): void {
  if (message.roomId !== current.session.room) return;
  const follow = nearBottom();
  if (!current.list.add(message)) return;
  if (follow) scrollToBottom();
  if (current.live && message.userId !== current.session.name) {
    announce(`${message.userId}: ${message.content}`);
  }
  showHistoryState(current);
}

/** `count` is how many are online; in a big room the server lists only some of them. */
function showOnline(current: Chat, users: readonly string[], count: number): void {
  renderOnline(ui.online, users, current.session.name, count);
  ui.onlineCount.textContent = String(Math.max(count, users.length));
}

/** Fetches the page before the oldest message shown, keeping the view where it was. */
async function loadOlder(current: Chat): Promise<void> {
  const before = current.list.oldestSeq;
  if (current.loadingOlder || !current.hasMore || before === undefined) return;
  current.loadingOlder = true;
  showHistoryState(current);
  try {
    const page = await current.client.history(current.session.room, { before, limit: PAGE });
    if (chat !== current) return; // left the room meanwhile
    const { scrollHeight, scrollTop } = ui.scroller;
    for (const message of page.messages) current.list.add(message);
    // Older messages go in above: shift by what they added so the reader stays put.
    ui.scroller.scrollTop = scrollTop + (ui.scroller.scrollHeight - scrollHeight);
    current.hasMore = page.hasMore;
  } catch (error) {
    ui.chatError.textContent = `Could not load older messages: ${describe(error)}`;
  } finally {
    current.loadingOlder = false;
    showHistoryState(current);
  }
  await fillView(current);
}

/** A page that does not fill the view leaves nothing to scroll: fetch older until it does. */
async function fillView(current: Chat): Promise<void> {
  if (chat === current && ui.scroller.scrollHeight <= ui.scroller.clientHeight) {
    await loadOlder(current);
  }
}

async function start(session: Session): Promise<void> {
  ui.joinError.textContent = '';
  ui.chatError.textContent = '';
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
  const current: Chat = {
    session,
    client,
    list: new MessageList(ui.messages, session.name),
    hasMore: false,
    loadingOlder: false,
    live: false,
    unsubscribe: [],
  };
  chat = current;
  current.list.clear();
  current.unsubscribe.push(
    client.on('state', (state) => {
      showState(state);
      // A trouble reported while reconnecting (no token, no socket) is over once open.
      if (state === 'open') ui.chatError.textContent = '';
    }),
    client.on('message', (message) => showMessage(current, message)),
    client.on('online', ({ roomId, users, count }) => {
      if (roomId === session.room) showOnline(current, users, count);
    }),
    client.on('resync_failed', ({ roomId, error }) => {
      if (roomId === session.room) ui.chatError.textContent = `Lost the room: ${describe(error)}`;
    }),
    client.on('error', (error) => {
      ui.chatError.textContent = describe(error);
    }),
  );
  showState(client.state);

  ui.joinForm.hidden = true;
  ui.chat.hidden = false;
  ui.leave.hidden = false;
  ui.identity.hidden = false;
  ui.identity.textContent = `Signed in as ${session.name}`;
  ui.roomTitle.textContent = `# ${session.room}`;
  document.title = `#${session.room} · Parley`;
  showOnline(current, [], 0);
  ui.historyNote.textContent = 'Loading messages…';
  // Ready to type at once: a send made before the join completes waits for it in the SDK.
  ui.composeInput.focus();

  try {
    const joined = await client.join(session.room, { limit: PAGE });
    if (chat !== current) return;
    for (const message of joined.messages) current.list.add(message);
    current.hasMore = joined.hasMore;
    current.live = true;
    showOnline(current, client.online(session.room), client.onlineCount(session.room));
    showHistoryState(current);
    scrollToBottom();
    await fillView(current);
  } catch (error) {
    await stop();
    ui.joinError.textContent = `Could not join ${session.room}: ${describe(error)}`;
    ui.joinRoom.focus();
  }
}

/** Leaves the room and shows the sign-in form again. */
async function stop(): Promise<void> {
  const current = chat;
  chat = undefined;
  sessionStorage.removeItem(SESSION_KEY);
  ui.chat.hidden = true;
  ui.leave.hidden = true;
  ui.identity.hidden = true;
  ui.joinForm.hidden = false;
  document.title = 'Parley';
  if (!current) return;
  for (const unsubscribe of current.unsubscribe) unsubscribe();
  current.list.clear();
  ui.status.textContent = 'Not connected';
  ui.status.parentElement?.setAttribute('data-state', 'closed');
  // Leaving tells the others at once; closing alone would too, a moment later.
  await current.client.leave(current.session.room).catch(() => undefined);
  await current.client.close();
}

function send(current: Chat): void {
  const content = ui.composeInput.value;
  if (content.trim() === '') return;
  const clientMsgId = timeOrderedId();
  current.list.addPending(clientMsgId, content);
  ui.composeInput.value = '';
  scrollToBottom();
  current.client
    .send(current.session.room, content, { clientMsgId })
    .then((message) => showMessage(current, message))
    .catch((error: unknown) => current.list.fail(clientMsgId, describe(error)));
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
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  start(session)
    .catch(async (error: unknown) => {
      await stop();
      ui.joinError.textContent = describe(error);
      ui.joinName.focus();
    })
    .finally(() => {
      if (ui.joinButton instanceof HTMLButtonElement) ui.joinButton.disabled = false;
    });
});

ui.leave.addEventListener('click', () => {
  void stop().then(() => ui.joinRoom.focus());
});

ui.compose.addEventListener('submit', (event) => {
  event.preventDefault();
  if (chat) send(chat);
});

ui.composeInput.addEventListener('keydown', (event) => {
  // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is neither.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.compose.requestSubmit();
  }
});

ui.scroller.addEventListener('scroll', () => {
  if (chat && ui.scroller.scrollTop < LOAD_OLDER_AT_PX) void loadOlder(chat);
});

ui.older.addEventListener('click', () => {
  if (chat) void loadOlder(chat);
});

const saved = readSession();
if (saved) {
  ui.joinName.value = saved.name;
  ui.joinRoom.value = saved.room;
  start(saved).catch(async (error: unknown) => {
    await stop();
    ui.joinError.textContent = describe(error);
  });
} else {
  ui.joinName.focus();
}
