/**
 * A message's files: images inline (the thumbnail, falling back to the full image; a click
 * opens the full image in a new tab) in a fixed box so the list does not jump as they
 * load, other files as download links with their name and size. Links are the server's
 * short-lived signed URLs; names go in as text.
 */
import { type Attachment, formatFileSize } from '../client/index.js';
import { element } from './dom.js';

/** The box an image preview fills (styles.css `.attachment-image` keeps the same). */
const PREVIEW = { width: 240, height: 180 };

/** Replaces the message's file row with `attachments` (none: no row). */
export function showAttachments(item: HTMLElement, attachments: readonly Attachment[] | undefined) {
  item.querySelector('.attachments')?.remove();
  if (!attachments || attachments.length === 0) return;
  const row = element('ul', 'attachments');
  row.setAttribute('aria-label', attachments.length === 1 ? 'Attached file' : 'Attached files');
  for (const file of attachments) {
    const entry = element('li', '');
    entry.append(file.contentType.startsWith('image/') ? image(file) : download(file));
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

function newTab(url: string): HTMLAnchorElement {
  const link = document.createElement('a');
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  return link;
}
