export * from './client';
export * from './errors';
export * from './ids';
export * from './migrate';
export * from './queue';
export * as schema from './schema';
export * from './schema';
export type { SQL } from 'drizzle-orm';
export { and, asc, between, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, not, or, sql } from 'drizzle-orm';
