import { mulberry32 } from '@h2s/routing';
import { describe, expect, it } from 'vitest';
import { cheapestFitting, firstFitting } from './offer-order';

interface Job {
  id: string;
  /** What fitting finds: null when the job does not fit. */
  cost: number | null;
  /** A lower bound of it (a job that does not fit may have any). */
  bound: number;
}

function jobs(seed: number, n: number): Job[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const cost = random() < 0.25 ? null : Math.floor(random() * 30);
    const bound = cost === null ? Math.floor(random() * 40) - 5 : cost - (random() < 0.5 ? 0 : Math.floor(random() * 10));
    return { id: `j${i}`, cost, bound };
  });
}

/** Counts the fits asked for. */
function fitter() {
  const asked: string[] = [];
  const fit = async (job: Job) => {
    asked.push(job.id);
    return job.cost === null ? null : { cost: job.cost, fit: job.id };
  };
  return { asked, fit };
}

describe('offers in order, fitting only what a page needs', () => {
  it('least cost first gives the same list as fitting every job and sorting (ties in seed order)', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const list = jobs(seed, 1 + (seed % 80));
      const all = list
        .map((job, index) => ({ job, index }))
        .filter(({ job }) => job.cost !== null)
        .sort((a, b) => a.job.cost! - b.job.cost! || a.index - b.index)
        .map(({ job }) => job.id);
      for (const need of [1, 5, 51, 1000]) {
        const { fit } = fitter();
        const got = await cheapestFitting(list, need, (j) => j.bound, fit);
        expect(got.map((f) => f.item.id)).toEqual(all.slice(0, need));
        expect(got.every((f) => f.cost === f.item.cost && f.fit === f.item.id)).toBe(true);
      }
    }
  });

  it('fits only the jobs whose bound comes before the page is full', async () => {
    const many = Array.from({ length: 500 }, (_, i): Job => ({ id: `j${i}`, cost: i % 50, bound: i % 50 }));
    const { asked, fit } = fitter();
    const page = await cheapestFitting(many, 51, (j) => j.bound, fit);
    expect(page.map((f) => f.cost)).toEqual([
      ...Array(10).fill(0),
      ...Array(10).fill(1),
      ...Array(10).fill(2),
      ...Array(10).fill(3),
      ...Array(10).fill(4),
      5,
    ]);
    expect(asked.length).toBeLessThan(70);
  });

  it('in seed order, stops once enough fit and skips those that do not', async () => {
    const list: Job[] = [
      { id: 'a', cost: 9, bound: 0 },
      { id: 'b', cost: null, bound: 0 },
      { id: 'c', cost: 1, bound: 0 },
      { id: 'd', cost: 4, bound: 0 },
    ];
    const { asked, fit } = fitter();
    expect((await firstFitting(list, 2, fit)).map((f) => [f.item.id, f.index])).toEqual([
      ['a', 0],
      ['c', 2],
    ]);
    expect(asked).toEqual(['a', 'b', 'c']);
  });
});
