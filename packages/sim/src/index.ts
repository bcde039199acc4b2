export { behaviourWith, BEHAVIOUR_DEFAULTS, BEHAVIOUR_SOURCES, type Behaviour } from './behaviour';
export { metroDay, METRO } from './metro';
export type { PolicyMetrics } from './metrics';
export { POLICIES, POLICY_NAMES, type Policy, type PolicyName } from './policies';
export { jsonResult, table, type PolicyOutcome } from './report';
export { invariantProblems, runScenario } from './run';
export { loadScenario, parseScenario, ScenarioError, type Scenario } from './scenario';
export { simulate } from './simulate';
