// What one probe attempt yields, in upstream's vocabulary (pkg/probe): success, warning
// (counted as success, with an event), failure, or unknown; an error means the result is void.

export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeResult;
  /** What the event shows: command output, the HTTP failure, the dial error. */
  output: string;
  /** The probe could not be run at all (bad port name, runtime error): the attempt does not count. */
  error?: Error;
}

/** Go's kube-probe User-Agent for this Kubernetes minor. */
export const PROBE_USER_AGENT = 'kube-probe/1.32';

/** How Go's net package words a failed dial, which is what probe events show. */
export function dialErrorText(addr: string, err: NodeJS.ErrnoException | Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${addr}: connect: network is unreachable`;
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'ECONNRESET':
      return `read tcp ${addr}: read: connection reset by peer`;
    default:
      return `dial tcp ${addr}: ${err.message}`;
  }
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
