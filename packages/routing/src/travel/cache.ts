/** Keeps matrices already asked for (e.g. one per planned day), keyed by the exact list of points. */
import type { Point, TravelTimes } from './types';

export function cachedTravelTimes(inner: TravelTimes, options: { maxEntries?: number } = {}): TravelTimes {
  const maxEntries = options.maxEntries ?? 32;
  const cache = new Map<string, ReturnType<TravelTimes['matrix']>>();
  return {
    matrix(points: Point[]) {
      const key = points.map((p) => `${p.lat},${p.lng}`).join(';');
      let hit = cache.get(key);
      if (hit) {
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      hit = inner.matrix(points);
      hit.catch(() => cache.delete(key));
      cache.set(key, hit);
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      return hit;
    },
  };
}
