/** Playwright settings both apps share: Debian's Chromium, never a downloaded browser. */
import type { PlaywrightTestConfig } from '@playwright/test';

export const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-gpu',
    '--no-first-run',
  ],
};

/**
 * Ports the browser tests serve the built apps on. E2E_PORT_BASE moves both (customer on the base,
 * portal on base + 1), so two checkouts can run their browser tests at once.
 */
const base = Number(process.env.E2E_PORT_BASE ?? 4173);
export const E2E_PORTS = { customer: base, portal: base + 1 } as const;
export const E2E_ORIGINS = { customer: `http://localhost:${base}`, portal: `http://localhost:${base + 1}` } as const;

export function e2eConfig(options: { servers: string; baseURL: string; port: number }): PlaywrightTestConfig {
  return {
    testDir: './e2e',
    testMatch: /.*\.e2e\.ts/,
    fullyParallel: false,
    workers: 1,
    retries: 0,
    // Every page state is also checked with axe at two widths (see axe.ts): about 2-5 s a state here.
    timeout: 120_000,
    expect: { timeout: 10_000 },
    outputDir: './test-results',
    reporter: [['list']],
    use: {
      baseURL: options.baseURL,
      launchOptions: chromium,
      trace: 'retain-on-failure',
      screenshot: 'only-on-failure',
    },
    webServer: {
      command: `pnpm exec tsx ../../scripts/e2e-serve.ts ${options.servers}`,
      url: `${options.baseURL}/`,
      timeout: 120_000,
      reuseExistingServer: false,
      // SIGTERM lets the serve script drop its database and stop the server it started.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      stdout: 'pipe',
      stderr: 'pipe',
    },
  };
}
