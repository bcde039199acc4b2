import { fileURLToPath } from 'node:url';

/**
 * The repository's formatting: single quotes, semicolons, trailing commas, 140 columns (what the
 * code already does), and Svelte files through prettier-plugin-svelte as SvelteKit's templates set it.
 * @type {import('prettier').Config}
 */
export default {
  printWidth: 140,
  singleQuote: true,
  semi: true,
  trailingComma: 'all',
  // Resolved here, so the plugin comes from this package wherever Prettier runs.
  plugins: [fileURLToPath(import.meta.resolve('prettier-plugin-svelte'))],
  overrides: [{ files: '*.svelte', options: { parser: 'svelte' } }],
};
