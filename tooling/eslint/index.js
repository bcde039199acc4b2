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

/**
 * Dependencies point one way (ARCHITECTURE.md): db ← domain ← router ← http / apps, and ui is
 * components and styles only. Each layer may not import the ones above it; tests may (they wire
 * whole stacks).
 * @param {string[]} files
 * @param {string[]} group import patterns this layer may not use
 * @param {string} message
 */
const layer = (files, group, message) => ({
  files,
  ignores: ['**/*.test.ts', '**/test/**', '**/test-support.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] },
});
const layers = [
  layer(
    ['packages/db/src/**'],
    ['@h2s/api', '@h2s/api/*', '@h2s/server', '@h2s/server/*', '@h2s/ui', '@h2s/ui/*'],
    'packages/db is the bottom layer: it imports no other workspace package.',
  ),
  layer(['packages/scoring/src/**'], ['@h2s/*'], 'packages/scoring is pure: no workspace package.'),
  layer(
    ['packages/api/src/domain/**'],
    [
      '**/trpc',
      '**/root',
      '**/router/*',
      '**/http/*',
      '../server',
      '../../server',
      '../sveltekit',
      '../../sveltekit',
      '@h2s/api/server',
      '@h2s/api/sveltekit',
      '@trpc/*',
      '@h2s/server',
      '@h2s/server/*',
    ],
    'The domain knows nothing of its transport: no tRPC, router or HTTP imports (ApiDeps lives in domain/deps.ts).',
  ),
  layer(
    ['packages/api/src/router/**'],
    [
      '**/http/*',
      '../server',
      '../../server',
      '../sveltekit',
      '../../sveltekit',
      '@h2s/api/server',
      '@h2s/api/sveltekit',
      '@h2s/server',
      '@h2s/server/*',
    ],
    'Routers sit below the HTTP layer.',
  ),
  layer(
    ['packages/ui/src/**'],
    ['@h2s/api', '@h2s/api/*', '@h2s/db', '@h2s/db/*', '@h2s/server', '@h2s/server/*', '@trpc/server', '@trpc/server/*', '@sveltejs/kit'],
    'packages/ui is components and styles only: server plumbing lives in @h2s/server.',
  ),
];

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
    ...layers,
    {
      // Every query and mutation declares what it answers (issue 13): .output(...) right before .query/.mutation,
      // parsed outside production (checkedOutput, packages/api/src/trpc.ts).
      files: ['packages/api/src/router/**/*.ts', 'packages/api/src/root.ts'],
      ignores: ['**/*.test.ts'],
      rules: {
        'no-restricted-syntax': [
          'error',
          {
            selector:
              "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(query|mutation)$/]:not([callee.object.callee.property.name='output'])",
            message: 'Declare the output schema: .output(checkedOutput(schema)) right before .query(...) or .mutation(...).',
          },
        ],
      },
    },
    {
      // Every browser spec checks each page state it visits with axe (tooling/e2e/test.ts).
      files: ['apps/*/e2e/**/*.e2e.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            paths: [
              {
                name: '@playwright/test',
                importNames: ['test', 'expect'],
                message:
                  "Import { test, expect } from '@h2s/e2e-config/test': it runs axe on every page the test leaves open (and each state marked with analysed()).",
              },
            ],
          },
        ],
      },
    },
    {
      files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
      languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
    },
  );
}
