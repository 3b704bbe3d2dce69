// The tcpSocket probe: a connection opened within the timeout passes.
import { connect } from 'node:net';
import { dialErrorText, joinHostPort, type ProbeOutcome } from './outcome.js';

export function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const sock = connect({ host: host || undefined, port });
    const timer = setTimeout(() => finish({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutSeconds * 1000);
    let done = false;
    function finish(o: ProbeOutcome): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    }
    sock.once('connect', () => finish({ result: 'success', output: '' }));
    sock.once('error', (err) => finish({ result: 'failure', output: dialErrorText(addr, err) }));
  });
}
