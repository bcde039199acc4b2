/**
 * What programs outside the apps (the benchmark, one-off scripts) may use of the domain: one public
 * entry, so they never import `src/domain/*` by path and a domain refactor changes only this file.
 */
export { hashPassword } from './domain/auth';
export { boundingBox } from './domain/offers';
export { signTestEvent, testPayments } from './domain/payments';
export { localToday, TIME_WINDOW_LABELS, windowStartUtc } from './domain/schedule';
export { localFileStore } from './domain/storage';
