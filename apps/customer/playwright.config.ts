import { defineConfig } from '@playwright/test';
import { E2E_ORIGINS, E2E_PORTS, e2eConfig } from '@h2s/e2e-config';

export default defineConfig(
  e2eConfig({
    servers: `customer:${E2E_PORTS.customer} portal:${E2E_PORTS.portal}`,
    baseURL: E2E_ORIGINS.customer,
    port: E2E_PORTS.customer,
  }),
);
