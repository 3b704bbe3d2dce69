// port-forward as the kubelet serves it. kubectl 1.32 carries its SPDY/3.1 session inside a
// WebSocket (subprotocol SPDY/3.1+portforward.k8s.io), or, as a fallback, over a plain SPDY
// upgrade. The runtime's streaming server speaks plain SPDY portforward.k8s.io, and the SPDY
// bytes are the same either way, so both cases are a byte tunnel once the handshakes are done.
// Any other WebSocket client speaks the channel protocol (./port-forward-channels.ts).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { PORT_FORWARD_V1, PORT_FORWARD_WEBSOCKET_TUNNEL, headerList, isSpdyUpgrade, isWebSocketUpgrade } from './protocols.js';
import { serveChannelPortForward } from './port-forward-channels.js';
import { serveSpdy } from './remote-command.js';
import { acceptWebSocket, bridgeWebSocketToStream, dialSpdyBackend, rejectUpgrade } from './upgrade.js';

export interface PortForwardOptions {
  /** The runtime's streaming URL for this request (the CRI PortForward response). */
  backendUrl: string;
  /** The ports the client asked for (the `port` query); the channel protocol needs them up front. */
  ports?: readonly number[];
}

/** Serves one port-forward upgrade request. Never throws; failures answer HTTP errors and close. */
export async function handlePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, o: PortForwardOptions): Promise<void> {
  socket.on('error', () => socket.destroy());
  try {
    if (isWebSocketUpgrade(req)) {
      if (headerList(req, 'sec-websocket-protocol').includes(PORT_FORWARD_WEBSOCKET_TUNNEL)) return await serveTunnel(req, socket, head, o.backendUrl);
      return await serveChannelPortForward(req, socket, head, o.backendUrl, o.ports ?? []);
    }
    if (isSpdyUpgrade(req)) return await serveSpdy(req, socket, head, o.backendUrl, [PORT_FORWARD_V1]);
    rejectUpgrade(socket, 400, 'unable to upgrade: missing upgrade headers in request');
  } catch (err) {
    rejectUpgrade(socket, 500, `unable to upgrade connection: ${(err as Error).message}`);
  }
}

async function serveTunnel(req: IncomingMessage, socket: Duplex, head: Buffer, backendUrl: string): Promise<void> {
  let clientGone = false;
  socket.once('close', () => {
    clientGone = true;
  });
  let backend;
  try {
    backend = await dialSpdyBackend(backendUrl, [PORT_FORWARD_V1]);
  } catch (err) {
    rejectUpgrade(socket, 500, (err as Error).message);
    return;
  }
  if (clientGone) return void backend.socket.destroy();
  backend.socket.on('error', () => backend.socket.destroy());
  let ws;
  try {
    ws = await acceptWebSocket(req, socket, head, PORT_FORWARD_WEBSOCKET_TUNNEL);
  } catch {
    backend.socket.destroy();
    return;
  }
  if (backend.head.length > 0) backend.socket.unshift(backend.head);
  bridgeWebSocketToStream(ws, backend.socket);
}
