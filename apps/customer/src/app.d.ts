import type { AppLocals } from '@h2s/server/sveltekit';

declare global {
  namespace App {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the shared fields are the whole of it
    interface Locals extends AppLocals {}
    interface Error {
      message: string;
      /** Set for internal errors: the id under which the server logged the detail. */
      errorId?: string;
    }
  }
}

export {};
