// Container probes: liveness, readiness and startup with exec, httpGet, tcpSocket and grpc handlers.
export { ProbeManager, type ProbeManagerOptions, type ProbeTimers, type ProbeType, type ProbedContainer } from './probe-manager.js';
export { execProbe } from './exec.js';
export { httpProbe, httpProbeRequest, type HttpProbeRequest } from './http.js';
export { tcpProbe } from './tcp.js';
export { grpcProbe } from './grpc.js';
export { resolveContainerPort } from './port.js';
export { PROBE_USER_AGENT, type ProbeOutcome, type ProbeResult } from './outcome.js';
