import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  server: { port: 5174, strictPort: true },
  preview: { port: 5174, strictPort: true },
  test: { include: ['src/**/*.test.ts'], expect: { requireAssertions: true } },
});
