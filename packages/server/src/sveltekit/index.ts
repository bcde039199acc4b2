/** Server-only pieces both apps share: the error mapping and the hook. */
export * from './errors';
export * from './hooks';
