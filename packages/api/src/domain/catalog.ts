import { asc, bundles, eq, type DbOrTx } from '@h2s/db';

export interface CatalogBundle {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  items: string[];
  equipment: string[];
  skills: string[];
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
    })
    .from(bundles)
    .where(eq(bundles.active, true))
    .orderBy(asc(bundles.position), asc(bundles.sku));
}
