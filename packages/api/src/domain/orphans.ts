/**
 * Files with no upload row: left when a process died between storing a photo and recording it, or
 * when removing a file failed. Nothing points at them, so nobody can see them; they only take space.
 */
import { customerUploads, inArray, type DbOrTx } from '@h2s/db';
import type { FileStore } from './storage';

/** Younger files may belong to an upload whose row is being written right now. */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

export interface OrphanSweep {
  /** Files looked at (past the grace period). */
  checked: number;
  /** Keys removed because no row points at them. */
  swept: string[];
}

/** Removes stored files no upload row points at; null when the store cannot list its files. */
export async function sweepOrphanFiles(db: DbOrTx, storage: FileStore, now: Date, graceMs = ORPHAN_GRACE_MS): Promise<OrphanSweep | null> {
  if (!storage.list) return null;
  const old: string[] = [];
  for await (const file of storage.list()) {
    if (now.getTime() - file.modifiedAt.getTime() >= graceMs) old.push(file.key);
  }
  const swept: string[] = [];
  for (let i = 0; i < old.length; i += 500) {
    const batch = old.slice(i, i + 500);
    const referenced = new Set(
      (await db.select({ key: customerUploads.storageKey }).from(customerUploads).where(inArray(customerUploads.storageKey, batch))).map(
        (r) => r.key,
      ),
    );
    for (const key of batch) {
      if (referenced.has(key)) continue;
      await storage.remove(key);
      swept.push(key);
    }
  }
  return { checked: old.length, swept };
}
