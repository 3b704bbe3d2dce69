// port-forward over the WebSocket channel protocol, as upstream's kubelet serves it to clients
// that speak no SPDY (the Python and JavaScript clients): the ports come from the query, each
// requested port i gets channel 2i for data and 2i+1 for errors, and the first message on each
// channel is the port number as two little-endian bytes. Each port carries one connection in
// the pod; the WebSocket closes once every one of them has ended. Towards the runtime this is
// one SPDY portforward.k8s.io session with an error and a data stream per port.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import { ChannelWriter, decodeChannelMessage } from './channels.js';
import { PORT_FORWARD_V1, WEBSOCKET_PORT_FORWARD_PROTOCOLS, chooseProtocol, headerList, isBase64Protocol } from './protocols.js';
import { acceptWebSocket, dialSpdyBackend, rejectUpgrade } from './upgrade.js';

const STREAM_CREATION_TIMEOUT_MS = 30_000;

interface PortStreams {
  port: number;
  data: SpdyStream;
  error: SpdyStream;
}

/** Serves one WebSocket port-forward request whose subprotocol is not kubectl's SPDY tunnel. */
export async function serveChannelPortForward(req: IncomingMessage, socket: Duplex, head: Buffer, backendUrl: string, ports: readonly number[]): Promise<void> {
  const offered = headerList(req, 'sec-websocket-protocol');
  const chosen = offered.length === 0 ? false : chooseProtocol(offered, WEBSOCKET_PORT_FORWARD_PROTOCOLS);
  if (chosen === undefined) {
    rejectUpgrade(socket, 400, `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${WEBSOCKET_PORT_FORWARD_PROTOCOLS.join(' ')}]`);
    return;
  }
  if (ports.length === 0) {
    rejectUpgrade(socket, 400, 'query parameter "port" is required');
    return;
  }
  let clientGone = false;
  socket.once('close', () => {
    clientGone = true;
  });
  let session: SpdySession;
  let streams: PortStreams[];
  try {
    const backend = await dialSpdyBackend(backendUrl, [PORT_FORWARD_V1]);
    if (backend.head.length > 0) backend.socket.unshift(backend.head);
    backend.socket.on('error', () => backend.socket.destroy());
    session = new SpdySession(backend.socket, { role: 'client', respectPeerWindow: false });
    streams = await openPortStreams(session, ports);
  } catch (err) {
    rejectUpgrade(socket, 500, (err as Error).message);
    return;
  }
  if (clientGone) return void session.destroy();
  let ws: WebSocket;
  try {
    ws = await acceptWebSocket(req, socket, head, chosen);
  } catch {
    session.destroy();
    return;
  }
  relayPorts(ws, session, streams, chosen !== false && isBase64Protocol(chosen));
}

async function openPortStreams(session: SpdySession, ports: readonly number[]): Promise<PortStreams[]> {
  const streams = ports.map((port, i) => {
    const headers = { port: String(port), requestID: String(i) };
    // As kubectl does: the error stream first, half-closed at once, then the data stream.
    const error = session.openStream({ ...headers, streamType: 'error' });
    error.end();
    const data = session.openStream({ ...headers, streamType: 'data' });
    return { port, data, error };
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out waiting for the runtime to accept the port-forward streams')), STREAM_CREATION_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(streams.flatMap((s) => [s.error.reply, s.data.reply])), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return streams;
}

function relayPorts(ws: WebSocket, session: SpdySession, streams: PortStreams[], base64: boolean): void {
  let finished = false;
  const outputs = streams.flatMap((s) => [s.data, s.error]);
  const writer = new ChannelWriter(ws, base64, (full) => {
    if (full) for (const o of outputs) o.pause();
    else if (!finished) for (const o of outputs) o.resume();
  });
  const finish = (): void => {
    if (finished) return;
    finished = true;
    // Queued after the data already sent, so the client receives all of it first.
    if (ws.readyState === ws.OPEN) ws.close(1000);
    session.close();
    setTimeout(() => session.destroy(), 5000).unref();
  };
  const abort = (): void => {
    if (finished) return;
    finished = true;
    session.destroy();
    ws.terminate();
  };

  let openPorts = streams.length;
  streams.forEach((s, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(s.port);
    writer.send(2 * i, portBytes);
    writer.send(2 * i + 1, portBytes);
    s.data.on('data', (chunk: Buffer) => writer.send(2 * i, chunk));
    s.error.on('data', (chunk: Buffer) => writer.send(2 * i + 1, chunk));
    let ended = false;
    const portDone = (): void => {
      if (ended) return;
      ended = true;
      if (--openPorts === 0) setImmediate(finish);
    };
    // The connection in the pod is over when its data stream is; an error message arrives
    // on the error stream before the runtime closes the data stream.
    s.data.on('end', portDone);
    s.data.on('close', portDone);
    s.data.on('error', portDone);
    s.error.on('error', () => undefined);
  });
  session.on('close', () => setImmediate(finish));

  ws.on('message', (raw: Buffer) => {
    const m = finished ? undefined : decodeChannelMessage(raw, base64);
    if (!m || m.channel % 2 !== 0) return;
    const target = streams[m.channel / 2]?.data;
    if (!target || target.writableEnded || m.payload.length === 0) return;
    if (!target.write(m.payload)) {
      ws.pause();
      target.once('drain', () => ws.resume());
    }
  });
  ws.on('close', () => {
    if (!finished) abort();
  });
  ws.on('error', abort);
}
