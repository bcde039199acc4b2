import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import withProductionDefaults, { contentSecurityPolicy } from '../../tooling/sveltekit/adapter.js';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: withProductionDefaults(adapter(), {
      bodySizeLimit: 1024 * 1024,
      tooLargeMessage: 'Request too large',
    }),
    csp: contentSecurityPolicy(),
    // tRPC checks Origin on its own mutations; SvelteKit's check covers form actions.
    csrf: { trustedOrigins: [] },
  },
};
