/**
 * The passphrase of an encrypted room, asked in a modal dialog (focus stays in it, Escape
 * closes it) when the room is opened without a key: the SDK derives the room key from it
 * and the room id, and from then on encrypts what is sent there and decrypts what comes.
 * The passphrase never leaves the page; a wrong one shows as messages that stay locked.
 */
import { byId } from './dom.js';
import { describe } from './notice.js';
import type { RoomKeys } from './room-keys.js';

export interface KeyDialogDeps {
  keys(): RoomKeys | undefined;
  /** The key is set: show the room's messages again, decrypted. */
  unlocked(roomId: string): Promise<void>;
}

export class KeyDialog {
  private readonly dialog = byId('key-dialog', HTMLDialogElement);
  private readonly form = byId('key-form', HTMLFormElement);
  private readonly input = byId('key-input', HTMLInputElement);
  private readonly error = byId('key-error', HTMLParagraphElement);
  private readonly roomName = byId('key-room', HTMLElement);
  /** Rooms whose key this page has set. */
  private readonly keyed = new Set<string>();
  private roomId: string | undefined;

  constructor(private readonly deps: KeyDialogDeps) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.unlock();
    });
    byId('key-cancel', HTMLButtonElement).addEventListener('click', () => this.dialog.close());
  }

  has(roomId: string): boolean {
    return this.keyed.has(roomId);
  }

  /** Asks for `roomId`'s passphrase; `title` is how the page calls the room. */
  ask(roomId: string, title: string): void {
    this.roomId = roomId;
    this.roomName.textContent = title;
    this.error.textContent = '';
    this.input.value = '';
    this.input.removeAttribute('aria-invalid');
    if (!this.dialog.open) this.dialog.showModal();
    this.input.focus();
  }

  /** Signed out: keys go with the client, and so does what the page knew of them. */
  reset(): void {
    this.keyed.clear();
    if (this.dialog.open) this.dialog.close();
  }

  private async unlock(): Promise<void> {
    const roomId = this.roomId;
    const passphrase = this.input.value;
    if (roomId === undefined) return;
    if (passphrase === '') {
      this.fail('Enter the passphrase.');
      return;
    }
    const keys = this.deps.keys();
    if (!keys) {
      this.fail('Sign in first.');
      return;
    }
    try {
      await keys.setRoomKey(roomId, await keys.deriveRoomKey(passphrase, roomId));
    } catch (error) {
      this.fail(`Could not use that passphrase: ${describe(error)}`);
      return;
    }
    this.keyed.add(roomId);
    this.dialog.close();
    await this.deps.unlocked(roomId);
  }

  private fail(text: string): void {
    this.error.textContent = text;
    this.input.setAttribute('aria-invalid', 'true');
    this.input.focus();
  }
}
