// /stats/summary: node, pod and container figures.
export { SummaryProvider, type StatsRuntime, type SummaryProviderOptions } from './summary.js';
export type * from './types.js';
