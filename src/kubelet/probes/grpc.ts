// The grpc probe: grpc.health.v1.Health/Check over plaintext HTTP/2, SERVING passes. The
// request and response are tiny protobuf messages, encoded here by hand.
import { connect, constants } from 'node:http2';
import { joinHostPort, PROBE_USER_AGENT, type ProbeOutcome } from './outcome.js';

const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const GRPC_UNIMPLEMENTED = 12;
const GRPC_DEADLINE_EXCEEDED = 4;

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** HealthCheckRequest{service} in a gRPC length-prefixed frame. */
export function healthCheckFrame(service: string): Buffer {
  const s = Buffer.from(service, 'utf8');
  const msg = s.length ? Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]) : Buffer.alloc(0);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

/** HealthCheckResponse.status (field 1, varint) from a framed reply; 0 (UNKNOWN) when absent. */
export function parseHealthStatus(frame: Buffer): number {
  if (frame.length < 5) return 0;
  const msg = frame.subarray(5, 5 + frame.readUInt32BE(1));
  let i = 0;
  while (i < msg.length) {
    const tag = msg[i++]!;
    let v = 0;
    let shift = 0;
    if ((tag & 7) === 0) {
      for (;;) {
        const b = msg[i++] ?? 0;
        v |= (b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80) || i >= msg.length) break;
      }
      if (tag >> 3 === 1) return v;
    } else if ((tag & 7) === 2) {
      let len = 0;
      for (;;) {
        const b = msg[i++] ?? 0;
        len |= (b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80) || i >= msg.length) break;
      }
      i += len;
    } else return 0;
  }
  return 0;
}

export function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    let done = false;
    const session = connect(`http://${addr}`);
    const timer = setTimeout(() => finish({ result: 'failure', output: `timeout: health rpc did not complete within ${timeoutSeconds}s` }), timeoutSeconds * 1000);
    function finish(o: ProbeOutcome): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    }
    session.on('error', (err) => finish({ result: 'failure', output: `error: failed to connect service at ${JSON.stringify(addr)}: ${err.message}` }));
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': PROBE_USER_AGENT,
    });
    const chunks: Buffer[] = [];
    let grpcStatus: number | undefined;
    let grpcMessage = '';
    const takeStatus = (h: Record<string, unknown>) => {
      if (h['grpc-status'] !== undefined) {
        grpcStatus = Number(h['grpc-status']);
        grpcMessage = decodeURIComponent(String(h['grpc-message'] ?? ''));
      }
    };
    stream.on('response', takeStatus);
    stream.on('trailers', takeStatus);
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', (err) => finish({ result: 'failure', output: `error: health rpc probe failed: ${err.message}` }));
    stream.on('end', () => {
      if (grpcStatus === GRPC_UNIMPLEMENTED) {
        return finish({ result: 'failure', output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${grpcMessage}` });
      }
      if (grpcStatus === GRPC_DEADLINE_EXCEEDED) return finish({ result: 'failure', output: `timeout: health rpc did not complete within ${timeoutSeconds}s` });
      if (grpcStatus !== 0) return finish({ result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${grpcStatus} desc = ${grpcMessage}` });
      const status = parseHealthStatus(Buffer.concat(chunks));
      if (status !== 1) return finish({ result: 'failure', output: `service unhealthy (responded with ${JSON.stringify(STATUS_NAMES[status] ?? String(status))})` });
      finish({ result: 'success', output: 'service healthy' });
    });
    stream.end(healthCheckFrame(service));
  });
}
