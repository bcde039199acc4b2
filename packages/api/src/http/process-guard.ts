/**
 * No request may end a process (issue 20, item 1). A promise rejected with nobody listening is logged
 * under an error id and the process goes on serving; an exception thrown outside any handler leaves
 * the process in an unknown state, so it is logged under an id and the process exits with 1 for its
 * supervisor (`pnpm start`, scripts/start.ts) to restart.
 */
import { logInternalError } from '../internal-errors';

const INSTALLED = Symbol.for('h2s.processGuard');

export function installProcessGuard(name: string, log: (...args: unknown[]) => void = console.error): void {
  const global = globalThis as Record<symbol, unknown>;
  if (global[INSTALLED]) return;
  global[INSTALLED] = true;
  process.on('unhandledRejection', (reason) => {
    logInternalError(reason, `[${name}] unhandled rejection (the process goes on)`, log);
  });
  process.on('uncaughtException', (error) => {
    logInternalError(error, `[${name}] uncaught exception (the process exits for its supervisor to restart it)`, log);
    process.exit(1);
  });
}
