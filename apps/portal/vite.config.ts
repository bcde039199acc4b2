import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  // The handoff between the app and its node:http server must be one module, not a copy in the bundle.
  // `cookie` is bundled: the API reads cookies with cookie 2, SvelteKit's runtime with its own 0.6.
  ssr: { external: ['@h2s/server/handoff'], noExternal: ['cookie'] },
  server: {
    port: 5174,
    strictPort: true,
    // The first page load must not wait for Vite to discover and transform everything (5-6 s cold):
    // transform the routes and shared components, server and client, as soon as the server starts.
    warmup: {
      clientFiles: ['./src/routes/**/*.svelte', './src/lib/**/*.svelte'],
      ssrFiles: ['./src/hooks.server.ts', './src/routes/**/+*.ts', './src/lib/server/**/*.ts'],
    },
  },
  optimizeDeps: { include: ['@trpc/client'] },
  preview: { port: 5174, strictPort: true },
  test: { include: ['src/**/*.test.ts'], expect: { requireAssertions: true } },
});
