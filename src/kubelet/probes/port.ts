// Upstream's probe.ResolveContainerPort: a number, a named container port, or a number written as a string.
import type { Container, IntOrString } from '../../api/core/v1/pod/types.js';

export function resolveContainerPort(port: IntOrString, container: Container): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = container.ports?.find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) n = Number(port);
    else throw new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  }
  if (n > 0 && n < 65536) return n;
  throw new Error(`invalid port number: ${n}`);
}
