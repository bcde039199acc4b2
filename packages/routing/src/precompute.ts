/** What the search computes once per problem: unservable stops, neighbour lists, depot distances. */
import type { Model } from './model';
import { simulate } from './schedule';

/** 1 for each stop that no vehicle allowed to serve it could serve even alone. */
export function hopelessStops(m: Model): Uint8Array {
  const { n, vehicleCount: V } = m;
  const out = new Uint8Array(n);
  const one = new Int32Array(1);
  for (let k = 0; k < n; k++) {
    one[0] = k;
    let ok = false;
    for (let v = 0; v < V && !ok; v++) ok = m.allowed[k * V + v] === 1 && simulate(m, v, one, 1) !== Infinity;
    out[k] = ok ? 0 : 1;
  }
  return out;
}

/** For each stop, the `count` other stops nearest to it (row-major, `count` per stop). */
export function nearestStops(m: Model, count: number): Int32Array {
  const { n, locations: L } = m;
  const out = new Int32Array(n * count);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    const lk = m.stopLoc[k]!;
    const sorted = idx.filter((j) => j !== k).sort((x, y) => m.dist[lk * L + m.stopLoc[x]!]! - m.dist[lk * L + m.stopLoc[y]!]! || x - y);
    for (let j = 0; j < count; j++) out[k * count + j] = sorted[j]!;
  }
  return out;
}

/** Distance from the nearest vehicle start to each stop. */
export function depotDistances(m: Model): Float64Array {
  const { n, vehicleCount: V, locations: L } = m;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let d = Infinity;
    for (let v = 0; v < V; v++) d = Math.min(d, m.dist[m.vStart[v]! * L + m.stopLoc[k]!]!);
    out[k] = d;
  }
  return out;
}

/** Mean distance from a stop to its `upto` nearest stops (the scale of the annealing temperature). */
export function meanNearDistance(m: Model, neighbours: Int32Array, count: number, upto: number): number {
  const L = m.locations;
  const nn = Math.min(upto, count);
  let sum = 0;
  let cnt = 0;
  for (let k = 0; k < m.n; k++)
    for (let j = 0; j < nn; j++) {
      sum += m.dist[m.stopLoc[k]! * L + m.stopLoc[neighbours[k * count + j]!]!]!;
      cnt++;
    }
  return cnt > 0 && sum > 0 ? sum / cnt : 1;
}
