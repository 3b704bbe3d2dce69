// Names kubectl and the runtimes' streaming servers negotiate (k8s.io/apimachinery
// util/remotecommand and util/portforward constants).
import type { IncomingMessage } from 'node:http';

export const REMOTE_COMMAND_V1 = 'channel.k8s.io';
export const REMOTE_COMMAND_V2 = 'v2.channel.k8s.io';
export const REMOTE_COMMAND_V3 = 'v3.channel.k8s.io';
export const REMOTE_COMMAND_V4 = 'v4.channel.k8s.io';
export const REMOTE_COMMAND_V5 = 'v5.channel.k8s.io';
/** The text variants: each message a channel digit ('0'+n) and the payload in base64. */
export const REMOTE_COMMAND_V1_BASE64 = 'base64.channel.k8s.io';
export const REMOTE_COMMAND_V4_BASE64 = 'v4.base64.channel.k8s.io';
export const PORT_FORWARD_V1 = 'portforward.k8s.io';
/** kubectl's port-forward over WebSocket: the SPDY byte stream carried in binary messages. */
export const PORT_FORWARD_WEBSOCKET_TUNNEL = 'SPDY/3.1+portforward.k8s.io';

/** Remote-command versions a runtime's SPDY server speaks, newest first. */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = [REMOTE_COMMAND_V4, REMOTE_COMMAND_V3, REMOTE_COMMAND_V2, REMOTE_COMMAND_V1];
/** Remote-command versions we accept over WebSocket (upstream's, plus v2 and v3 that older clients offer). */
export const WEBSOCKET_REMOTE_COMMAND_PROTOCOLS = [REMOTE_COMMAND_V5, REMOTE_COMMAND_V4, REMOTE_COMMAND_V4_BASE64, REMOTE_COMMAND_V3, REMOTE_COMMAND_V2, REMOTE_COMMAND_V1, REMOTE_COMMAND_V1_BASE64];

/**
 * port-forward's own WebSocket channel protocol (a data and an error channel per port), as
 * upstream's kubelet serves it: v4 binary or base64, or no subprotocol at all. The bare
 * portforward.k8s.io name is taken as the binary form, for clients that offer the SPDY name.
 */
export const WEBSOCKET_PORT_FORWARD_PROTOCOLS = [REMOTE_COMMAND_V4, REMOTE_COMMAND_V4_BASE64, PORT_FORWARD_V1];

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
  // of everything else (the v4 Status on the error stream included) is v4's. The base64 forms
  // differ from their binary twins only in how a WebSocket message is encoded.
  if (websocketProtocol === REMOTE_COMMAND_V5 || websocketProtocol === REMOTE_COMMAND_V4_BASE64) return REMOTE_COMMAND_V4;
  // channel.k8s.io over SPDY resets the error stream before anything is written to it (a v1
  // quirk upstream kept), while over WebSocket upstream writes the failure's text there; v2
  // writes the same text and has the same streams, so it stands in for v1.
  if (websocketProtocol === REMOTE_COMMAND_V1_BASE64 || websocketProtocol === REMOTE_COMMAND_V1) return REMOTE_COMMAND_V2;
  return websocketProtocol;
}

/** Whether a channel protocol carries its messages as base64 text. */
export function isBase64Protocol(protocol: string): boolean {
  return protocol === REMOTE_COMMAND_V1_BASE64 || protocol === REMOTE_COMMAND_V4_BASE64;
}

/** Protocols from v3 on carry a resize stream. */
export function supportsResize(protocol: string): boolean {
  return protocol === REMOTE_COMMAND_V3 || protocol === REMOTE_COMMAND_V4 || protocol === REMOTE_COMMAND_V5;
}
