/**
 * `pnpm start`'s supervisor (issue 20, item 1): each process (an app, the worker) runs on its own. One
 * that exits is restarted with backoff (1 s, doubling to 30 s; back to 1 s after a minute up), with a
 * log line saying which and why; the others keep serving. Only a signal to `pnpm start` itself stops
 * them all: each is sent SIGTERM (adapter-node stops taking requests and drains those in flight, the
 * worker finishes its jobs), and `pnpm start` exits 0 once all have exited.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Supervised {
  name: string;
  command: string;
  args: string[];
  options: SpawnOptions;
}

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** Up this long, a process counts as healthy again: its next crash restarts it after FIRST_BACKOFF_MS. */
const STABLE_AFTER_MS = 60_000;
/** How long a process may take to drain after SIGTERM before it is killed. */
const DRAIN_TIMEOUT_MS = 30_000;

export function supervise(processes: Supervised[], log: (line: string) => void = console.log): { stop(): Promise<void> } {
  let stopping = false;
  const running = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();

  function launch(spec: Supervised, backoffMs: number) {
    const startedAt = Date.now();
    const child = spawn(spec.command, spec.args, spec.options);
    running.set(spec.name, child);
    child.once('exit', (code, signal) => {
      running.delete(spec.name);
      if (stopping) return;
      const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const delay = Date.now() - startedAt >= STABLE_AFTER_MS ? FIRST_BACKOFF_MS : backoffMs;
      log(`[start] ${spec.name} ${why}; restarting it in ${Math.round(delay / 1000)} s (the others keep serving)`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) launch(spec, Math.min(delay * 2, MAX_BACKOFF_MS));
      }, delay);
      timers.add(timer);
    });
  }

  for (const spec of processes) launch(spec, FIRST_BACKOFF_MS);

  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      const exits = [...running.entries()].map(
        ([name, child]) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => {
              log(`[start] ${name} did not stop within ${DRAIN_TIMEOUT_MS / 1000} s; killing it`);
              child.kill('SIGKILL');
            }, DRAIN_TIMEOUT_MS);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      );
      await Promise.all(exits);
    },
  };
}
