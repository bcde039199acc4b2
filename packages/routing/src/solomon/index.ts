export { parseSolomon, solomonProblem } from './parse';
export type { SolomonCustomer, SolomonInstance } from './parse';
export { checkSolomon } from './check';
export { SOLOMON_BEST_KNOWN } from './best-known';
