// The host a real kubelet runs on: its description for the Node object and its pressure.
export { describeHost, detectNodeIP, DEFAULT_MAX_PODS, type DescribeHostOptions, type Reserved } from './describe.js';
export { hostPressure, DEFAULT_THRESHOLDS, type EvictionThresholds } from './pressure.js';
