// A stand-in for a container runtime's streaming server, for tests: it answers SPDY/3.1
// upgrades on /exec/<token> and /portforward/<token> the way containerd's (upstream's
// kubelet/cri/streaming) server does, but runs the command as a local process and forwards
// ports to 127.0.0.1. It speaks remote-command v1–v4 and portforward.k8s.io.
import http, { type IncomingMessage } from 'node:http';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { SpdySession, type SpdyStream } from '../../../util/spdy/session.js';
import { headerValue } from '../../../util/spdy/header-block.js';
import { PORT_FORWARD_V1, SPDY_REMOTE_COMMAND_PROTOCOLS, REMOTE_COMMAND_V4, supportsResize, headerList } from '../protocols.js';

interface ExecRequest {
  cmd: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface FakeRuntime {
  /** Registers an exec and returns its single-use streaming URL. */
  exec(req: ExecRequest): string;
  portForward(): string;
  /** Resize messages received, as raw JSON strings. */
  resizes: string[];
  /** Upgrades seen (for asserting a refused client never reached the runtime). */
  upgrades: number;
  close(): Promise<void>;
}

export async function startFakeRuntime(): Promise<FakeRuntime> {
  const execs = new Map<string, ExecRequest>();
  const forwards = new Set<string>();
  const sockets = new Set<Duplex>();
  const server = http.createServer((_req, res) => {
    res.statusCode = 400;
    res.end('upgrade required');
  });
  const runtime: FakeRuntime = {
    resizes: [],
    upgrades: 0,
    exec(req) {
      const token = randomBytes(8).toString('hex');
      execs.set(token, req);
      return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/exec/${token}`;
    },
    portForward() {
      const token = randomBytes(8).toString('hex');
      forwards.add(token);
      return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/portforward/${token}`;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    runtime.upgrades++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const [, kind, token] = (req.url ?? '').split('/');
    const exec = kind === 'exec' ? execs.get(token ?? '') : undefined;
    const forward = kind === 'portforward' && forwards.has(token ?? '');
    if (!exec && !forward) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found');
      return;
    }
    execs.delete(token ?? '');
    forwards.delete(token ?? '');
    const accepted = exec ? SPDY_REMOTE_COMMAND_PROTOCOLS : [PORT_FORWARD_V1];
    const protocol = headerList(req, 'x-stream-protocol-version').find((p) => accepted.includes(p));
    if (!protocol) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
    if (head.length > 0) socket.unshift(head);
    // Go clients never send WINDOW_UPDATE, so this server must not wait for one.
    const session = new SpdySession(socket, { role: 'server', respectPeerWindow: false });
    if (exec) serveExec(session, exec, protocol, runtime);
    else servePortForward(session);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return runtime;
}

function serveExec(session: SpdySession, req: ExecRequest, protocol: string, runtime: FakeRuntime): void {
  const expected = new Set(['error']);
  if (req.stdin) expected.add('stdin');
  if (req.stdout) expected.add('stdout');
  if (req.stderr && !req.tty) expected.add('stderr');
  if (req.tty && supportsResize(protocol)) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  session.on('stream', (s) => {
    const type = headerValue(s.headers, 'streamtype') ?? '';
    if (!expected.has(type) || streams.has(type)) return s.reset();
    s.respond({});
    streams.set(type, s);
    if (type === 'resize') s.on('data', (d: Buffer) => runtime.resizes.push(d.toString('utf8')));
    if (streams.size === expected.size) start();
  });
  const start = (): void => {
    const [file, ...args] = req.cmd;
    const child = spawn(file ?? 'false', args, { stdio: 'pipe' });
    const stdin = streams.get('stdin');
    if (stdin) stdin.pipe(child.stdin);
    else child.stdin.end();
    child.stdin.on('error', () => undefined);
    const outputs: Promise<void>[] = [];
    const out = (from: NodeJS.ReadableStream, to: SpdyStream | undefined): void => {
      if (!to) return void from.resume();
      outputs.push(new Promise((r) => from.on('end', () => r())));
      from.on('data', (c: Buffer) => to.write(c));
    };
    out(child.stdout, streams.get('stdout'));
    // With a tty upstream merges stderr into stdout.
    out(child.stderr, req.tty ? streams.get('stdout') : streams.get('stderr'));
    child.on('error', () => undefined);
    child.on('close', async (code) => {
      await Promise.all(outputs);
      const error = streams.get('error')!;
      const exit = code ?? 1;
      if (protocol === REMOTE_COMMAND_V4) {
        error.write(
          JSON.stringify(
            exit === 0
              ? { metadata: {}, status: 'Success' }
              : {
                  metadata: {},
                  status: 'Failure',
                  message: `command terminated with non-zero exit code: error executing command [${req.cmd.join(' ')}], exit code ${exit}`,
                  reason: 'NonZeroExitCode',
                  details: { causes: [{ reason: 'ExitCode', message: String(exit) }] },
                },
          ),
        );
      } else if (exit !== 0) {
        error.write(`error executing command [${req.cmd.join(' ')}], exit code ${exit}`);
      }
      // As upstream's server: reset every stream, then close the connection.
      for (const s of streams.values()) s.end();
      setTimeout(() => {
        for (const s of streams.values()) s.reset();
        session.close();
      }, 20);
    });
  };
}

function servePortForward(session: SpdySession): void {
  const errors = new Map<string, SpdyStream>();
  session.on('stream', (s) => {
    const type = headerValue(s.headers, 'streamtype');
    const requestId = headerValue(s.headers, 'requestid') ?? '';
    const port = Number(headerValue(s.headers, 'port'));
    s.respond({});
    if (type === 'error') {
      errors.set(requestId, s);
      s.resume();
      return;
    }
    if (type !== 'data' || !Number.isInteger(port) || port <= 0 || port > 65535) return s.reset();
    const conn = net.connect(port, '127.0.0.1');
    conn.on('error', (err) => {
      errors.get(requestId)?.end(`error forwarding port ${port}: ${err.message}`);
      s.end();
    });
    s.pipe(conn);
    conn.pipe(s);
    s.on('close', () => conn.destroy());
  });
}
