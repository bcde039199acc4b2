import { asc, bundles, eq, type DbOrTx } from '@h2s/db';

export interface CatalogBundle {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  items: string[];
  equipment: string[];
  skills: string[];
  durationMinutes: number;
  /** Pros the work needs at once. */
  crewSize: number;
}

export async function listBundles(db: DbOrTx): Promise<CatalogBundle[]> {
  return db
    .select({
      sku: bundles.sku,
      name: bundles.name,
      description: bundles.description,
      priceCents: bundles.priceCents,
      items: bundles.items,
      equipment: bundles.equipment,
      skills: bundles.skills,
      durationMinutes: bundles.durationMinutes,
      crewSize: bundles.crewSize,
    })
    .from(bundles)
    .where(eq(bundles.active, true))
    .orderBy(asc(bundles.position), asc(bundles.sku));
}

/**
 * How long a process shows the catalog it last read (issue 13): every storefront page and the pros'
 * screens list it, and it changes only when an operator seeds it. Checkout never uses this copy: it
 * prices an order from the table inside its own transaction.
 */
export const CATALOG_CACHE_MS = 10_000;

const cached = new WeakMap<object, { until: number; bundles: Promise<CatalogBundle[]> }>();

/** listBundles, read at most once per CATALOG_CACHE_MS per database handle; a failed read is not kept. */
export function listBundlesCached(db: DbOrTx, now = Date.now()): Promise<CatalogBundle[]> {
  const hit = cached.get(db);
  if (hit && hit.until > now) return hit.bundles;
  const entry = { until: now + CATALOG_CACHE_MS, bundles: listBundles(db) };
  cached.set(db, entry);
  entry.bundles.catch(() => {
    if (cached.get(db) === entry) cached.delete(db);
  });
  return entry.bundles;
}
