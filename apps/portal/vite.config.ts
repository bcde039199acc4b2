import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  // The handoff between the app and its node:http server must be one module, not a copy in the bundle.
  // `cookie` is bundled: the API reads cookies with cookie 2, SvelteKit's runtime with its own 0.6.
  ssr: { external: ['@h2s/server/handoff'], noExternal: ['cookie'] },
  server: { port: 5174, strictPort: true },
  preview: { port: 5174, strictPort: true },
  test: { include: ['src/**/*.test.ts'], expect: { requireAssertions: true } },
});
