import type { Viewer } from '@h2s/api/server';
import type { AppServer } from '@h2s/api/server';

declare global {
  namespace App {
    interface Locals {
      viewer: Viewer | null;
      /** The API as this request's viewer, for loads and actions (no HTTP hop). */
      api: Awaited<ReturnType<AppServer['callerFor']>>;
    }
    interface Error {
      message: string;
      /** Set for internal errors: the id under which the server logged the detail. */
      errorId?: string;
    }
  }
}

export {};
