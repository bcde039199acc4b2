import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, resolve, sep } from 'node:path';
import { idPatternSource } from '@h2s/db/ids';

/** Bytes already in a local file (a streamed upload's temporary file), stored without reading them into memory. */
export interface FileOnDisk {
  path: string;
  size: number;
}

export const isFileOnDisk = (body: Uint8Array | FileOnDisk): body is FileOnDisk => !(body instanceof Uint8Array);

/** Where customer photos live. Keys are `customer-uploads/{jobId}/{sha256}-{uploadId}.{ext}` (older rows: without the id). */
export interface FileStore {
  kind: 'local' | 'uploadthing';
  /**
   * Stores the bytes (or a local file's, which stays where it is) under the key; returns the store's
   * URL for them. Same key, same bytes: idempotent.
   */
  put(key: string, body: Uint8Array | FileOnDisk, contentType: string): Promise<{ url: string }>;
  get(key: string): Promise<Uint8Array | null>;
  /** Size in bytes, or null when the key holds nothing. */
  size(key: string): Promise<number | null>;
  remove(key: string): Promise<void>;
  /** Every stored key with when it was written, for the orphan sweep; absent where the store cannot list. */
  list?(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

const JOB = idPatternSource('job');
const UPLOAD = idPatternSource('upload');
const KEY_PATTERN = new RegExp(
  `^(customer-uploads/${JOB}/[0-9a-f]{64}(-${UPLOAD})?\\.(jpg|png|webp|heic)|customer-thumbnails/${JOB}/[0-9a-f]{64}(-${UPLOAD})?\\.webp)$`,
);

/** Where a photo's resized thumbnail lives: `customer-thumbnails/{jobId}/{sha256}-{uploadId}.webp`. */
export function thumbnailKey(originalKey: string): string {
  assertStorageKey(originalKey);
  return originalKey.replace(/^customer-uploads\//, 'customer-thumbnails/').replace(/\.(jpg|png|webp|heic)$/, '.webp');
}

/** Keys are built by us from a job id and a hash; anything else is refused before it nears a path. */
export function assertStorageKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid storage key: ${key}`);
}

export function localFileStore(rootDir: string): FileStore {
  const root = resolve(rootDir);
  const pathOf = (key: string) => {
    assertStorageKey(key);
    const full = resolve(root, key);
    if (!full.startsWith(root + sep)) throw new Error(`storage key escapes the store: ${key}`);
    return full;
  };
  return {
    kind: 'local',
    async put(key, body) {
      const path = pathOf(key);
      // The job's folder usually exists (its other photos, this photo's original): made only when missing,
      // which saves a thread-pool round trip per file (issue 13).
      const inFolder = async <T>(write: () => Promise<T>): Promise<T> => {
        try {
          return await write();
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          await mkdir(dirname(path), { recursive: true });
          return write();
        }
      };
      // Write then rename: a crash never leaves a half-written photo under its final name.
      // A file on disk gets a second name under the key: atomic too, and no bytes copied.
      if (isFileOnDisk(body) && (await inFolder(() => linked(body.path, path)))) return { url: `local:${key}` };
      const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
      try {
        await inFolder(() => (isFileOnDisk(body) ? copyFile(body.path, partial) : writeFile(partial, body)));
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return { url: `local:${key}` };
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async *list() {
      const base = resolve(root, 'customer-uploads');
      let jobs: string[];
      try {
        jobs = await readdir(base);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const job of jobs) {
        const names = await readdir(resolve(base, job)).catch(() => [] as string[]);
        for (const name of names) {
          const key = `customer-uploads/${job}/${name}`;
          if (!KEY_PATTERN.test(key)) continue;
          const info = await stat(resolve(base, job, name)).catch(() => null);
          if (info?.isFile()) yield { key, modifiedAt: info.mtime };
        }
      }
    },
  };
}

/**
 * Gives the file a second name at `to` when both are on one filesystem (the temporary name can then
 * go on its own); false when it cannot (another disk, no hard links, or `to` taken: then a copy).
 */
async function linked(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EMLINK' || code === 'EEXIST') return false;
    throw error;
  }
}
