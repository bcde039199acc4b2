/**
 * A photo as it reaches createUpload: either in memory (a FormData File, from server-side callers)
 * or already on local disk, written and hashed while the request streamed in (issue 13), so no
 * request holds a whole photo in memory. Nothing here knows HTTP: packages/api/src/http/multipart.ts
 * fills a StreamedUpload from the request body.
 */
import { rm } from 'node:fs/promises';

/** How many first bytes the stream keeps for detectImageType (which needs 16). */
export const PHOTO_HEAD_BYTES = 4096;

/** A photo written to a temporary file as it arrived; its sha256 and size counted on the way. */
export interface StagedPhoto {
  /** The temporary file: the caller of createUpload removes it (StreamedUpload.dispose). */
  path: string;
  size: number;
  sha256: string;
  /** The first PHOTO_HEAD_BYTES bytes (fewer for a smaller file), for sniffing the type. */
  head: Uint8Array;
  /** The name and type the client gave; shown, never trusted. */
  filename: string;
  mimeType: string;
}

/** The photo part of an uploads.create call: the form's File or a staged file. */
export type ReceivedPhoto = File | StagedPhoto;

export const isReceivedPhoto = (value: unknown): value is ReceivedPhoto => value instanceof File || value instanceof StagedPhotoFile;

/** A StagedPhoto made by the stream parser; a class, so the router's input check can tell it from client data. */
export class StagedPhotoFile implements StagedPhoto {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly sha256: string,
    readonly head: Uint8Array,
    readonly filename: string,
    readonly mimeType: string,
  ) {}
}

/**
 * A multipart form read from a stream: its small text fields and at most one photo on disk.
 * Whoever parsed it calls dispose() when the call is over (also after an error): the temporary file
 * goes; the stored photo, if any, is its own copy.
 */
export class StreamedUpload {
  constructor(
    readonly fields: ReadonlyMap<string, string>,
    readonly file: StagedPhotoFile | null,
  ) {}

  /** A form field as FormData.get gives it: the photo for "file", a text value, or null. */
  get(name: string): StagedPhotoFile | string | null {
    if (name === 'file' && this.file) return this.file;
    return this.fields.get(name) ?? null;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  async dispose(): Promise<void> {
    if (this.file) await rm(this.file.path, { force: true });
  }
}
