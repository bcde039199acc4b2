/**
 * Photo thumbnails: phones upload 3 MB originals, a gallery needs a few KB. Made with sharp
 * (libvips), stored beside the original, never inside a database transaction.
 */
import sharp from 'sharp';
import { thumbnailKey, type FileStore } from './storage';

/** The longest side of a thumbnail, in pixels: sharp on a 2x screen for the 160 px gallery tiles. */
export const THUMBNAIL_PX = 320;
export const THUMBNAIL_MIME = 'image/webp';

// Thumbnails are made from streamed uploads' temporary files, each read once: libvips must not keep
// them open in its cache (by default 20 files), which would hold the space of files already deleted.
sharp.cache({ files: 0 });

/**
 * A WebP no larger than THUMBNAIL_PX on its longest side, upright; null when the image cannot be
 * decoded (HEIC). From the bytes, or from a local file's path (libvips reads it itself).
 */
export async function makeThumbnail(original: Uint8Array | string): Promise<Uint8Array | null> {
  try {
    const out = await sharp(original, { failOn: 'error', limitInputPixels: 50_000_000 })
      .rotate() // honour EXIF orientation before the metadata is dropped
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 72 })
      .toBuffer();
    return new Uint8Array(out);
  } catch {
    return null;
  }
}

/** Makes and stores the thumbnail of a stored original (its bytes or a local copy's path); returns its bytes, or null when there is none to make. */
export async function storeThumbnail(storage: FileStore, originalKey: string, original: Uint8Array | string): Promise<Uint8Array | null> {
  return putThumbnail(storage, originalKey, await makeThumbnail(original));
}

/** Stores a thumbnail made beforehand (makeThumbnail) beside its original; null: there was none to make. */
export async function putThumbnail(storage: FileStore, originalKey: string, thumb: Uint8Array | null): Promise<Uint8Array | null> {
  if (thumb) await storage.put(thumbnailKey(originalKey), thumb, THUMBNAIL_MIME);
  return thumb;
}

/** The stored thumbnail, made now from the original when it is missing (older photos, a failed first try). */
export async function thumbnailFor(storage: FileStore, originalKey: string): Promise<Uint8Array | null> {
  const stored = await storage.get(thumbnailKey(originalKey));
  if (stored) return stored;
  const original = await storage.get(originalKey);
  if (!original) return null;
  try {
    return await storeThumbnail(storage, originalKey, original);
  } catch {
    return makeThumbnail(original);
  }
}
