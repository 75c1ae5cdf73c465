/**
 * A message's files: images inline (the thumbnail, falling back to the full image; a click
 * opens the full image in a new tab) in a fixed box so the list does not jump as they
 * load, other files as download links with their name and size. Links are the server's
 * short-lived signed URLs; names go in as text.
 */
import { type Attachment, formatFileSize } from '../client/index.js';
import { button, element } from './dom.js';

/** The box an image preview fills (styles.css `.attachment-image` keeps the same). */
const PREVIEW = { width: 240, height: 180 };

/**
 * Replaces the message's file row with `attachments` (none: no row). `sealed`: an
 * encrypted room's files, whose stored bytes are ciphertext: each is a button that
 * downloads and decrypts it (`wireSealedFiles`) instead of a link or an image.
 */
export function showAttachments(
  item: HTMLElement,
  attachments: readonly Attachment[] | undefined,
  sealed = false,
) {
  item.querySelector('.attachments')?.remove();
  if (!attachments || attachments.length === 0) return;
  const row = element('ul', 'attachments');
  row.setAttribute('aria-label', attachments.length === 1 ? 'Attached file' : 'Attached files');
  for (const file of attachments) {
    const entry = element('li', '');
    entry.append(
      sealed
        ? sealedFile(file)
        : file.contentType.startsWith('image/')
          ? image(file)
          : download(file),
    );
    row.append(entry);
  }
  const anchor = item.querySelector('.content');
  if (anchor) anchor.after(row);
  else item.append(row);
}

function image(file: Attachment): HTMLAnchorElement {
  const link = newTab(file.url);
  link.className = 'attachment-image';
  const img = document.createElement('img');
  img.alt = file.fileName;
  img.width = PREVIEW.width;
  img.height = PREVIEW.height;
  img.loading = 'lazy';
  img.src = file.thumbnailUrl ?? file.url;
  // No thumbnail yet (or it expired): the full image, once.
  if (file.thumbnailUrl !== undefined) {
    img.addEventListener('error', () => img.setAttribute('src', file.url), { once: true });
  }
  link.append(img);
  link.title = `${file.fileName} (${formatFileSize(file.size)}): open the full image`;
  return link;
}

function download(file: Attachment): HTMLAnchorElement {
  const link = newTab(file.url);
  link.className = 'attachment-file';
  link.download = file.fileName;
  link.append(
    element('span', 'file-icon', '📄'),
    element('span', 'file-name', file.fileName),
    element('span', 'file-size', formatFileSize(file.size)),
  );
  link.firstElementChild?.setAttribute('aria-hidden', 'true');
  return link;
}

function sealedFile(file: Attachment): HTMLButtonElement {
  const open = button('', 'attachment-file sealed');
  open.value = 'open-sealed';
  open.dataset.file = JSON.stringify(file);
  open.append(
    element('span', 'file-icon', '🔒'),
    element('span', 'file-name', file.fileName),
    element('span', 'file-size', formatFileSize(file.size)),
  );
  open.firstElementChild?.setAttribute('aria-hidden', 'true');
  open.title = `Decrypt and save ${file.fileName}`;
  return open;
}

/**
 * Clicks on an encrypted room's files: the SDK downloads and decrypts the bytes (with the
 * room's key), which are saved under the file's name; a failure goes to `failed`.
 */
export function wireSealedFiles(
  container: HTMLElement,
  download: (roomId: string, file: Attachment) => Promise<Uint8Array> | undefined,
  failed: (error: unknown) => void,
): void {
  container.addEventListener('click', (event) => {
    const clicked = event.target instanceof Element ? event.target.closest('button') : null;
    const roomId = clicked?.closest('ol')?.getAttribute('data-room-id');
    if (clicked?.value !== 'open-sealed' || !roomId || !clicked.dataset.file) return;
    const file = JSON.parse(clicked.dataset.file) as Attachment;
    download(roomId, file)
      ?.then((bytes) => {
        const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
        const save = document.createElement('a');
        save.href = url;
        save.download = file.fileName;
        save.click();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      })
      .catch(failed);
  });
}

function newTab(url: string): HTMLAnchorElement {
  const link = document.createElement('a');
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  return link;
}
