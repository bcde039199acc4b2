import { defineConfig } from '@playwright/test';
import { E2E_ORIGINS, E2E_PORTS, e2eConfig } from '@h2s/e2e-config';

export default defineConfig(
  e2eConfig({ servers: `portal:${E2E_PORTS.portal} customer:${E2E_PORTS.customer}`, baseURL: E2E_ORIGINS.portal, port: E2E_PORTS.portal }),
);
