/**
 * Files on their way into a message: picked with the paperclip, dropped on the
 * conversation or pasted (images from the clipboard). Each starts uploading at once to the
 * room shown and waits in the tray above the message box (name, size, a progress bar,
 * Remove) until Send attaches what finished. A refusal (too large, a type the server does
 * not take) stays on its row in the server's words; switching rooms empties the tray,
 * since an upload belongs to its room.
 */

import { formatFileSize, type ParleyClient, type UploadedFile } from '../client/index.js';
import { button, element } from './dom.js';
import { describe } from './notice.js';

export interface UploadTrayNodes {
  tray: HTMLUListElement;
  attach: HTMLButtonElement;
  picker: HTMLInputElement;
  /** Where files may be dropped. */
  dropZone: HTMLElement;
  /** Where images may be pasted. */
  input: HTMLTextAreaElement;
}

export interface UploadTrayDeps {
  client(): ParleyClient | undefined;
  room(): string | undefined;
  /** A polite live region: the tray's changes are read out. */
  announce(text: string): void;
}

interface Entry {
  readonly name: string;
  readonly row: HTMLLIElement;
  readonly done: Promise<UploadedFile | undefined>;
  removed: boolean;
}

export class UploadTray {
  private entries: Entry[] = [];
  private roomId: string | undefined;

  constructor(
    private readonly nodes: UploadTrayNodes,
    private readonly deps: UploadTrayDeps,
  ) {
    nodes.attach.addEventListener('click', () => nodes.picker.click());
    nodes.picker.addEventListener('change', () => {
      this.add(Array.from(nodes.picker.files ?? []));
      nodes.picker.value = '';
    });
    nodes.dropZone.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      nodes.dropZone.toggleAttribute('data-dropping', true);
    });
    nodes.dropZone.addEventListener('dragleave', (event) => {
      if (event.target === nodes.dropZone) nodes.dropZone.removeAttribute('data-dropping');
    });
    nodes.dropZone.addEventListener('drop', (event) => {
      nodes.dropZone.removeAttribute('data-dropping');
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      event.preventDefault();
      this.add(files);
      nodes.input.focus();
    });
    nodes.input.addEventListener('paste', (event) => {
      const files = Array.from(event.clipboardData?.files ?? []);
      if (files.length === 0) return; // text pastes as text
      event.preventDefault();
      this.add(files.map((file, i) => named(file, i)));
    });
  }

  /** Files are waiting (uploading or uploaded): Send may go without text. */
  get pending(): boolean {
    return this.entries.length > 0;
  }

  /** Starts uploading `files` to the room shown. */
  add(files: readonly File[]): void {
    const client = this.deps.client();
    const roomId = this.deps.room();
    if (!client || roomId === undefined) return;
    if (this.roomId !== roomId) this.clear();
    this.roomId = roomId;
    for (const file of files) this.entries.push(this.start(client, roomId, file));
    this.nodes.tray.hidden = this.entries.length === 0;
  }

  /**
   * What Send attaches: every upload once finished, the failed and removed left out; the
   * tray is emptied. Undefined when nothing could be attached.
   */
  async take(): Promise<UploadedFile[] | undefined> {
    const entries = this.entries.filter((entry) => !entry.removed);
    const files = (await Promise.all(entries.map((entry) => entry.done))).filter(
      (file): file is UploadedFile => file !== undefined,
    );
    this.clear();
    return files.length > 0 ? files : undefined;
  }

  /** Another room is shown (or the user signed out): its uploads are not this room's. */
  clear(): void {
    for (const entry of this.entries) entry.removed = true;
    this.entries = [];
    this.roomId = undefined;
    this.nodes.tray.replaceChildren();
    this.nodes.tray.hidden = true;
  }

  private start(client: ParleyClient, roomId: string, file: File): Entry {
    const row = element('li', 'upload');
    row.dataset.state = 'uploading';
    const progress = document.createElement('progress');
    progress.setAttribute('aria-label', `Uploading ${file.name}`);
    const status = element('span', 'upload-status', 'Uploading…');
    const remove = button('✕', 'upload-remove');
    remove.setAttribute('aria-label', `Remove ${file.name}`);
    row.append(
      element('span', 'upload-name', file.name),
      element('span', 'upload-size', formatFileSize(file.size)),
      progress,
      status,
      remove,
    );
    this.nodes.tray.append(row);
    const entry: Entry = { name: file.name, row, removed: false, done: Promise.resolve(undefined) };
    remove.addEventListener('click', () => {
      entry.removed = true;
      this.entries = this.entries.filter((e) => e !== entry);
      row.remove();
      this.nodes.tray.hidden = this.entries.length === 0;
      this.deps.announce(`${file.name} removed`);
      this.nodes.input.focus();
    });
    const done = client
      .upload(roomId, file, {
        onProgress: (sent, total) => {
          progress.max = total;
          if (sent > 0) progress.value = sent;
        },
      })
      .then(
        (uploaded) => {
          row.dataset.state = 'ready';
          progress.remove();
          status.textContent = 'Ready';
          return uploaded;
        },
        (error: unknown) => {
          row.dataset.state = 'failed';
          progress.remove();
          status.textContent = `Not uploaded: ${describe(error)}`;
          status.setAttribute('role', 'alert');
          return undefined;
        },
      );
    return Object.assign(entry, { done });
  }
}

/** A pasted image is called `image.png` by every browser: give each its own name. */
function named(file: File, index: number): File {
  if (file.name && file.name !== 'image.png') return file;
  const extension = file.type.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new File([file], `pasted-${stamp}${index ? `-${index}` : ''}.${extension}`, {
    type: file.type,
  });
}
