// exec and attach as the kubelet serves them: the client (kubectl, through the API server)
// speaks WebSocket v5…v1 or SPDY/3.1; the runtime's streaming server (containerd) speaks SPDY.
// WebSocket clients are translated channel by channel onto SPDY streams, as upstream's
// StreamTranslatorHandler does; SPDY clients are spliced through after both handshakes.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import {
  CLOSE_CHANNEL,
  Channel,
  REMOTE_COMMAND_V1,
  REMOTE_COMMAND_V5,
  SPDY_REMOTE_COMMAND_PROTOCOLS,
  STREAM_PROTOCOL_HEADER,
  WEBSOCKET_REMOTE_COMMAND_PROTOCOLS,
  backendProtocolFor,
  chooseProtocol,
  headerList,
  isBase64Protocol,
  isSpdyUpgrade,
  isWebSocketUpgrade,
  supportsResize,
} from './protocols.js';
import { ChannelWriter, decodeChannelMessage } from './channels.js';
import { splice } from '../../util/splice.js';
import { acceptWebSocket, dialSpdyBackend, rejectUpgrade, switchingProtocolsSpdy, type BackendConnection } from './upgrade.js';

export interface RemoteCommandOptions {
  kind: 'exec' | 'attach';
  /** The runtime's streaming URL for this request (the CRI Exec/Attach response). */
  backendUrl: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** Serves one exec/attach upgrade request. Never throws; failures answer HTTP errors and close. */
export async function handleRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, o: RemoteCommandOptions): Promise<void> {
  socket.on('error', () => socket.destroy());
  try {
    if (isWebSocketUpgrade(req)) return await serveWebSocket(req, socket, head, o);
    if (isSpdyUpgrade(req)) return await serveSpdy(req, socket, head, o.backendUrl, SPDY_REMOTE_COMMAND_PROTOCOLS);
    rejectUpgrade(socket, 400, 'unable to upgrade: missing upgrade headers in request');
  } catch (err) {
    rejectUpgrade(socket, 500, `unable to upgrade connection: ${(err as Error).message}`);
  }
}

/**
 * A SPDY client talks to the runtime directly once both handshakes are done: both ends speak
 * the same protocol version, so the bytes need no translation.
 */
export async function serveSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, backendUrl: string, accepted: string[]): Promise<void> {
  const offered = headerList(req, STREAM_PROTOCOL_HEADER);
  const usable = offered.filter((p) => accepted.includes(p));
  if (usable.length === 0) {
    rejectUpgrade(socket, 403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${accepted.join(' ')}]`);
    return;
  }
  const backend = await dialOrReject(socket, backendUrl, usable);
  if (!backend) return;
  if (!usable.includes(backend.protocol)) {
    backend.socket.destroy();
    rejectUpgrade(socket, 500, `unable to upgrade: runtime chose unexpected protocol "${backend.protocol}"`);
    return;
  }
  socket.write(switchingProtocolsSpdy(backend.protocol));
  if (backend.head.length > 0) socket.write(backend.head);
  if (head.length > 0) backend.socket.write(head);
  splice(socket, backend.socket);
}

/** Dials the runtime; on failure answers the client and resolves undefined. */
async function dialOrReject(socket: Duplex, backendUrl: string, protocols: string[]): Promise<BackendConnection | undefined> {
  let clientGone = false;
  const onClose = (): void => {
    clientGone = true;
  };
  socket.once('close', onClose);
  try {
    const backend = await dialSpdyBackend(backendUrl, protocols);
    if (clientGone) {
      backend.socket.destroy();
      return undefined;
    }
    return backend;
  } catch (err) {
    rejectUpgrade(socket, 500, (err as Error).message);
    return undefined;
  } finally {
    socket.off('close', onClose);
  }
}

interface BackendStreams {
  session: SpdySession;
  error: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

async function serveWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, o: RemoteCommandOptions): Promise<void> {
  const offered = headerList(req, 'sec-websocket-protocol');
  // Without a subprotocol upstream speaks the original channel protocol.
  const chosen = offered.length === 0 ? REMOTE_COMMAND_V1 : chooseProtocol(offered, WEBSOCKET_REMOTE_COMMAND_PROTOCOLS);
  if (!chosen) {
    rejectUpgrade(socket, 400, `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${WEBSOCKET_REMOTE_COMMAND_PROTOCOLS.join(' ')}]`);
    return;
  }
  const backendProtocol = backendProtocolFor(chosen);
  const backend = await dialOrReject(socket, o.backendUrl, [backendProtocol]);
  if (!backend) return;
  let streams: BackendStreams;
  try {
    streams = await openBackendStreams(backend, backendProtocol, o);
  } catch (err) {
    backend.socket.destroy();
    rejectUpgrade(socket, 500, `error creating streams to the runtime: ${(err as Error).message}`);
    return;
  }
  let ws: WebSocket;
  try {
    ws = await acceptWebSocket(req, socket, head, offered.length === 0 ? false : chosen);
  } catch {
    streams.session.destroy();
    return;
  }
  relay(ws, streams, chosen === REMOTE_COMMAND_V5, isBase64Protocol(chosen));
}

async function openBackendStreams(backend: BackendConnection, protocol: string, o: RemoteCommandOptions): Promise<BackendStreams> {
  if (backend.head.length > 0) backend.socket.unshift(backend.head);
  const session = new SpdySession(backend.socket, { role: 'client', respectPeerWindow: false });
  const open = (streamType: string): SpdyStream => session.openStream({ streamType });
  // The order and the half-closed error stream are what upstream's SPDY clients do.
  const streams: BackendStreams = { session, error: open('error') };
  streams.error.end();
  if (o.stdin) streams.stdin = open('stdin');
  if (o.stdout) streams.stdout = open('stdout');
  if (o.stderr && !o.tty) streams.stderr = open('stderr');
  if (o.tty && supportsResize(protocol)) streams.resize = open('resize');
  const all = [streams.error, streams.stdin, streams.stdout, streams.stderr, streams.resize].filter((s): s is SpdyStream => s !== undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out waiting for the runtime to accept the streams')), STREAM_CREATION_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all(all.map((s) => s.reply)), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return streams;
}

/** Moves bytes between the WebSocket channels and the runtime's SPDY streams until the command ends. */
function relay(ws: WebSocket, s: BackendStreams, v5: boolean, base64: boolean): void {
  let finished = false;
  const outputs = [s.stdout, s.stderr, s.error].filter((x): x is SpdyStream => x !== undefined);
  let openOutputs = outputs.length;

  const finish = (): void => {
    if (finished) return;
    finished = true;
    // Queued after every message already sent, so the client sees all output and the status first.
    if (ws.readyState === ws.OPEN) ws.close(1000);
    s.session.close();
    setTimeout(() => s.session.destroy(), 5000).unref();
  };
  const abort = (): void => {
    if (finished) return;
    finished = true;
    s.session.destroy();
    ws.terminate();
  };

  const writer = new ChannelWriter(ws, base64, (full) => {
    if (full) for (const o of outputs) o.pause();
    else if (!finished) for (const o of outputs) o.resume();
  });
  const send = (channel: number, data: Buffer): void => writer.send(channel, data);

  // Upstream tells the client the connection is ready with an empty message on the lowest
  // channel it will write.
  send(s.stdout ? Channel.STDOUT : s.stderr ? Channel.STDERR : Channel.ERROR, Buffer.alloc(0));

  const forward = (stream: SpdyStream | undefined, channel: number): void => {
    if (!stream) return;
    stream.on('data', (chunk: Buffer) => send(channel, chunk));
    let counted = false;
    const done = (): void => {
      if (counted) return;
      counted = true;
      if (--openOutputs === 0) finish();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  };
  forward(s.stdout, Channel.STDOUT);
  forward(s.stderr, Channel.STDERR);
  // containerd already writes the error stream in the negotiated version's format (a v4 Status JSON).
  forward(s.error, Channel.ERROR);
  // When the runtime's connection closes, every output stream is ended there: each one's 'end'
  // comes once what it still buffers has been sent (it may be paused behind a slow client), and
  // the last 'end' finishes. Finishing at the close itself dropped a command's last output.
  s.session.on('close', () => {
    if (!writer.backlogged()) for (const o of outputs) if (!o.readableEnded) o.resume();
  });

  ws.on('message', (data: Buffer) => {
    const m = finished ? undefined : decodeChannelMessage(data, base64);
    if (!m) return;
    const { channel, payload } = m;
    if (channel === Channel.STDIN && s.stdin && !s.stdin.writableEnded) {
      if (!s.stdin.write(payload)) {
        ws.pause();
        s.stdin.once('drain', () => ws.resume());
      }
    } else if (channel === Channel.RESIZE && s.resize && !s.resize.writableEnded) {
      s.resize.write(payload);
    } else if (v5 && channel === CLOSE_CHANNEL && payload.length > 0) {
      if (payload[0] === Channel.STDIN) s.stdin?.end();
      if (payload[0] === Channel.RESIZE) s.resize?.end();
    }
  });
  ws.on('close', () => {
    if (!finished) abort();
  });
  ws.on('error', abort);
}
