/**
 * ESLint for the whole repository, as SvelteKit's own template sets it up: @eslint/js and
 * typescript-eslint recommended, eslint-plugin-svelte recommended, Prettier owning the layout.
 * Use from the root `eslint.config.js`: `export default h2sConfig(import.meta.dirname)`.
 */
import { includeIgnoreFile } from '@eslint/compat';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { join } from 'node:path';
import ts from 'typescript-eslint';

/** @param {string} root the repository root, whose .gitignore is ignored too */
export function h2sConfig(root) {
  return ts.config(
    includeIgnoreFile(join(root, '.gitignore')),
    { ignores: ['**/migrations/meta/**', 'pnpm-lock.yaml', '**/.svelte-kit/**', '**/build/**'] },
    js.configs.recommended,
    ...ts.configs.recommended,
    ...svelte.configs.recommended,
    prettier,
    ...svelte.configs.prettier,
    {
      languageOptions: { globals: { ...globals.browser, ...globals.node } },
      rules: {
        // TypeScript checks names itself; typescript-eslint recommends turning this off.
        'no-undef': 'off',
        // `_` marks a parameter or binding kept for its position.
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
        // Both apps are served at the root (no `paths.base`), so resolve() around every href adds
        // nothing; turn it back on if an app ever moves under a base path.
        'svelte/no-navigation-without-resolve': 'off',
      },
    },
    {
      files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
      languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
    },
  );
}
