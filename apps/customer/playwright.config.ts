import { defineConfig } from '@playwright/test';
import { e2eConfig } from '@h2s/e2e-config';

export default defineConfig(e2eConfig({ servers: 'customer:4173 portal:4174', baseURL: 'http://localhost:4173', port: 4173 }));
