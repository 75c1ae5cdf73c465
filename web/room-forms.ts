/**
 * The sidebar's forms: create a room (optionally end-to-end encrypted; then join it), open
 * a DM with a user (then join it), join a public room by id. Failures (`conflict` for a taken id, `forbidden`,
 * `rate_limited`) go to the status line; the form keeps what was typed.
 */
import type { ParleyClient, Room, Visibility } from '../client/index.js';
import { byId } from './dom.js';
import type { Notice } from './notice.js';

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface RoomFormsDeps {
  notice: Notice;
  client(): ParleyClient | undefined;
  /** A room the user now has: into the list at once. */
  added(room: Room): void;
  /** Joins and shows the room. */
  open(roomId: string): Promise<void>;
}

export function wireRoomForms(deps: RoomFormsDeps): void {
  const newRoom = byId('new-room', HTMLFormElement);
  const newId = byId('new-room-id', HTMLInputElement);
  const newName = byId('new-room-name', HTMLInputElement);
  const newVisibility = byId('new-room-visibility', HTMLSelectElement);
  const newEncrypted = byId('new-room-encrypted', HTMLInputElement);
  onSubmit(newRoom, deps, async (client) => {
    const roomId = valid(newId, ROOM_ID, 'Room id: use 1 to 64 letters, digits, "_" or "-".', deps);
    if (roomId === undefined) return;
    const visibility: Visibility = newVisibility.value === 'private' ? 'private' : 'public';
    const name = newName.value.trim();
    const room = await client.createRoom(roomId, {
      visibility,
      ...(name ? { name } : {}),
      ...(newEncrypted.checked ? { encrypted: true } : {}),
    });
    deps.added(room);
    newRoom.reset();
    closeDetails(newRoom);
    deps.notice.show(`Created ${room.name ?? room.roomId}`);
    await deps.open(room.roomId);
  });

  const dm = byId('open-dm', HTMLFormElement);
  const dmUser = byId('open-dm-user', HTMLInputElement);
  onSubmit(dm, deps, async (client) => {
    const userId = valid(dmUser, /^\S{1,128}$/, 'User id: type whom to message.', deps);
    if (userId === undefined) return;
    const room = await client.openDm(userId);
    deps.added(room);
    dm.reset();
    closeDetails(dm);
    await deps.open(room.roomId);
  });

  const join = byId('join-other', HTMLFormElement);
  const joinId = byId('join-other-id', HTMLInputElement);
  onSubmit(join, deps, async () => {
    const roomId = valid(
      joinId,
      ROOM_ID,
      'Room id: use 1 to 64 letters, digits, "_" or "-".',
      deps,
    );
    if (roomId === undefined) return;
    await deps.open(roomId);
    join.reset();
    closeDetails(join);
  });
}

function onSubmit(
  form: HTMLFormElement,
  deps: RoomFormsDeps,
  run: (client: ParleyClient) => Promise<void>,
): void {
  const submit = form.querySelector('button[type="submit"]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const client = deps.client();
    if (!client) return;
    if (submit instanceof HTMLButtonElement) submit.disabled = true;
    run(client)
      .catch((error: unknown) =>
        deps.notice.error(`${submit?.textContent ?? 'That'} failed`, error),
      )
      .finally(() => {
        if (submit instanceof HTMLButtonElement) submit.disabled = false;
      });
  });
}

/** The trimmed value if it matches; else says why on the status line and marks the field. */
function valid(
  input: HTMLInputElement,
  pattern: RegExp,
  rule: string,
  deps: RoomFormsDeps,
): string | undefined {
  const value = input.value.trim();
  const ok = pattern.test(value);
  input.setAttribute('aria-invalid', String(!ok));
  if (ok) return value;
  deps.notice.show(rule);
  input.focus();
  return undefined;
}

function closeDetails(form: HTMLFormElement): void {
  form.closest('details')?.removeAttribute('open');
}
