// Names kubectl and the runtimes' streaming servers negotiate (k8s.io/apimachinery
// util/remotecommand and util/portforward constants).
import type { IncomingMessage } from 'node:http';

export const REMOTE_COMMAND_V1 = 'channel.k8s.io';
export const REMOTE_COMMAND_V2 = 'v2.channel.k8s.io';
export const REMOTE_COMMAND_V3 = 'v3.channel.k8s.io';
export const REMOTE_COMMAND_V4 = 'v4.channel.k8s.io';
export const REMOTE_COMMAND_V5 = 'v5.channel.k8s.io';
export const PORT_FORWARD_V1 = 'portforward.k8s.io';
/** kubectl's port-forward over WebSocket: the SPDY byte stream carried in binary messages. */
export const PORT_FORWARD_WEBSOCKET_TUNNEL = 'SPDY/3.1+portforward.k8s.io';

/** Remote-command versions a runtime's SPDY server speaks, newest first. */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = [REMOTE_COMMAND_V4, REMOTE_COMMAND_V3, REMOTE_COMMAND_V2, REMOTE_COMMAND_V1];
/** Remote-command versions we accept over WebSocket. */
export const WEBSOCKET_REMOTE_COMMAND_PROTOCOLS = [REMOTE_COMMAND_V5, ...SPDY_REMOTE_COMMAND_PROTOCOLS];

export const STREAM_PROTOCOL_HEADER = 'x-stream-protocol-version';

/** Stream ids of the WebSocket channel protocol (and the SPDY `streamType` each maps to). */
export const Channel = { STDIN: 0, STDOUT: 1, STDERR: 2, ERROR: 3, RESIZE: 4 } as const;
/** v5: a message [255, channel] half-closes that channel. */
export const CLOSE_CHANNEL = 255;

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return /^websocket$/i.test(String(req.headers.upgrade ?? '').trim()) && /\bupgrade\b/i.test(String(req.headers.connection ?? ''));
}

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return /^spdy\/3\.1$/i.test(String(req.headers.upgrade ?? '').trim()) && /\bupgrade\b/i.test(String(req.headers.connection ?? ''));
}

/** Every value of a header that may repeat (Node joins repeats with ", "). */
export function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name.toLowerCase()];
  const joined = Array.isArray(raw) ? raw.join(',') : raw ?? '';
  return joined.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The first protocol the client offers that we accept, as upstream's handshakes choose. */
export function chooseProtocol(offered: string[], accepted: string[]): string | undefined {
  return offered.find((p) => accepted.includes(p));
}

/** Which remote-command protocol to ask the runtime for, given what the WebSocket client chose. */
export function backendProtocolFor(websocketProtocol: string): string {
  // v5 only adds the close signal, which we translate into a SPDY half-close; the wire format
  // of everything else (the v4 Status on the error stream included) is v4's.
  return websocketProtocol === REMOTE_COMMAND_V5 ? REMOTE_COMMAND_V4 : websocketProtocol;
}

/** Protocols from v3 on carry a resize stream. */
export function supportsResize(protocol: string): boolean {
  return protocol === REMOTE_COMMAND_V3 || protocol === REMOTE_COMMAND_V4 || protocol === REMOTE_COMMAND_V5;
}
