import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import withProductionDefaults, { contentSecurityPolicy } from '../../tooling/sveltekit/adapter.js';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: withProductionDefaults(adapter(), {
      // One photo (10 MB) plus its multipart envelope; larger bodies get a tRPC-shaped 413.
      bodySizeLimit: 11 * 1024 * 1024,
      tooLargeMessage: 'Request too large: photos can be at most 10 MB',
    }),
    // Checkout's form redirects to Stripe's page; the CSP's form-action covers redirects too.
    csp: contentSecurityPolicy({ formAction: ['https://checkout.stripe.com'] }),
    // tRPC checks Origin on its own mutations; SvelteKit's check covers form actions.
    csrf: { trustedOrigins: [] },
  },
};
