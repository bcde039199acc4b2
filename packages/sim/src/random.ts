import { mulberry32 } from '@h2s/routing';

/** A seeded pseudo-random source (mulberry32): the same seed gives the same day, on any machine. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  between(min: number, max: number): number;
  int(min: number, maxInclusive: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** exp(N(0, sigma)) scaled so its mean is 1: a multiplicative spread that never goes negative. */
  spread(sigma: number): number;
  exponential(mean: number): number;
  /** An independent stream for one purpose, so adding draws to one part leaves the others unchanged. */
  fork(label: string): Random;
}

function hashLabel(label: string): number {
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function seededRandom(seed: number): Random {
  const next = mulberry32(seed);
  const normal = () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    normal,
    spread: (sigma) => Math.exp(sigma * normal() - (sigma * sigma) / 2),
    exponential: (mean) => -mean * Math.log(1 - next()),
    fork: (label) => seededRandom((seed ^ hashLabel(label)) >>> 0),
  };
}
