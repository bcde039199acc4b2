import { h2sConfig } from '@h2s/eslint-config';

export default h2sConfig(import.meta.dirname);
