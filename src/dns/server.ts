// The listeners: UDP and TCP (length-prefixed, several queries per connection, RFC 7766) on one
// address and port. Cached answers go out synchronously from the datagram handler; everything
// else through the responder's asynchronous path.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import type { Responder } from './responder.js';
import type { HostPort } from './upstreams.js';

const TCP_IDLE_MS = 10_000;
const MAX_TCP_CONNECTIONS = 1000;
const RECV_BUFFER = 4 << 20;

export interface DnsServer {
  address: HostPort;
  close(): Promise<void>;
}

/** Listens on `listen` (port 0: one free port for both UDP and TCP); rejects when it cannot bind. */
export async function listenDns(responder: Responder, listen: HostPort, log?: (line: string) => void): Promise<DnsServer> {
  const family = isIPv6(listen.host) ? 'udp6' : 'udp4';
  // With port 0, take the UDP port first and ask TCP for the same; retry if TCP has it taken.
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket({ type: family, reuseAddr: false });
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(listen.port, listen.host, () => {
        udp.off('error', reject);
        resolve(udp.address().port);
      });
    });
    try {
      const tcp = await listenTcp(responder, listen.host, port);
      return serve(responder, udp, tcp, { host: listen.host, port }, log);
    } catch (err) {
      udp.close();
      if (listen.port !== 0 || attempt >= 10 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

function serve(responder: Responder, udp: Socket, tcp: TcpListener, address: HostPort, log?: (line: string) => void): DnsServer {
  try {
    udp.setRecvBufferSize(RECV_BUFFER);
  } catch {
    // A smaller kernel limit only means drops under bursts.
  }
  const send = (out: Buffer | undefined, rinfo: RemoteInfo) => {
    if (out) udp.send(out, rinfo.port, rinfo.address);
  };
  udp.on('message', (msg, rinfo) => {
    const hit = responder.cached(msg, false);
    if (hit) return udp.send(hit, rinfo.port, rinfo.address);
    responder.respond(msg, false).then(
      (out) => send(out, rinfo),
      (err: unknown) => log?.(`dns: ${String(err)}`),
    );
  });
  udp.on('error', (err) => log?.(`dns: udp: ${String(err)}`));
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        udp.close();
        tcp.server.close(() => resolve());
        for (const c of tcp.open) c.destroy();
      }),
  };
}

interface TcpListener {
  server: Server;
  open: Set<TcpSocket>;
}

function listenTcp(responder: Responder, host: string, port: number): Promise<TcpListener> {
  const open = new Set<TcpSocket>();
  const server = createServer((sock) => {
    if (open.size >= MAX_TCP_CONNECTIONS) return sock.destroy();
    open.add(sock);
    sock.on('close', () => open.delete(sock));
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('error', () => sock.destroy());
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const hit = responder.cached(msg, true);
        if (hit) writeFramed(sock, hit);
        else
          responder.respond(msg, true).then(
            (out) => out && writeFramed(sock, out),
            () => sock.destroy(),
          );
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, open });
    });
  });
}

function writeFramed(sock: TcpSocket, msg: Buffer): void {
  if (sock.destroyed) return;
  const len = Buffer.allocUnsafe(2);
  len.writeUInt16BE(msg.length);
  sock.write(Buffer.concat([len, msg]));
}
