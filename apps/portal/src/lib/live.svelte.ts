import { invalidateAll } from '$app/navigation';
import { navigating } from '$app/state';
import { createApiClient } from '@h2s/api/client';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** Enough to coalesce a burst (accept + assignment + schedule) into one reload. */
const DEBOUNCE_MS = 150;

/**
 * Keeps every open page current: job changes arrive over server-sent events and each burst
 * re-runs the page's loads. httpSubscriptionLink reconnects by itself; after a reconnect we reload
 * once, since changes made while disconnected were not delivered.
 */
export class LiveJobs {
  state = $state<LiveState>('connecting');
  #timer: ReturnType<typeof setTimeout> | null = null;

  start(): () => void {
    let droppedOnce = false;
    const subscription = createApiClient().live.jobChanges.subscribe(undefined, {
      onStarted: () => {
        this.state = 'live';
      },
      onData: () => this.#refresh(),
      onConnectionStateChange: (change) => {
        if (change.state === 'pending') {
          if (droppedOnce) this.#refresh();
          this.state = 'live';
        } else if (change.state === 'connecting' && change.error) {
          droppedOnce = true;
          this.state = 'reconnecting';
        }
      },
      onError: () => {
        // The server refused the stream, most likely because the session ended: reloading the
        // page's data lets the sign-in redirect happen, and brings the viewer back afterwards.
        this.state = 'reconnecting';
        void invalidateAll();
      },
    });
    return () => {
      subscription.unsubscribe();
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
    };
  }

  #refresh() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // Reloading now would cancel a navigation under way (say, to My jobs after accepting):
      // wait for it to land, then reload what it shows.
      if (navigating.to) this.#refresh();
      else void invalidateAll();
    }, DEBOUNCE_MS);
  }
}
