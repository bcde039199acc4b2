import { defineConfig } from '@playwright/test';
import { e2eConfig } from '@h2s/e2e-config';

export default defineConfig(e2eConfig({ servers: 'portal:4174 customer:4173', baseURL: 'http://localhost:4174', port: 4174 }));
