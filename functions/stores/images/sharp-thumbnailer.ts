/**
 * Thumbnails with sharp (libvips): at most 320 px on the longer side, never enlarged,
 * WebP. sharp is loaded on first use: only the thumbnail worker's bundle carries it (as an
 * external module with its prebuilt binary, lib/thumbnails.ts).
 */
import type { Thumbnailer } from '../../core/ports.js';

/** The longer side of a thumbnail, in pixels. */
export const THUMBNAIL_MAX_PX = 320;

export const sharpThumbnailer: Thumbnailer = {
  contentType: 'image/webp',
  async thumbnail(image: Uint8Array): Promise<Uint8Array> {
    const { default: sharp } = await import('sharp');
    // `rotate()` applies the EXIF orientation first, as the full image is shown; an
    // animated GIF or WebP gives its first frame.
    return sharp(image)
      .rotate()
      .resize(THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
  },
};
