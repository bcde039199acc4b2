import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundles, eq } from '@h2s/db';
import { createTestApi, type TestApi } from '../test/fixtures';
import { CATALOG_CACHE_MS, listBundlesCached } from './catalog';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => api?.close());

describe('the catalog a process shows', () => {
  it('is read once per CATALOG_CACHE_MS, and a seeded change shows after that', async () => {
    const t0 = Date.now();
    const first = await listBundlesCached(api.t.db, t0);
    const sku = first[0]!.sku;
    await api.t.db.update(bundles).set({ name: 'Renamed by the operator' }).where(eq(bundles.sku, sku));

    // Within the window: the same answer without another read.
    expect(await listBundlesCached(api.t.db, t0 + 1)).toBe(first);
    const later = await listBundlesCached(api.t.db, t0 + CATALOG_CACHE_MS + 1);
    expect(later.find((b) => b.sku === sku)?.name).toBe('Renamed by the operator');
  });

  it('does not keep a failed read: the next request reads again', async () => {
    const t0 = Date.now();
    let down = true;
    const flaky = new Proxy(api.t.db, {
      get(target, prop, receiver) {
        if (prop === 'select' && down) {
          down = false;
          return () => {
            throw new Error('database down');
          };
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    await expect(listBundlesCached(flaky, t0)).rejects.toThrow('database down');
    await new Promise((r) => setImmediate(r));
    expect((await listBundlesCached(flaky, t0 + 1)).length).toBeGreaterThan(0);
  });
});
