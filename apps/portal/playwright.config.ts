import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_ORIGINS, E2E_PORTS, e2eConfig } from '@h2s/e2e-config';

// The serve script writes its database URL here, so a test can arrange what only time would do
// (an offer left unclaimed for an hour and a half); the web server inherits this environment.
process.env.E2E_DB_FILE ??= join(tmpdir(), `h2s-e2e-portal-${E2E_PORTS.portal}.url`);

export default defineConfig(
  e2eConfig({ servers: `portal:${E2E_PORTS.portal} customer:${E2E_PORTS.customer}`, baseURL: E2E_ORIGINS.portal, port: E2E_PORTS.portal }),
);
