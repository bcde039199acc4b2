import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import withProductionDefaults, { contentSecurityPolicy } from '../../tooling/sveltekit/adapter.js';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // A photo (10 MB) and its multipart envelope; the API answers larger bodies with a tRPC-shaped 413.
    adapter: withProductionDefaults(adapter({ out: 'build/sveltekit' }), { bodySizeLimit: 11 * 1024 * 1024 }),
    csp: contentSecurityPolicy(),
    // tRPC checks Origin on its own mutations; SvelteKit's check covers form actions.
    csrf: { trustedOrigins: [] },
  },
};
