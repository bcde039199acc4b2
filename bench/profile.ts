/**
 * `tsx bench/profile.ts <file.cpuprofile> [top]`: the busy time of a V8 CPU profile (written by
 * `pnpm bench --cpu-prof=<dir>`) by self time, per function and per area (node internals, Drizzle,
 * tRPC, postgres.js, SvelteKit, app code, GC), idle excluded.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const area = (url: string, name: string): string => {
  if (name === '(idle)' || name === '(program)') return name;
  if (name === '(garbage collector)') return 'GC';
  if (/drizzle-orm/.test(url)) return 'Drizzle';
  if (/@trpc/.test(url)) return 'tRPC';
  if (/postgres/.test(url) && /node_modules/.test(url)) return 'postgres.js';
  if (/zod/.test(url)) return 'Zod';
  if (/chunks|handler|server\.js|@sveltejs/.test(url) && !/api|domain/.test(url)) return 'SvelteKit / bundled app';
  if (url.startsWith('node:') || url === '') return 'Node internals (http, streams, web Request/Response)';
  return 'other';
};
const fns = new Map<string, number>();
const areas = new Map<string, number>();
let busy = 0;
for (const [id, us] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const a = area(url, functionName);
  if (a === '(idle)') continue;
  busy += us;
  areas.set(a, (areas.get(a) ?? 0) + us);
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|build)\//, '$1/')}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
console.log(`busy ${(busy / 1e6).toFixed(2)} s of CPU (idle excluded)\n`);
console.log('| area | self time |\n| --- | --- |');
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1])) console.log(`| ${a} | ${pct(us)} |`);
console.log('\n| function | self time |\n| --- | --- |');
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, Number(topArg ?? 15))) console.log(`| \`${f}\` | ${pct(us)} |`);
