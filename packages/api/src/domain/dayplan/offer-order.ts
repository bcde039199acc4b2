/**
 * The first `need` offers that fit, in a policy's order, fitting as few jobs as that takes. Pure: the
 * caller says how to fit one job (`fit`: null when it does not fit) and, for ordering by cost, a cheap
 * lower bound of its cost (`bound`, never above what `fit` finds). offers.list asks for one page.
 */
export interface Fitted<T, F> {
  item: T;
  /** Position in the seed's order: breaks ties. */
  index: number;
  cost: number;
  fit: F;
}

type Fit<T, F> = (item: T) => Promise<{ cost: number; fit: F } | null>;

/** The seed's order: fit each in turn until `need` fit. */
export async function firstFitting<T, F>(items: readonly T[], need: number, fit: Fit<T, F>): Promise<Fitted<T, F>[]> {
  const out: Fitted<T, F>[] = [];
  for (let index = 0; index < items.length && out.length < need; index++) {
    const item = items[index]!;
    const found = await fit(item);
    if (found) out.push({ item, index, ...found });
  }
  return out;
}

const before = (a: { key: number; index: number }, b: { key: number; index: number }) =>
  a.key < b.key || (a.key === b.key && a.index < b.index);

/**
 * Least cost first, ties by seed order: the same list as fitting every job and sorting, but a job is
 * fitted only when its lower bound comes up. A fitted job waits until no unfitted bound is below it.
 */
export async function cheapestFitting<T, F>(
  items: readonly T[],
  need: number,
  bound: (item: T) => number,
  fit: Fit<T, F>,
): Promise<Fitted<T, F>[]> {
  const byBound = items.map((item, index) => ({ item, index, key: bound(item) })).sort((a, b) => a.key - b.key || a.index - b.index);
  // Fitted but not yet out, kept sorted by (cost, index) descending so the best is last.
  const waiting: (Fitted<T, F> & { key: number })[] = [];
  const out: Fitted<T, F>[] = [];
  let next = 0;
  while (out.length < need) {
    const best = waiting[waiting.length - 1];
    const candidate = byBound[next];
    if (best && (!candidate || before(best, candidate))) {
      waiting.pop();
      out.push({ item: best.item, index: best.index, cost: best.cost, fit: best.fit });
      continue;
    }
    if (!candidate) break;
    next++;
    const found = await fit(candidate.item);
    if (!found) continue;
    const entry = { item: candidate.item, index: candidate.index, key: found.cost, ...found };
    let at = waiting.length;
    while (at > 0 && before(waiting[at - 1]!, entry)) at--;
    waiting.splice(at, 0, entry);
  }
  return out;
}
