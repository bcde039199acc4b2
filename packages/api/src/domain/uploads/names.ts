/** File names: what people see, what a saved copy is called, and where the bytes are stored. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it strips
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The client's file name, kept only to show back to people: the last path component, without
 * control or bidi-override characters (which can disguise an extension), at most 255 characters.
 */
export function displayFilename(name: string | null | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = last.replace(LONE_SURROGATE, '').replace(INVISIBLE, '').trim();
  const capped = Array.from(cleaned).slice(0, 255).join('').trim();
  return capped === '' || capped === '.' || capped === '..' ? 'photo' : capped;
}

/** A saved copy should open as what it is, so the extension follows the sniffed type. */
export function downloadName(name: string, ext: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${ext}`;
}

/** Both forms: `filename` for old clients (ASCII only, no quotes), `filename*` for the real name. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export const extOf = (mime: string) => (mime === 'image/jpeg' ? 'jpg' : mime.slice('image/'.length));

/**
 * One key per upload row: a file is written before its row and deleted after its row, with no lock
 * held over either, so two rows must never share a file (remove and re-add the same bytes at once).
 */
export const uploadStorageKey = (jobId: string, sha256: string, uploadId: string, ext: string) =>
  `customer-uploads/${jobId}/${sha256}-${uploadId}.${ext}`;
